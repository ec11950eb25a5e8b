using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Sandbox.TrueNas;

/// <summary>
/// JSON-RPC 2.0 over WebSocket at <c>/api/current</c> and <c>/api/vXX.YY.Z</c>
/// (contracts-truenas.md 4.2; middlewared <c>api/base/server/ws_handler/rpc.py</c>). No
/// handshake; each text message is one request; calls run concurrently (at most 20 in flight),
/// each answered when done, so a client may pipeline. Errors: -32700 bad JSON, -32600 bad
/// request, -32601 unknown method, -32602 validation (<c>data.extra</c> lists each attribute),
/// -32001 CallError (<c>Method call error</c>), -32000 too many concurrent calls.
/// </summary>
public sealed class TrueNasRpc(TrueNasState state)
{
    /// <summary>Accepts the WebSocket (or answers 400 like aiohttp when the request is no upgrade).</summary>
    public async Task HandleAsync(HttpContext context, int viewRank)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await TrueNasRest.WriteTextAsync(context, 400,
                "No WebSocket UPGRADE hdr: None\n Can \"Upgrade\" only to \"WebSocket\".");
            return;
        }
        using var ws = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new TrueNasRpcConnection(state, context, ws, viewRank);
        await connection.RunAsync();
    }
}

/// <summary>One WebSocket client: its session (who logged in) and its in-flight calls.</summary>
internal sealed class TrueNasRpcConnection
{
    private const int MaxConcurrentCalls = 20;
    private const int UnauthenticatedMessageLimit = 8192;
    private const int AuthenticatedMessageLimit = 65536;

    private readonly TrueNasState _s;
    private readonly HttpContext _context;
    private readonly WebSocket _ws;
    private readonly int _view;
    private readonly bool _secure;
    private readonly string _ip;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, RpcMethod> _methods;
    private readonly HashSet<Task> _calls = [];
    private volatile TrueNasCaller? _caller;
    private int _inFlight;
    private int _terminated;

    private delegate Task<Action<Utf8JsonWriter>> Handler(JsonElement[] args);

    private sealed record RpcMethod(int MaxArgs, bool NoAuth, Handler Run);

    public TrueNasRpcConnection(TrueNasState s, HttpContext context, WebSocket ws, int view)
    {
        _s = s;
        _context = context;
        _ws = ws;
        _view = view;
        // utils/origin.py: secure when nginx saw HTTPS, or the peer is loopback. The sandbox is
        // always on loopback, so --treat-as-remote makes every plain connection insecure.
        _secure = context.Request.IsHttps || !s.TreatAsRemote;
        _ip = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
        _methods = BuildMethods();
    }

    private TrueNasFlavour Flavour => _s.Flavour;

    // ---- the receive loop ----

    public async Task RunAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new MemoryStream();
        try
        {
            while (_ws.State == WebSocketState.Open)
            {
                ValueWebSocketReceiveResult r;
                try
                {
                    r = await _ws.ReceiveAsync(buffer.AsMemory(), _stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
                {
                    break;
                }
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    if (_ws.State == WebSocketState.CloseReceived)
                        await TryCloseAsync(WebSocketCloseStatus.NormalClosure, null);
                    break;
                }
                if (r.MessageType == WebSocketMessageType.Binary)
                {
                    await TryCloseAsync(WebSocketCloseStatus.InvalidMessageType,
                        "Invalid websocket message type: <WSMsgType.BINARY: 2>");
                    break;
                }
                message.Write(buffer, 0, r.Count);
                var limit = _caller is null ? UnauthenticatedMessageLimit : AuthenticatedMessageLimit;
                if (message.Length > limit)
                {
                    await TryCloseAsync(WebSocketCloseStatus.MessageTooBig, "Max message length exceeded");
                    break;
                }
                if (!r.EndOfMessage) continue;
                var bytes = message.ToArray();
                message.SetLength(0);
                await DispatchAsync(bytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _stop.Cancel();
            // Calls still running finish (or notice the cancellation) before the handler returns,
            // so none of them touches the HttpContext after the request has ended.
            Task[] pending;
            lock (_calls) pending = _calls.ToArray();
            await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromSeconds(5)));
        }
    }

