// TrueNAS stand-in tests (issue 10; shared/docs/contracts-truenas.md; docs/interfaces.md section 3).
// Each test talks to a real sandbox process over loopback: REST with HttpClient, JSON-RPC with
// System.Net.WebSockets.ClientWebSocket.
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Sandbox.Tests.TrueNas;

/// <summary>
/// One sandbox process started with <c>--kind truenas</c> and the given flags, through the common
/// <see cref="SandboxProcess"/> (which stops it by closing stdin).
/// </summary>
public sealed class TrueNasSandbox : IAsyncDisposable
{
    private readonly SandboxProcess _process;

    public JsonElement Info { get; }
    public string BaseUrl => Info.GetProperty("baseUrl").GetString()!;
    public string? WsUrl => Info.GetProperty("wsUrl").GetString();
    public string Username => Info.GetProperty("username").GetString()!;
    public string Password => Info.GetProperty("password").GetString()!;
    public string ApiKey => Info.GetProperty("apiKey").GetString()!;
    public string? CaFile { get; }
    public HttpClient Http { get; }

    private TrueNasSandbox(SandboxProcess process)
    {
        _process = process;
        Info = process.Kind("truenas");
        var ca = process.Info.GetProperty("caFile");
        CaFile = ca.ValueKind == JsonValueKind.String ? ca.GetString() : null;
        var handler = SandboxProcess.NewHandler();
        if (CaFile is not null) handler.SslOptions.RemoteCertificateValidationCallback = TrustCa(CaFile);
        Http = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Accepts exactly the certificates the sandbox's CA signed (for 127.0.0.1).</summary>
    public static RemoteCertificateValidationCallback TrustCa(string caFile)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
        return (_, cert, _, errors) =>
        {
            if (cert is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(cert as X509Certificate2 ?? new X509Certificate2(cert));
        };
    }

    public static Task<TrueNasSandbox> StartAsync(params string[] args) =>
        Task.Run(() => new TrueNasSandbox(SandboxProcess.Start(["--kind", "truenas", .. args])));

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    // ---- REST helpers ----

    public HttpRequestMessage Request(HttpMethod method, string path, object? body = null, string? key = null, bool basic = false)
    {
        var req = new HttpRequestMessage(method, path);
        if (key is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (basic)
            req.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")));
        if (body is not null)
            req.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return req;
    }

    public async Task<(HttpStatusCode Status, string Body)> RestAsync(HttpMethod method, string path, object? body = null,
        string? key = null, bool basic = false)
    {
        using var req = Request(method, path, body, key ?? (basic ? null : ApiKey), basic);
        using var resp = await Http.SendAsync(req);
        return (resp.StatusCode, await resp.Content.ReadAsStringAsync());
    }

    public async Task<int> KeyCountAsync()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync("/_sandbox/state"));
        return doc.RootElement.GetProperty("keys").GetInt32();
    }

    public async Task<TrueNasWs> ConnectAsync(string? url = null)
    {
        var ws = new ClientWebSocket();
        ws.Options.Proxy = null;
        if (CaFile is not null) ws.Options.RemoteCertificateValidationCallback = TrustCa(CaFile);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ws.ConnectAsync(new Uri(url ?? WsUrl!), cts.Token);
        return new TrueNasWs(ws);
    }

    /// <summary>A WebSocket logged in with <c>auth.login_ex</c> PASSWORD_PLAIN as the admin.</summary>
    public async Task<TrueNasWs> AdminWsAsync()
    {
        var ws = await ConnectAsync();
        var login = await ws.ResultAsync("auth.login_ex",
            new JsonObject { ["mechanism"] = "PASSWORD_PLAIN", ["username"] = Username, ["password"] = Password });
        Assert.Equal("SUCCESS", login.GetProperty("response_type").GetString());
        return ws;
    }
}

/// <summary>
/// A JSON-RPC 2.0 client over one WebSocket: integer ids, a receive loop that hands each
/// answer to its caller, so calls may be pipelined.
/// </summary>
public sealed class TrueNasWs : IAsyncDisposable
{
    private readonly ClientWebSocket _ws;
    private readonly Dictionary<long, TaskCompletionSource<JsonElement>> _pending = [];
    private readonly List<JsonElement> _unmatched = [];
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly Task _receiver;
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;

    public TrueNasWs(ClientWebSocket ws)
    {
        _ws = ws;
        _receiver = Task.Run(ReceiveLoop);
    }

    public WebSocket Socket => _ws;

    /// <summary>Completes with the close status when the server closes (null: aborted without a close frame).</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    public IReadOnlyList<JsonElement> Unmatched
    {
        get { lock (_pending) return _unmatched.ToArray(); }
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var r = await _ws.ReceiveAsync(buffer, CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(r.CloseStatus);
                    break;
                }
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var doc = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                message.SetLength(0);
                TaskCompletionSource<JsonElement>? tcs = null;
                lock (_pending)
                {
                    if (doc.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number &&
                        _pending.Remove(id.GetInt64(), out tcs))
                    {
                    }
                    else _unmatched.Add(doc);
                }
                tcs?.TrySetResult(doc);
            }
        }
        catch (Exception)
        {
            _closed.TrySetResult(null);
        }
        lock (_pending)
        {
            foreach (var t in _pending.Values) t.TrySetException(new WebSocketException("connection closed"));
            _pending.Clear();
        }
    }

    public async Task SendRawAsync(string text)
    {
        await _send.WaitAsync();
        try
        {
            await _ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Sends one call and returns its whole answer (<c>result</c> or <c>error</c>).</summary>
    public Task<JsonElement> CallAsync(string method, params JsonNode?[] args)
    {
        var id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending) _pending[id] = tcs;
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = new JsonArray(args) };
        _ = SendRawAsync(request.ToJsonString());
        return tcs.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async Task<JsonElement> ResultAsync(string method, params JsonNode?[] args)
    {
        var answer = await CallAsync(method, args);
        if (answer.TryGetProperty("error", out var error)) Assert.Fail($"{method} failed: {error}");
        return answer.GetProperty("result");
    }

    public async Task<JsonElement> ErrorAsync(string method, params JsonNode?[] args)
    {
        var answer = await CallAsync(method, args);
        Assert.True(answer.TryGetProperty("error", out var error), $"{method} should fail: {answer}");
        return error;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_ws.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
        }
        catch (Exception)
        {
        }
        await Task.WhenAny(_receiver, Task.Delay(2000));
        _ws.Dispose();
    }
}