    private async Task TryCloseAsync(WebSocketCloseStatus status, string? description)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                await _ws.CloseOutputAsync(status, description, timeout.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
        }
    }

    // ---- request validation (REQUEST_SCHEMA) ----

    private async Task DispatchAsync(byte[] bytes)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            await SendAsync(Error(null, -32700, e.Message, null));
            return;
        }
        var root = doc.RootElement;
        var problem = ValidateRequest(root);
        if (problem is not null)
        {
            doc.Dispose();
            await SendAsync(Error(null, -32600, problem, null));
            return;
        }
        JsonElement? id = root.TryGetProperty("id", out var idElement) ? idElement : null;
        var name = root.GetProperty("method").GetString()!;
        if (!_methods.TryGetValue(name, out var method))
        {
            var response = Error(id, -32601, "Method does not exist", null);
            doc.Dispose();
            _s.Log?.Add("WS", name, -32601);
            await SendAsync(response);
            return;
        }
        var args = root.TryGetProperty("params", out var p) ? p.EnumerateArray().ToArray() : [];
        // asyncio.ensure_future(process_method_call(...)): the next message is read at once.
        var call = Task.Run(async () =>
        {
            try
            {
                await CallAsync(id, name, method, args);
            }
            finally
            {
                doc.Dispose();
            }
        });
        lock (_calls) _calls.Add(call);
        _ = call.ContinueWith(t =>
        {
            lock (_calls) _calls.Remove(t);
        }, TaskScheduler.Default);
    }

    private static string? ValidateRequest(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return $"{root.GetRawText()} is not of type 'object'";
        foreach (var p in root.EnumerateObject())
        {
            switch (p.Name)
            {
                case "jsonrpc":
                    if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() != "2.0")
                        return $"{p.Value.GetRawText()} is not one of ['2.0']";
                    break;
                case "method":
                    if (p.Value.ValueKind != JsonValueKind.String) return $"{p.Value.GetRawText()} is not of type 'string'";
                    break;
                case "params":
                    if (p.Value.ValueKind != JsonValueKind.Array) return $"{p.Value.GetRawText()} is not of type 'array'";
                    break;
                case "id":
                    if (p.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Number or JsonValueKind.String))
                        return $"{p.Value.GetRawText()} is not of type 'null', 'number', 'string'";
                    break;
                default:
                    return $"Additional properties are not allowed ('{p.Name}' was unexpected)";
            }
        }
        if (!root.TryGetProperty("jsonrpc", out _)) return "'jsonrpc' is a required property";
        if (!root.TryGetProperty("method", out _)) return "'method' is a required property";
        return null;
    }

    // ---- one call ----

    private async Task CallAsync(JsonElement? id, string name, RpcMethod method, JsonElement[] args)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            if (inFlight > MaxConcurrentCalls)
            {
                _s.Log?.Add("WS", name, -32000);
                await SendAsync(Error(id, -32000, $"Maximum number of concurrent calls ({MaxConcurrentCalls}) has exceeded", null));
                return;
            }
            var (latency, fault) = _s.WsFaults.Next(name);
            if (latency > 0)
            {
                try
                {
                    await Task.Delay(latency, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return; // the client left while the call was delayed
                }
            }

            int status;
            byte[] response;
            try
            {
                if (args.Length > method.MaxArgs)
                    throw new TrueNasValidationException(null, $"Too many arguments (expected {method.MaxArgs}, found {args.Length})");
                await AuthorizeAsync(name, method);
                var result = await method.Run(args);
                response = Build(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("jsonrpc", "2.0");
                    w.WritePropertyName("result");
                    result(w);
                    WriteId(w, id);
                    w.WriteEndObject();
                });
                status = 0;
            }
            catch (TrueNasValidationException e)
            {
                status = -32602;
                response = Error(id, status, "Invalid params", TrueNasErrorData(Errno.EINVAL, e.Message,
                    e.Errors.Count == 1 ? "ValidationError" : "ValidationErrors", e.Errors));
            }
            catch (TrueNasCallError e)
            {
                status = -32001;
                response = Error(id, status, "Method call error", TrueNasErrorData(e.Errno, e.Reason, "CallError", null));
            }
            catch (TrueNasMatchNotFound)
            {
                status = -32001;
                response = Error(id, status, "Method call error", TrueNasErrorData(Errno.EINVAL, "MatchNotFound()", "MatchNotFound", null));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Any other exception: middlewared sends it as a CallError with EINVAL and its text.
                status = -32001;
                response = Error(id, status, "Method call error", TrueNasErrorData(Errno.EINVAL, e.Message, e.GetType().Name, null));
            }

            // Logged before the answer goes out, so a test reading the log right after a call sees it.
            _s.Log?.Add("WS", name, status);
            switch (fault)
            {
                case TrueNasWsFault.CloseMidCall:
                    // A close frame instead of the answer; the receive loop then waits (at most
                    // 2 s) for the client's close frame and the handler ends the connection.
                    Interlocked.Exchange(ref _terminated, 1);
                    await TryCloseAsync(WebSocketCloseStatus.EndpointUnavailable, "sandbox: wsCloseMidCall");
                    try { _stop.CancelAfter(TimeSpan.FromSeconds(2)); } catch (ObjectDisposedException) { }
                    return;
                case TrueNasWsFault.DropMidCall:
                    // No close frame: the TCP connection is reset.
                    Interlocked.Exchange(ref _terminated, 1);
                    if (!_stop.IsCancellationRequested) _context.Abort();
                    return;
            }
            await SendAsync(response);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>
    /// <c>authorize_method_call</c>: methods that need no authentication are rate limited for
    /// unauthenticated sessions (24.10+); everything else needs a logged-in session.
    /// </summary>
    private async Task AuthorizeAsync(string name, RpcMethod method)
    {
        if (method.NoAuth)
        {
            if (_caller is not null || !Flavour.RateLimited) return;
            if (_s.RateLimit.Exceeded(name, _ip))
            {
                await Task.Delay(TrueNasRateLimit.ExceededDelay);
                throw new TrueNasCallError("Rate Limit Exceeded", Errno.EBUSY);
            }
            return;
        }
        if (_caller is null) throw new TrueNasCallError("Not authenticated", Errno.ENOTAUTHENTICATED);
    }

    // ---- answers ----

    private static byte[] Build(Action<Utf8JsonWriter> write) =>
        Common.JsonResponse.Build(write, Common.JsonResponse.Relaxed);

    private static void WriteId(Utf8JsonWriter w, JsonElement? id)
    {
        w.WritePropertyName("id");
        if (id is JsonElement e) e.WriteTo(w);
        else w.WriteNullValue();
    }

    private static byte[] Error(JsonElement? id, int code, string message, Action<Utf8JsonWriter>? data) => Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc", "2.0");
        w.WriteStartObject("error");
        w.WriteNumber("code", code);
        w.WriteString("message", message);
        if (data is not null)
        {
            w.WritePropertyName("data");
            data(w);
        }
        w.WriteEndObject();
        WriteId(w, id);
        w.WriteEndObject();
    });

    /// <summary><c>format_truenas_error</c>: errno, errname, reason, trace, extra.</summary>
    private static Action<Utf8JsonWriter> TrueNasErrorData(int errno, string reason, string exceptionClass,
        IReadOnlyList<TrueNasFieldError>? extra) => w =>
    {
        w.WriteStartObject();
        w.WriteNumber("error", errno);
        w.WriteString("errname", Errno.Name(errno));
        w.WriteString("reason", reason);
        w.WriteStartObject("trace");
        w.WriteString("class", exceptionClass);
        w.WriteStartArray("frames");
        w.WriteEndArray();
        w.WriteString("formatted", $"Traceback (most recent call last):\n  File \"sandbox\", line 1, in <module>\n{exceptionClass}: {reason}\n");
        w.WriteString("repr", $"{exceptionClass}({reason.TrimEnd('\n')})");
        w.WriteEndObject();
        if (extra is null) w.WriteNull("extra");
        else
        {
            w.WriteStartArray("extra");
            foreach (var e in extra)
            {
                w.WriteStartArray();
                if (e.Attribute is null) w.WriteNullValue();
                else w.WriteStringValue(e.Attribute);
                w.WriteStringValue(e.Message);
                w.WriteNumberValue(e.Errno);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    };

    private async Task SendAsync(byte[] message)
    {
        if (Volatile.Read(ref _terminated) != 0) return;
        try
        {
            await _sendLock.WaitAsync(_stop.Token);
            try
            {
                if (_ws.State != WebSocketState.Open || Volatile.Read(ref _terminated) != 0) return;
                await _ws.SendAsync(message, WebSocketMessageType.Text, true, _stop.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // The client went away; the answer is lost, as on the real server.
        }
    }

    // ---- the methods ----

    private static JsonElement? Arg(JsonElement[] args, int i) => i < args.Length ? args[i] : null;

    private static Task<Action<Utf8JsonWriter>> Done(Action<Utf8JsonWriter> w) => Task.FromResult(w);

    private TrueNasCaller Caller => _caller ?? throw new TrueNasCallError("Not authenticated", Errno.ENOTAUTHENTICATED);

    private Dictionary<string, RpcMethod> BuildMethods()
    {
        var keys = _s.Keys;
        var m = new Dictionary<string, RpcMethod>(StringComparer.Ordinal)
        {
            ["core.ping"] = new(0, false, _ => Done(w => w.WriteStringValue("pong"))),
            ["system.version"] = new(0, false, _ => Done(w => w.WriteStringValue(Flavour.SystemVersion))),
            ["system.product_type"] = new(0, false, _ => Done(w => w.WriteStringValue("COMMUNITY_EDITION"))),
            ["auth.mechanism_choices"] = new(0, true, _ => Done(w =>
            {
                w.WriteStartArray();
                foreach (var mech in Mechanisms) w.WriteStringValue(mech);
                w.WriteEndArray();
            })),
            ["auth.login"] = new(3, true, LoginAsync),
            ["auth.login_ex"] = new(1, true, async a => (await LoginExAsync(Arg(a, 0))).Write),
            ["auth.login_with_api_key"] = new(1, true, LoginWithApiKeyAsync),
            ["auth.logout"] = new(0, false, _ =>
            {
                _caller = null;
                return Done(w => w.WriteBooleanValue(true));
            }),
            ["auth.me"] = new(0, false, _ =>
            {
                var c = Caller;
                if (c.User is not { } u) throw new TrueNasCallError("You are logged in using API_KEY");
                return Done(TrueNasEntries.Me(u, c.ApiKey is not null).Write);
            }),
            ["api_key.query"] = new(2, false, a => Done(keys.Query(Caller, Arg(a, 0), Arg(a, 1), _view))),
            ["api_key.get_instance"] = new(2, false, a => Done(keys.GetInstance(Caller, TrueNasInput.Int(Arg(a, 0), "id"), Arg(a, 1), _view))),
            ["api_key.create"] = new(1, false, a => Done(keys.Create(Caller, Arg(a, 0), _view))),
            ["api_key.update"] = new(2, false, a => Done(keys.Update(Caller, TrueNasInput.Int(Arg(a, 0), "id"), Arg(a, 1), _view))),
            ["api_key.delete"] = new(1, false, a => Done(keys.Delete(Caller, TrueNasInput.Int(Arg(a, 0), "id")))),
            ["api_key.my_keys"] = new(0, false, _ => Done(keys.MyKeys(Caller, _view))),
            ["user.query"] = new(2, false, a =>
            {
                _ = Caller;
                var f = TrueNasQuery.ParseFilters(Arg(a, 0));
                var o = TrueNasQuery.ParseOptions(Arg(a, 1), strict: true);
                return Done(TrueNasQuery.Run(_s.Store.Users().Select(u => TrueNasEntries.User(u, Flavour, _s.Store)), f, o));
            }),
        };
        return m;
    }

    private string[] Mechanisms => Flavour.Scram
        ? ["API_KEY_PLAIN", "PASSWORD_PLAIN", "TOKEN_PLAIN", "OTP_TOKEN", "SCRAM"]
        : ["API_KEY_PLAIN", "PASSWORD_PLAIN", "TOKEN_PLAIN", "OTP_TOKEN"];

    /// <summary>The failure delay (1-2 s at level 1 on the server; 100 ms here to keep tests fast).</summary>
    private static Task FailDelay() => Task.Delay(TrueNasState.FailDelay);

    private async Task<Action<Utf8JsonWriter>> LoginAsync(JsonElement[] a)
    {
        var username = TrueNasInput.Str(Arg(a, 0), "username");
        var password = TrueNasInput.Str(Arg(a, 1), "password");
        var user = _s.Store.UserByName(username);
        if (user is not null && user.Roles.Length > 0 && user.CheckPassword(password))
        {
            _caller = new TrueNasCaller(user, null);
            return w => w.WriteBooleanValue(true);
        }
        await FailDelay();
        return w => w.WriteBooleanValue(false);
    }

    private async Task<Action<Utf8JsonWriter>> LoginWithApiKeyAsync(JsonElement[] a)
    {
        var raw = TrueNasInput.Str(Arg(a, 0), "api_key");
        // 25.04+: look the key id up; an unknown id sleeps and answers false.
        if (!TrueNasKeyHash.TryParse(raw, out var id, out _) || _s.Store.Find(id) is not { } key)
        {
            await FailDelay();
            return w => w.WriteBooleanValue(false);
        }
        var owner = key.OwnerId is int o ? _s.Store.UserById(o) : null;
        var response = await LoginKeyAsync(owner?.Username ?? "", raw, userInfo: false);
        var ok = response.Get("response_type") is "SUCCESS";
        return w => w.WriteBooleanValue(ok);
    }

    private static readonly Dictionary<string, string[]> MechanismFields = new()
    {
        ["API_KEY_PLAIN"] = ["username", "api_key"],
        ["PASSWORD_PLAIN"] = ["username", "password"],
        ["TOKEN_PLAIN"] = ["token"],
        ["OTP_TOKEN"] = ["otp_token"],
        ["SCRAM"] = ["scram_type", "rfc_str"],
    };

    /// <summary><c>auth.login_ex(login_data)</c>: a tagged union on <c>mechanism</c>, strictly validated.</summary>
    private async Task<TrueNasRow> LoginExAsync(JsonElement? arg)
    {
        const string attr = "login_data";
        if (arg is not JsonElement e) throw new TrueNasValidationException(attr, "Field required");
        if (e.ValueKind != JsonValueKind.Object)
            throw new TrueNasValidationException(attr, "Input should be a valid dictionary or object to extract fields from");
        if (!e.TryGetProperty("mechanism", out var mechElement) || mechElement.ValueKind != JsonValueKind.String)
            throw new TrueNasValidationException(attr, "Unable to extract tag using discriminator 'mechanism'");
        var mechanism = mechElement.GetString()!;
        if (!MechanismFields.TryGetValue(mechanism, out var required) || Array.IndexOf(Mechanisms, mechanism) < 0)
            throw new TrueNasValidationException(attr,
                $"Input tag '{mechanism}' found using 'mechanism' does not match any of the expected tags: " +
                string.Join(", ", Mechanisms.Select(x => $"'{x}'")));

        var errors = new TrueNasErrorList();
        var values = new Dictionary<string, string>();
        var userInfo = true;
        foreach (var p in e.EnumerateObject())
        {
            var fieldAttr = $"{attr}.{mechanism}.{p.Name}";
            if (p.Name == "mechanism") continue;
            if (p.Name == "login_options" && mechanism != "SCRAM")
            {
                if (p.Value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(fieldAttr, "Input should be a valid dictionary or instance of AuthLoginOptions");
                    continue;
                }
                foreach (var option in p.Value.EnumerateObject())
                {
                    if (option.Name != "user_info")
                        errors.Add($"{fieldAttr}.{option.Name}", "Extra inputs are not permitted");
                    else if (option.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        userInfo = option.Value.GetBoolean();
                    else errors.Add($"{fieldAttr}.user_info", "Input should be a valid boolean");
                }
                continue;
            }
            if (Array.IndexOf(required, p.Name) < 0)
            {
                errors.Add(fieldAttr, "Extra inputs are not permitted");
                continue;
            }
            if (p.Value.ValueKind != JsonValueKind.String) errors.Add(fieldAttr, "Input should be a valid string");
            else values[p.Name] = p.Value.GetString()!;
        }
        foreach (var field in required)
            if (!e.TryGetProperty(field, out _)) errors.Add($"{attr}.{mechanism}.{field}", "Field required");
        errors.Check();

        switch (mechanism)
        {
            case "PASSWORD_PLAIN":
            {
                var user = _s.Store.UserByName(values["username"]);
                if (user is not null && user.Roles.Length > 0 && user.CheckPassword(values["password"]))
                {
                    _caller = new TrueNasCaller(user, null);
                    return Success(user, viaKey: false, userInfo);
                }
                await FailDelay();
                return Response("AUTH_ERR");
            }
            case "API_KEY_PLAIN":
                return await LoginKeyAsync(values["username"], values["api_key"], userInfo);
            case "TOKEN_PLAIN":
                // The sandbox issues no tokens (auth.generate_token is not played).
                await FailDelay();
                return Response("AUTH_ERR");
            case "OTP_TOKEN":
                throw new TrueNasCallError("OTP_TOKEN: no authentication in progress", Errno.EINVAL);
            default:
                throw new TrueNasCallError($"{mechanism}: mechanism is not supported at current authenticator level.", Errno.EOPNOTSUPP);
        }
    }

    /// <summary>
    /// The <c>API_KEY_PLAIN</c> case. A correct key from an insecure origin is revoked and the
    /// answer is <c>EXPIRED</c> (25.04+; 25.10+ stores the reason) - contracts-truenas.md 5.1.
    /// </summary>
    private async Task<TrueNasRow> LoginKeyAsync(string username, string apiKey, bool userInfo)
    {
        var (result, key, owner) = _s.Keys.CheckKey(apiKey, username);
        switch (result)
        {
            case TrueNasKeyCheck.Success when !_secure && Flavour.RevokesOnInsecureKeyLogin:
                _s.Keys.Revoke(key!.Id, "Attempt to use over an insecure transport");
                if (Flavour.Scram) await FailDelay();
                return Response("EXPIRED");
            case TrueNasKeyCheck.Success:
                _caller = new TrueNasCaller(owner, key);
                return Success(owner!, viaKey: true, userInfo);
            case TrueNasKeyCheck.Expired:
                await FailDelay();
                return Response("EXPIRED");
            default:
                await FailDelay();
                return Response("AUTH_ERR");
        }
    }

    private static TrueNasRow Response(string type) => new([new("response_type", type)]);

    private static TrueNasRow Success(TrueNasUser user, bool viaKey, bool userInfo)
    {
        Action<Utf8JsonWriter>? me = userInfo ? TrueNasEntries.Me(user, viaKey).Write : null;
        return new TrueNasRow(
        [
            new("response_type", "SUCCESS"),
            new("user_info", me),
            new("authenticator", "LEVEL_1"),
        ]);
    }
}