/// <summary>Sandboxes shared by the tests of the collection, one per flag set, started on first use.</summary>
public sealed class TrueNasSandboxes : IAsyncLifetime
{
    private readonly Dictionary<string, Task<TrueNasSandbox>> _started = [];

    public Task<TrueNasSandbox> GetAsync(params string[] args)
    {
        lock (_started)
        {
            var k = string.Join(' ', args);
            if (!_started.TryGetValue(k, out var t)) _started[k] = t = TrueNasSandbox.StartAsync(args);
            return t;
        }
    }

    /// <summary>The shared sandbox of a generation; <c>seed0001</c> owns its 9 seeded keys (10-key limit test).</summary>
    public Task<TrueNasSandbox> Version(string v) => GetAsync("--truenas-version", v, "--seed-keys", "9");

    /// <summary>The shared sandbox of a generation that treats every plain connection as insecure.</summary>
    public Task<TrueNasSandbox> Remote(string v) => GetAsync("--truenas-version", v, "--treat-as-remote");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var t in _started.Values)
        {
            try
            {
                await (await t).DisposeAsync();
            }
            catch (Exception)
            {
            }
        }
    }
}

[CollectionDefinition("TrueNAS")]
public sealed class TrueNasCollection : ICollectionFixture<TrueNasSandboxes>;

internal static class J
{
    public static JsonElement Parse(string text) => JsonDocument.Parse(text).RootElement.Clone();

    public static string[] Names(JsonElement obj) => obj.EnumerateObject().Select(p => p.Name).ToArray();

    public static readonly Regex KeyFormat = new("^([0-9]+)-[A-Za-z0-9]{64}$");

    public static long Date(JsonElement e)
    {
        Assert.Equal(JsonValueKind.Object, e.ValueKind);
        Assert.Equal(new[] { "$date" }, Names(e));
        return e.GetProperty("$date").GetInt64();
    }

    public static JsonNode DateNode(DateTimeOffset t) => new JsonObject { ["$date"] = t.ToUnixTimeMilliseconds() };

    public static JsonObject Obj(params (string Key, JsonNode? Value)[] members)
    {
        var o = new JsonObject();
        foreach (var (k, v) in members) o[k] = v;
        return o;
    }
}

[Collection("TrueNAS")]
public sealed class TrueNasRestTests(TrueNasSandboxes sandboxes)
{
    public static readonly TheoryData<string> RestVersions = new() { "13.3", "24.10", "25.04", "25.10" };

    private static object CreateBody(string version, string name) => version switch
    {
        "13.3" => new { name },
        "24.10" => new { name, allowlist = new[] { new { method = "*", resource = "*" } } },
        _ => new { name, username = "truenas_admin" },
    };

    [Theory]
    [MemberData(nameof(RestVersions))]
    public async Task Rest_crud_reset_and_error_shapes(string version)
    {
        var s = await sandboxes.Version(version);
        var name = $"rest-crud-{Guid.NewGuid():N}";

        // create: 200, <id>-<64 alnum>, the model of the generation
        var (status, body) = await s.RestAsync(HttpMethod.Post, "/api/v2.0/api_key", CreateBody(version, name));
        Assert.Equal(HttpStatusCode.OK, status);
        var created = J.Parse(body);
        var id = created.GetProperty("id").GetInt32();
        var key = created.GetProperty("key").GetString()!;
        Assert.Matches(J.KeyFormat, key);
        Assert.StartsWith($"{id}-", key);
        string[] expected = version switch
        {
            "13.3" => ["id", "name", "created_at", "key"],
            "24.10" => ["id", "name", "created_at", "allowlist", "key"],
            "25.04" => ["id", "name", "username", "user_identifier", "keyhash", "created_at", "expires_at", "local", "revoked", "key"],
            _ => ["id", "name", "username", "user_identifier", "keyhash", "created_at", "expires_at", "local", "revoked", "revoked_reason", "key"],
        };
        Assert.Equal(expected, J.Names(created));
        var createdAt = J.Date(created.GetProperty("created_at"));
        Assert.Equal(0, createdAt % 1000);
        Assert.InRange(createdAt, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds());

        // the new key authenticates; list with a name filter; get by id
        (status, body) = await s.RestAsync(HttpMethod.Get, $"/api/v2.0/api_key?name={name}", key: key);
        Assert.Equal(HttpStatusCode.OK, status);
        var listed = J.Parse(body);
        Assert.Equal(1, listed.GetArrayLength());
        Assert.Equal(id, listed[0].GetProperty("id").GetInt32());
        Assert.False(listed[0].TryGetProperty("key", out _));
        (status, body) = await s.RestAsync(HttpMethod.Get, $"/api/v2.0/api_key/id/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(name, J.Parse(body).GetProperty("name").GetString());

        // rename; duplicate names are refused with the generation's message
        (status, body) = await s.RestAsync(HttpMethod.Put, $"/api/v2.0/api_key/id/{id}", new { name = name + "-renamed" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(J.Parse(body).TryGetProperty("key", out _));
        (status, body) = await s.RestAsync(HttpMethod.Post, "/api/v2.0/api_key", CreateBody(version, name + "-renamed"));
        Assert.Equal((HttpStatusCode)422, status);
        var dup = J.Parse(body);
        if (version is "13.3" or "24.10")
            Assert.Equal("Object with this name already exists", dup.GetProperty("api_key_create.name")[0].GetProperty("message").GetString());
        else
            Assert.Equal("name must be unique", dup.GetProperty("api_key_create")[0].GetProperty("message").GetString());

        // reset keeps the id and returns a new key; the old one stops working
        (status, body) = await s.RestAsync(HttpMethod.Put, $"/api/v2.0/api_key/id/{id}", new { reset = true });
        Assert.Equal(HttpStatusCode.OK, status);
        var reset = J.Parse(body);
        Assert.Equal(id, reset.GetProperty("id").GetInt32());
        var newKey = reset.GetProperty("key").GetString()!;
        Assert.Matches(J.KeyFormat, newKey);
        Assert.StartsWith($"{id}-", newKey);
        Assert.NotEqual(key, newKey);
        (status, body) = await s.RestAsync(HttpMethod.Get, "/api/v2.0/api_key", key: key);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(version == "13.3" ? "401: Unauthorized" : "Invalid API key", body);
        (status, _) = await s.RestAsync(HttpMethod.Get, "/api/v2.0/api_key", key: newKey);
        Assert.Equal(HttpStatusCode.OK, status);

        // delete -> true; then 404 MatchNotFound {"message"} on get, 422 ENOENT on delete
        (status, body) = await s.RestAsync(HttpMethod.Delete, $"/api/v2.0/api_key/id/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("true", body);
        (status, body) = await s.RestAsync(HttpMethod.Get, $"/api/v2.0/api_key/id/{id}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(JsonValueKind.String, J.Parse(body).GetProperty("message").ValueKind);
        (status, body) = await s.RestAsync(HttpMethod.Delete, $"/api/v2.0/api_key/id/{id}");
        Assert.Equal((HttpStatusCode)422, status);
        var gone = J.Parse(body).GetProperty("null")[0];
        Assert.Equal($"ApiKey {id} does not exist", gone.GetProperty("message").GetString());
        Assert.Equal(2, gone.GetProperty("errno").GetInt32());
    }

    [Theory]
    [MemberData(nameof(RestVersions))]
    public async Task Rest_401_bodies_by_generation(string version)
    {
        var s = await sandboxes.Version(version);
        using (var resp = await s.Http.GetAsync("/api/v2.0/api_key"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, resp.StatusCode);
            Assert.Equal("401: Unauthorized", await resp.Content.ReadAsStringAsync());
        }
        var (status, body) = await s.RestAsync(HttpMethod.Get, "/api/v2.0/api_key", key: "1-" + new string('a', 64));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(version == "13.3" ? "401: Unauthorized" : "Invalid API key", body);
        using var req = new HttpRequestMessage(HttpMethod.Get, "/api/v2.0/api_key");
        req.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{s.Username}:wrong")));
        using var bad = await s.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(version == "13.3" ? "401: Unauthorized" : "Bad username or password", await bad.Content.ReadAsStringAsync());
        // Basic with the right password works
        (status, _) = await s.RestAsync(HttpMethod.Get, "/api/v2.0/api_key", basic: true);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("13.3", "Field was not expected")]
    [InlineData("24.10", "Extra inputs are not permitted")]
    [InlineData("25.04", "Extra inputs are not permitted")]
    [InlineData("25.10", "Extra inputs are not permitted")]
    public async Task Rest_unknown_fields_are_rejected(string version, string message)
    {
        var s = await sandboxes.Version(version);
        var body = version switch
        {
            "13.3" => (object)new { name = "x-unknown", permissions = new[] { "all" } },
            "24.10" => new { name = "x-unknown", allowlist = Array.Empty<object>(), permissions = new[] { "all" } },
            _ => new { name = "x-unknown", username = "truenas_admin", permissions = new[] { "all" } },
        };
        var (status, text) = await s.RestAsync(HttpMethod.Post, "/api/v2.0/api_key", body);
        Assert.Equal((HttpStatusCode)422, status);
        var error = J.Parse(text).GetProperty("api_key_create.permissions")[0];
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal(22, error.GetProperty("errno").GetInt32());
        // a field of another generation is unknown too (never send what the server does not know)
        if (version == "25.04")
        {
            (status, text) = await s.RestAsync(HttpMethod.Post, "/api/v2.0/api_key",
                new { name = "x-allow", username = "truenas_admin", allowlist = Array.Empty<object>() });
            Assert.Equal((HttpStatusCode)422, status);
            Assert.True(J.Parse(text).TryGetProperty("api_key_create.allowlist", out _));
        }
    }

    [Fact]
    public async Task Rest_24_10_requires_allowlist_and_enforces_it_with_an_empty_403()
    {
        var s = await sandboxes.Version("24.10");
        var (status, text) = await s.RestAsync(HttpMethod.Post, "/api/v2.0/api_key", new { name = "no-allowlist" });
        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("Field required", J.Parse(text).GetProperty("api_key_create.allowlist")[0].GetProperty("message").GetString());

        (status, text) = await s.RestAsync(HttpMethod.Post, "/api/v2.0/api_key",
            new { name = "read-only", allowlist = new[] { new { method = "GET", resource = "/api_key" } } });
        Assert.Equal(HttpStatusCode.OK, status);
        var limited = J.Parse(text).GetProperty("key").GetString()!;
        (status, _) = await s.RestAsync(HttpMethod.Get, "/api/v2.0/api_key", key: limited);
        Assert.Equal(HttpStatusCode.OK, status);
        (status, text) = await s.RestAsync(HttpMethod.Post, "/api/v2.0/api_key",
            new { name = "nope", allowlist = Array.Empty<object>() }, key: limited);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("", text);

        (status, text) = await s.RestAsync(HttpMethod.Post, "/api/v2.0/api_key",
            new { name = "bad-method", allowlist = new[] { new { method = "PATCH", resource = "*" } } });
        Assert.Equal((HttpStatusCode)422, status);
        Assert.StartsWith("Input should be 'GET'", J.Parse(text).GetProperty("api_key_create.allowlist.0.method")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Rest_is_gone_on_26_and_api_versions_probes_the_generation()
    {
        var s26 = await sandboxes.Version("26");
        var (status, body) = await s26.RestAsync(HttpMethod.Get, "/api/v2.0/api_key");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("404: Not Found", body);
        foreach (var v in new[] { "13.3", "24.10", "25.04", "25.10", "26" })
        {
            var s = await sandboxes.Version(v);
            using var resp = await s.Http.GetAsync("/api/versions");
            if (v is "13.3" or "24.10")
            {
                Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
                Assert.Null(s.WsUrl);
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
                var versions = J.Parse(await resp.Content.ReadAsStringAsync());
                Assert.Equal(JsonValueKind.Array, versions.ValueKind);
                Assert.Contains(versions.EnumerateArray(), x => x.GetString()!.StartsWith($"v{(v == "26" ? "26.0" : v)}.", StringComparison.Ordinal));
                Assert.EndsWith("/api/current", s.WsUrl);
            }
            Assert.Equal(v, s.Info.GetProperty("generation").GetString());
        }
    }

    [Fact]
    public async Task Rest_query_string_filters_and_options()
    {
        var s = await sandboxes.Version("25.10");
        for (var i = 0; i < 3; i++)
        {
            var (st, _) = await s.RestAsync(HttpMethod.Post, "/api/v2.0/api_key", new { name = $"qs-{i}", username = "truenas_admin" });
            Assert.Equal(HttpStatusCode.OK, st);
        }
        var (status, body) = await s.RestAsync(HttpMethod.Get, "/api/v2.0/api_key?name__regex=qs-&sort=-name&limit=2");
        Assert.Equal(HttpStatusCode.OK, status);
        var list = J.Parse(body);
        Assert.Equal(new[] { "qs-2", "qs-1" }, list.EnumerateArray().Select(k => k.GetProperty("name").GetString()));
        (status, body) = await s.RestAsync(HttpMethod.Get, "/api/v2.0/api_key?name__regex=qs-&count=true");
        Assert.Equal("3", body);
        (status, body) = await s.RestAsync(HttpMethod.Get, "/api/v2.0/api_key/my_keys");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(J.Parse(body).GetArrayLength() >= 4);
        (status, body) = await s.RestAsync(HttpMethod.Get, "/api/v2.0/system/version");
        Assert.Equal("\"25.10.7\"", body);
    }
}

[Collection("TrueNAS")]
public sealed class TrueNasRpcTests(TrueNasSandboxes sandboxes)
{
    public static readonly TheoryData<string> RpcVersions = new() { "25.04", "25.10", "26" };

    [Theory]
    [MemberData(nameof(RpcVersions))]
    public async Task Rpc_crud_with_a_key_login(string version)
    {
        var s = await sandboxes.Version(version);
        await using var ws = await s.ConnectAsync();

        // unauthenticated: CallError ENOTAUTHENTICATED
        var err = await ws.ErrorAsync("api_key.query");
        Assert.Equal(-32001, err.GetProperty("code").GetInt32());
        Assert.Equal("Method call error", err.GetProperty("message").GetString());
        Assert.Equal(207, err.GetProperty("data").GetProperty("error").GetInt32());
        Assert.Equal("ENOTAUTHENTICATED", err.GetProperty("data").GetProperty("errname").GetString());

        // API_KEY_PLAIN needs the owner's username
        var login = await ws.ResultAsync("auth.login_ex", J.Obj(("mechanism", "API_KEY_PLAIN"), ("username", "root"), ("api_key", s.ApiKey)));
        Assert.Equal("AUTH_ERR", login.GetProperty("response_type").GetString());
        login = await ws.ResultAsync("auth.login_ex", J.Obj(("mechanism", "API_KEY_PLAIN"), ("username", s.Username), ("api_key", s.ApiKey)));
        Assert.Equal("SUCCESS", login.GetProperty("response_type").GetString());
        Assert.Equal(s.Username, login.GetProperty("user_info").GetProperty("pw_name").GetString());
        var me = await ws.ResultAsync("auth.me");
        Assert.Equal(950, me.GetProperty("pw_uid").GetInt32());

        // create needs username
        var name = $"rpc-{Guid.NewGuid():N}";
        err = await ws.ErrorAsync("api_key.create", J.Obj(("name", name)));
        Assert.Equal(-32602, err.GetProperty("code").GetInt32());
        Assert.Equal("Invalid params", err.GetProperty("message").GetString());
        var extra = err.GetProperty("data").GetProperty("extra")[0];
        Assert.Equal("api_key_create.username", extra[0].GetString());
        Assert.Equal("Field required", extra[1].GetString());
        Assert.Equal(22, extra[2].GetInt32());

        var created = await ws.ResultAsync("api_key.create", J.Obj(("name", name), ("username", s.Username)));
        var id = created.GetProperty("id").GetInt32();
        var key = created.GetProperty("key").GetString()!;
        Assert.Matches(J.KeyFormat, key);
        Assert.StartsWith($"{id}-", key);
        Assert.Equal(s.Username, created.GetProperty("username").GetString());
        Assert.False(created.GetProperty("revoked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("expires_at").ValueKind);
        Assert.Equal(version != "26", created.TryGetProperty("keyhash", out _));
        Assert.Equal(version == "26", created.TryGetProperty("client_key", out _));
        Assert.Equal(version != "25.04", created.TryGetProperty("revoked_reason", out _));

        // query with a name filter, get_instance
        var found = await ws.ResultAsync("api_key.query", new JsonArray(new JsonArray("name", "=", name)));
        Assert.Equal(1, found.GetArrayLength());
        Assert.False(found[0].TryGetProperty("key", out _));
        var one = await ws.ResultAsync("api_key.get_instance", id);
        Assert.Equal(name, one.GetProperty("name").GetString());
        var count = await ws.ResultAsync("api_key.query", new JsonArray(), J.Obj(("count", true)));
        Assert.True(count.GetInt32() >= 2);

        // update: rename and expiry (EJSON both ways), then reset keeps the id
        var expires = DateTimeOffset.UtcNow.AddDays(30);
        var updated = await ws.ResultAsync("api_key.update", id, J.Obj(("name", name + "-x"), ("expires_at", J.DateNode(expires))));
        Assert.Equal(name + "-x", updated.GetProperty("name").GetString());
        Assert.Equal(expires.ToUnixTimeSeconds() * 1000, J.Date(updated.GetProperty("expires_at")));
        Assert.False(updated.TryGetProperty("key", out _));
        var reset = await ws.ResultAsync("api_key.update", id, J.Obj(("reset", true)));
        Assert.Equal(id, reset.GetProperty("id").GetInt32());
        var newKey = reset.GetProperty("key").GetString()!;
        Assert.StartsWith($"{id}-", newKey);
        Assert.NotEqual(key, newKey);

        // the new key logs in on a second connection; the old one does not
        await using (var ws2 = await s.ConnectAsync())
        {
            var bad = await ws2.ResultAsync("auth.login_ex", J.Obj(("mechanism", "API_KEY_PLAIN"), ("username", s.Username), ("api_key", key)));
            Assert.Equal("AUTH_ERR", bad.GetProperty("response_type").GetString());
            Assert.True((await ws2.ResultAsync("auth.login_with_api_key", newKey)).GetBoolean());
            var mine = await ws2.ResultAsync("api_key.my_keys");
            Assert.Contains(mine.EnumerateArray(), k => k.GetProperty("id").GetInt32() == id);
        }

        // delete, then get_instance -> InstanceNotFound (-32602, extra errno ENOENT)
        Assert.True((await ws.ResultAsync("api_key.delete", id)).GetBoolean());
        err = await ws.ErrorAsync("api_key.get_instance", id);
        Assert.Equal(-32602, err.GetProperty("code").GetInt32());
        extra = err.GetProperty("data").GetProperty("extra")[0];
        Assert.Equal(JsonValueKind.Null, extra[0].ValueKind);
        Assert.Equal($"ApiKey {id} does not exist", extra[1].GetString());
        Assert.Equal(2, extra[2].GetInt32());
        err = await ws.ErrorAsync("api_key.update", id, J.Obj(("name", "zzz")));
        Assert.Equal(-32001, err.GetProperty("code").GetInt32());
        Assert.Equal("MatchNotFound()", err.GetProperty("data").GetProperty("reason").GetString());

        // logout ends the session
        Assert.True((await ws.ResultAsync("auth.logout")).GetBoolean());
        err = await ws.ErrorAsync("auth.me");
        Assert.Equal(207, err.GetProperty("data").GetProperty("error").GetInt32());
    }

    [Theory]
    [MemberData(nameof(RpcVersions))]
    public async Task Rpc_validation_messages_and_ejson_dates(string version)
    {
        var s = await sandboxes.Version(version);
        await using var ws = await s.AdminWsAsync();
        var name = $"v-{Guid.NewGuid():N}";

        var err = await ws.ErrorAsync("api_key.create", J.Obj(("name", name), ("username", s.Username), ("foo", 1)));
        var extra = err.GetProperty("data").GetProperty("extra")[0];
        Assert.Equal("api_key_create.foo", extra[0].GetString());
        Assert.Equal("Extra inputs are not permitted", extra[1].GetString());
        Assert.Equal("[EINVAL] api_key_create.foo: Extra inputs are not permitted\n", err.GetProperty("data").GetProperty("reason").GetString());

        err = await ws.ErrorAsync("api_key.create", J.Obj(("name", name), ("username", s.Username),
            ("expires_at", DateTimeOffset.UtcNow.AddDays(1).ToString("O"))));
        Assert.Equal("Input should be a valid datetime", err.GetProperty("data").GetProperty("extra")[0][1].GetString());

        err = await ws.ErrorAsync("api_key.create", J.Obj(("name", name), ("username", s.Username),
            ("expires_at", J.DateNode(DateTimeOffset.UtcNow.AddDays(-1)))));
        extra = err.GetProperty("data").GetProperty("extra")[0];
        Assert.Equal("api_key_create", extra[0].GetString());
        Assert.Equal("Expiration date is in the past", extra[1].GetString());

        err = await ws.ErrorAsync("api_key.create", J.Obj(("name", name), ("username", "nobody")));
        Assert.Equal("User does not exist.", err.GetProperty("data").GetProperty("extra")[0][1].GetString());
        err = await ws.ErrorAsync("api_key.create", J.Obj(("name", name), ("username", "nopriv")));
        Assert.Equal("User lacks privilege role membership.", err.GetProperty("data").GetProperty("extra")[0][1].GetString());

        var expires = DateTimeOffset.UtcNow.AddHours(2);
        var created = await ws.ResultAsync("api_key.create", J.Obj(("name", name), ("username", s.Username), ("expires_at", J.DateNode(expires))));
        Assert.Equal(expires.ToUnixTimeSeconds() * 1000, J.Date(created.GetProperty("expires_at")));
        Assert.Equal(0, J.Date(created.GetProperty("created_at")) % 1000);
        err = await ws.ErrorAsync("api_key.create", J.Obj(("name", name), ("username", s.Username)));
        Assert.Equal("name must be unique", err.GetProperty("data").GetProperty("extra")[0][1].GetString());
        Assert.Equal("[EINVAL] api_key_create: name must be unique\n", err.GetProperty("data").GetProperty("reason").GetString());
        // a date filter compares EJSON datetimes
        var later = await ws.ResultAsync("api_key.query",
            new JsonArray(new JsonArray("expires_at", ">", J.DateNode(expires.AddMinutes(-1)))));
        Assert.Contains(later.EnumerateArray(), k => k.GetProperty("name").GetString() == name);
        Assert.Equal(expires.ToUnixTimeSeconds() * 1000, J.Date((await ws.ResultAsync("api_key.get_instance", created.GetProperty("id").GetInt32())).GetProperty("expires_at")));

        err = await ws.ErrorAsync("api_key.get_instance", "1");
        Assert.Equal("Input should be a valid integer", err.GetProperty("data").GetProperty("extra")[0][1].GetString());
        err = await ws.ErrorAsync("api_key.delete", 1, 2);
        Assert.Equal("Too many arguments (expected 1, found 2)", err.GetProperty("data").GetProperty("extra")[0][1].GetString());
    }

    [Fact]
    public async Task Rpc_protocol_errors()
    {
        var s = await sandboxes.Version("25.10");
        await using var ws = await s.ConnectAsync();
        await ws.SendRawAsync("{not json");
        await ws.SendRawAsync("""{"id": 5, "method": "core.ping"}""");
        await ws.SendRawAsync("""{"jsonrpc": "2.0", "id": 6, "method": "core.ping", "params": {}}""");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ws.Unmatched.Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(20);
        var codes = ws.Unmatched.Select(m => m.GetProperty("error").GetProperty("code").GetInt32()).OrderBy(c => c).ToArray();
        Assert.Equal(new[] { -32700, -32600, -32600 }, codes);
        Assert.All(ws.Unmatched, m => Assert.Equal(JsonValueKind.Null, m.GetProperty("id").ValueKind));

        var err = await ws.ErrorAsync("api_key.nonexistent");
        Assert.Equal(-32601, err.GetProperty("code").GetInt32());
        Assert.Equal("Method does not exist", err.GetProperty("message").GetString());

        // mechanism tag and strict login fields
        err = await ws.ErrorAsync("auth.login_ex", J.Obj(("mechanism", "API_KEY_PLAIN"), ("api_key", s.ApiKey)));
        Assert.Equal("login_data.API_KEY_PLAIN.username", err.GetProperty("data").GetProperty("extra")[0][0].GetString());
        var wrong = await ws.ResultAsync("auth.login_ex", J.Obj(("mechanism", "PASSWORD_PLAIN"), ("username", s.Username), ("password", "nope")));
        Assert.Equal("AUTH_ERR", wrong.GetProperty("response_type").GetString());
        Assert.False((await ws.ResultAsync("auth.login_with_api_key", "999-" + new string('x', 64))).GetBoolean());
    }

    [Fact]
    public async Task Rpc_pipelined_calls_and_fragmented_messages()
    {
        var s = await sandboxes.Version("25.10");
        await using var ws = await s.AdminWsAsync();
        var calls = Enumerable.Range(0, 15).Select(i => i % 3 == 0
            ? ws.CallAsync("api_key.get_instance", 1)
            : ws.CallAsync("system.version")).ToArray();
        var answers = await Task.WhenAll(calls);
        for (var i = 0; i < answers.Length; i++)
        {
            var result = answers[i].GetProperty("result");
            if (i % 3 == 0) Assert.Equal(1, result.GetProperty("id").GetInt32());
            else Assert.Equal("25.10.7", result.GetString());
        }

        // one request in three frames
        var bytes = Encoding.UTF8.GetBytes("""{"jsonrpc": "2.0", "id": "frag", "method": "core.ping", "params": []}""");
        var third = bytes.Length / 3;
        await ws.Socket.SendAsync(bytes.AsMemory(0, third), WebSocketMessageType.Text, false, CancellationToken.None);
        await ws.Socket.SendAsync(bytes.AsMemory(third, third), WebSocketMessageType.Text, false, CancellationToken.None);
        await ws.Socket.SendAsync(bytes.AsMemory(2 * third), WebSocketMessageType.Text, true, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!ws.Unmatched.Any(m => m.GetProperty("id").ValueKind == JsonValueKind.String) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        var pong = ws.Unmatched.Single(m => m.GetProperty("id").ValueKind == JsonValueKind.String);
        Assert.Equal("frag", pong.GetProperty("id").GetString());
        Assert.Equal("pong", pong.GetProperty("result").GetString());
    }

    [Theory]
    [InlineData("25.04", true)]
    [InlineData("25.10", true)]
    [InlineData("26", false)]
    public async Task Ten_keys_per_user(string version, bool limited)
    {
        // seed0001 owns 9 seeded keys; the 10th is allowed, the 11th is not (25.04.1+, 25.10; gone in 26)
        var s = await sandboxes.Version(version);
        await using var ws = await s.AdminWsAsync();
        var owned = await ws.ResultAsync("api_key.query", new JsonArray(new JsonArray("username", "=", "seed0001")), J.Obj(("count", true)));
        Assert.Equal(9, owned.GetInt32());
        await ws.ResultAsync("api_key.create", J.Obj(("name", "tenth"), ("username", "seed0001")));
        var before = await s.KeyCountAsync();
        var answer = await ws.CallAsync("api_key.create", J.Obj(("name", "eleventh"), ("username", "seed0001")));
        if (!limited)
        {
            Assert.True(answer.TryGetProperty("result", out _));
            return;
        }
        var extra = answer.GetProperty("error").GetProperty("data").GetProperty("extra")[0];
        Assert.Equal("api_key_create.username", extra[0].GetString());
        Assert.Equal("User already meets or exceeds maximum per-user API key limit of 10", extra[1].GetString());
        Assert.Equal(before, await s.KeyCountAsync());
    }

    [Fact]
    public async Task Older_api_version_endpoints_use_the_older_model()
    {
        var s = await sandboxes.Version("25.10");
        var url = s.WsUrl!.Replace("/api/current", "/api/v25.04.2");
        await using var ws = await s.ConnectAsync(url);
        var login = await ws.ResultAsync("auth.login_ex", J.Obj(("mechanism", "PASSWORD_PLAIN"), ("username", s.Username), ("password", s.Password)));
        Assert.Equal("SUCCESS", login.GetProperty("response_type").GetString());
        var key = await ws.ResultAsync("api_key.get_instance", 1);
        Assert.False(key.TryGetProperty("revoked_reason", out _));
        Assert.True(key.TryGetProperty("keyhash", out _));
    }
}

[Collection("TrueNAS")]
public sealed class TrueNasSecurityTests(TrueNasSandboxes sandboxes)
{
    [Theory]
    [InlineData("25.04")]
    [InlineData("25.10")]
    [InlineData("26")]
    public async Task Key_login_over_plain_ws_from_a_remote_origin_revokes_the_key(string version)
    {
        var s = await sandboxes.Remote(version);
        await using (var ws = await s.ConnectAsync())
        {
            var login = await ws.ResultAsync("auth.login_ex", J.Obj(("mechanism", "API_KEY_PLAIN"), ("username", s.Username), ("api_key", s.ApiKey)));
            Assert.Equal("EXPIRED", login.GetProperty("response_type").GetString());
            // still not logged in; the revoked key now answers AUTH_ERR
            var err = await ws.ErrorAsync("auth.me");
            Assert.Equal(207, err.GetProperty("data").GetProperty("error").GetInt32());
            login = await ws.ResultAsync("auth.login_ex", J.Obj(("mechanism", "API_KEY_PLAIN"), ("username", s.Username), ("api_key", s.ApiKey)));
            Assert.Equal("AUTH_ERR", login.GetProperty("response_type").GetString());
        }
        await using var admin = await s.AdminWsAsync(); // passwords are not revoked
        var key = await admin.ResultAsync("api_key.get_instance", 1);
        Assert.True(key.GetProperty("revoked").GetBoolean());
        if (version == "25.04") Assert.False(key.TryGetProperty("revoked_reason", out _));
        else Assert.Equal("Attempt to use over an insecure transport", key.GetProperty("revoked_reason").GetString());

        // REST Bearer (25.x) refuses the revoked key too; a reset brings it back
        if (version != "26")
        {
            var (status, body) = await s.RestAsync(HttpMethod.Get, "/api/v2.0/api_key");
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal("Invalid API key", body);
        }
        var reset = await admin.ResultAsync("api_key.update", 1, J.Obj(("reset", true)));
        Assert.False(reset.GetProperty("revoked").GetBoolean());
        // login_with_api_key is the same login: over plain ws it revokes the new key again and answers false
        Assert.False((await admin.ResultAsync("auth.login_with_api_key", reset.GetProperty("key").GetString())).GetBoolean());
    }

    [Fact]
    public async Task Without_treat_as_remote_loopback_is_secure_and_nothing_is_revoked()
    {
        var s = await sandboxes.Version("25.10");
        await using var ws = await s.ConnectAsync();
        var login = await ws.ResultAsync("auth.login_ex", J.Obj(("mechanism", "API_KEY_PLAIN"), ("username", s.Username), ("api_key", s.ApiKey)));
        Assert.Equal("SUCCESS", login.GetProperty("response_type").GetString());
        var key = await ws.ResultAsync("api_key.get_instance", 1);
        Assert.False(key.GetProperty("revoked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, key.GetProperty("revoked_reason").ValueKind);
    }

    [Fact]
    public async Task Over_wss_nothing_is_revoked_even_when_remote()
    {
        await using var s = await TrueNasSandbox.StartAsync("--truenas-version", "25.10", "--treat-as-remote", "--https");
        Assert.StartsWith("wss://", s.WsUrl);
        await using var ws = await s.ConnectAsync();
        var login = await ws.ResultAsync("auth.login_ex", J.Obj(("mechanism", "API_KEY_PLAIN"), ("username", s.Username), ("api_key", s.ApiKey)));
        Assert.Equal("SUCCESS", login.GetProperty("response_type").GetString());
        Assert.False((await ws.ResultAsync("api_key.get_instance", 1)).GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task Expired_keys_answer_EXPIRED()
    {
        var s = await sandboxes.Version("25.10");
        await using var admin = await s.AdminWsAsync();
        // stored in whole seconds (DB column `expiry`), so it lapses within a second
        var created = await admin.ResultAsync("api_key.create", J.Obj(("name", $"short-{Guid.NewGuid():N}"), ("username", s.Username),
            ("expires_at", J.DateNode(DateTimeOffset.UtcNow.AddSeconds(1)))));
        var key = created.GetProperty("key").GetString()!;
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await using var ws = await s.ConnectAsync();
        var login = await ws.ResultAsync("auth.login_ex", J.Obj(("mechanism", "API_KEY_PLAIN"), ("username", s.Username), ("api_key", key)));
        Assert.Equal("EXPIRED", login.GetProperty("response_type").GetString());
        var (status, _) = await s.RestAsync(HttpMethod.Get, "/api/v2.0/api_key", key: key);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Unauthenticated_calls_are_rate_limited_per_method()
    {
        var s = await sandboxes.Remote("25.10");
        await using var ws = await s.ConnectAsync();
        for (var i = 0; i < 20; i++) await ws.ResultAsync("auth.mechanism_choices");
        var err = await ws.ErrorAsync("auth.mechanism_choices");
        Assert.Equal(-32001, err.GetProperty("code").GetInt32());
        Assert.Equal(16, err.GetProperty("data").GetProperty("error").GetInt32());
        Assert.Equal("EBUSY", err.GetProperty("data").GetProperty("errname").GetString());
        Assert.Equal("[EBUSY] Rate Limit Exceeded", err.GetProperty("data").GetProperty("reason").GetString());

        // per method: a login still goes through, and an authenticated session is never limited
        var login = await ws.ResultAsync("auth.login_ex", J.Obj(("mechanism", "PASSWORD_PLAIN"), ("username", s.Username), ("password", s.Password)));
        Assert.Equal("SUCCESS", login.GetProperty("response_type").GetString());
        await ws.ResultAsync("auth.mechanism_choices");

        // a new connection from the same IP is still limited until the counters are cleared
        await using var ws2 = await s.ConnectAsync();
        err = await ws2.ErrorAsync("auth.mechanism_choices");
        Assert.Equal(16, err.GetProperty("data").GetProperty("error").GetInt32());
        using (var resp = await s.Http.DeleteAsync("/_sandbox/ratelimit")) Assert.Equal(HttpStatusCode.NoContent, resp.StatusCode);
        await ws2.ResultAsync("auth.mechanism_choices");
    }
}

[Collection("TrueNAS")]
public sealed class TrueNasControlTests(TrueNasSandboxes sandboxes)
{
    private static async Task PostFaultAsync(TrueNasSandbox s, string json)
    {
        using var resp = await s.Http.PostAsync("/_sandbox/faults", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(resp.IsSuccessStatusCode, await resp.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ws_close_mid_call_runs_the_call_and_closes_without_an_answer()
    {
        var s = await sandboxes.Version("25.10");
        await using var ws = await s.AdminWsAsync();
        await PostFaultAsync(s, """{"wsCloseMidCall": 1, "match": "api_key.create"}""");
        Assert.True((await ws.ResultAsync("api_key.get_instance", 1)).ValueKind == JsonValueKind.Object); // not matched
        var before = await s.KeyCountAsync();
        var name = $"lost-answer-{Guid.NewGuid():N}";
        var call = ws.CallAsync("api_key.create", J.Obj(("name", name), ("username", s.Username)));
        await Assert.ThrowsAnyAsync<Exception>(() => call);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await ws.Closed.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(before + 1, await s.KeyCountAsync()); // the server did the work; a client must not repeat it blindly

        // the rule is used up: a new connection works
        await using var again = await s.AdminWsAsync();
        var names = await again.ResultAsync("api_key.query", new JsonArray(new JsonArray("name", "=", name)));
        Assert.Equal(1, names.GetArrayLength());

        // wsDropMidCall aborts the connection without a close frame
        await PostFaultAsync(s, """{"wsDropMidCall": 1, "match": "api_key.get_instance"}""");
        var dropped = again.CallAsync("api_key.get_instance", 1);
        await Assert.ThrowsAnyAsync<Exception>(() => dropped);
        Assert.Null(await again.Closed.WaitAsync(TimeSpan.FromSeconds(5)));

        // DELETE clears WebSocket rules too
        await PostFaultAsync(s, """{"wsCloseMidCall": 5}""");
        using (var resp = await s.Http.DeleteAsync("/_sandbox/faults")) Assert.True(resp.IsSuccessStatusCode);
        await using var third = await s.AdminWsAsync();
        await third.ResultAsync("core.ping");
        Assert.True((await third.ResultAsync("api_key.delete", names[0].GetProperty("id").GetInt32())).GetBoolean());
    }

    [Fact]
    public async Task Request_log_has_ws_calls_without_params_or_secrets()
    {
        var s = await sandboxes.Version("25.04");
        using (var clear = await s.Http.DeleteAsync("/_sandbox/requests")) Assert.True(clear.IsSuccessStatusCode);
        var name = $"logged-{Guid.NewGuid():N}";
        await using (var ws = await s.ConnectAsync())
        {
            await ws.ResultAsync("auth.login_ex", J.Obj(("mechanism", "API_KEY_PLAIN"), ("username", s.Username), ("api_key", s.ApiKey)));
            var created = await ws.ResultAsync("api_key.create", J.Obj(("name", name), ("username", s.Username)));
            await ws.ErrorAsync("api_key.get_instance", 12345);
            Assert.True((await ws.ResultAsync("api_key.delete", created.GetProperty("id").GetInt32())).GetBoolean());
        }
        var log = await s.Http.GetStringAsync("/_sandbox/requests");
        var entries = J.Parse(log).EnumerateArray().Select(e => (e.GetProperty("method").GetString(), e.GetProperty("path").GetString(), e.GetProperty("status").GetInt32())).ToList();
        Assert.Contains(("WS", "auth.login_ex", 0), entries);
        Assert.Contains(("WS", "api_key.create", 0), entries);
        Assert.Contains(("WS", "api_key.get_instance", -32602), entries);
        Assert.Contains(("GET", "/api/current", 101), entries);
        Assert.DoesNotContain(s.ApiKey, log);
        Assert.DoesNotContain(s.Password, log);
        Assert.DoesNotContain(name, log);
    }

    [Fact]
    public async Task Known_admin_key_and_seeded_keys()
    {
        var known = "7-" + string.Concat(Enumerable.Repeat("Ab3", 21)) + "Z";
        await using var s = await TrueNasSandbox.StartAsync("--truenas-version", "25.10", "--truenas-key", known, "--seed-keys", "25");
        Assert.Equal(known, s.ApiKey);
        Assert.Equal("7", s.Info.GetProperty("apiKeyId").GetString());
        Assert.Equal(26, await s.KeyCountAsync());
        await using var ws = await s.ConnectAsync();
        Assert.True((await ws.ResultAsync("auth.login_with_api_key", known)).GetBoolean());
        var users = await ws.ResultAsync("user.query", new JsonArray(new JsonArray("username", "^", "seed")));
        Assert.Equal(3, users.GetArrayLength());
        Assert.All(users.EnumerateArray(), u => Assert.InRange(u.GetProperty("api_keys").GetArrayLength(), 1, 9));
        var keys = await ws.ResultAsync("api_key.query", new JsonArray(), J.Obj(("order_by", new JsonArray("-id")), ("limit", 1)));
        Assert.Equal(32, keys[0].GetProperty("id").GetInt32());
    }

    [Theory]
    [InlineData("--truenas-version", "23.10")]
    [InlineData("--truenas-key", "1-tooshort")]
    [InlineData("--kind", "truenas", "--truenas-key", "abc-0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Bad_truenas_flags_exit_2_with_nothing_on_stdout(params string[] args)
    {
        using var p = SandboxProcess.Launch(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(timeout.Token);
        Assert.Equal(2, p.ExitCode);
        Assert.Equal("", await stdout);
        Assert.Contains("sandbox:", await stderr);
    }
}
