using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sandbox.Common;

namespace Sandbox.TrueNas;

/// <summary>The TrueNAS flags (docs/interfaces.md section 3) plus the common ones it uses.</summary>
public sealed partial record TrueNasSettings(
    string Version = "25.10", bool TreatAsRemote = false, string? Key = null, int SeedKeys = 0, int LatencyMs = 0)
{
    /// <summary>Throws <see cref="ArgumentException"/> with a user-facing message for a bad flag value.</summary>
    public void Validate()
    {
        if (Array.IndexOf(TrueNasFlavour.Names, Version) < 0)
            throw new ArgumentException($"--truenas-version: expected 13.3, 24.10, 25.04, 25.10 or 26, got '{Version}'");
        if (Key is not null && !KeyFormat().IsMatch(Key))
            throw new ArgumentException("--truenas-key must be <id>-<64 letters or digits>, e.g. 1-AbC...");
    }

    [GeneratedRegex("^[1-9][0-9]{0,8}-[A-Za-z0-9]{64}$")]
    private static partial Regex KeyFormat();
}

/// <summary>Everything one TrueNAS port shares: flavour, tables, services, limits, faults, log.</summary>
public sealed class TrueNasState
{
    /// <summary>Failed-login delay; the server waits 1-2 s (level 1), the sandbox 100 ms.</summary>
    public static readonly TimeSpan FailDelay = TimeSpan.FromMilliseconds(100);

    public required TrueNasFlavour Flavour { get; init; }
    public required TrueNasStore Store { get; init; }
    public required TrueNasApiKeys Keys { get; init; }
    public required TrueNasRateLimit RateLimit { get; init; }
    public required TrueNasWsFaults WsFaults { get; init; }
    public required bool TreatAsRemote { get; init; }

    /// <summary>The port's request log (set by <see cref="TrueNasServer.Attach"/>); WebSocket calls are added as method "WS".</summary>
    public RequestLog? Log { get; set; }
}

/// <summary>
/// The TrueNAS stand-in (contracts-truenas.md; docs/interfaces.md section 3): REST v2.0 up to
/// 25.10, JSON-RPC over WebSocket from 25.04, per-generation key models, errors, limits and the
/// insecure-transport trap. Seeds <c>root</c>, <c>truenas_admin</c> (full admin) and an
/// unprivileged <c>nopriv</c>, one admin key, and <c>--seed-keys N</c> more keys (25.04+: spread
/// over users <c>seed0001</c>... at 9 each, under the 10-per-user limit).
/// </summary>
public sealed class TrueNasServer : SandboxKind
{
    private readonly TrueNasState _s;
    private readonly TrueNasRest _rest;
    private readonly TrueNasRpc _rpc;
    private readonly string _password;
    private readonly string _adminKey;
    private readonly int _adminKeyId;

    public TrueNasServer(TrueNasSettings settings)
    {
        settings.Validate();
        var flavour = TrueNasFlavour.For(settings.Version);
        var store = new TrueNasStore();
        _s = new TrueNasState
        {
            Flavour = flavour,
            Store = store,
            Keys = new TrueNasApiKeys(flavour, store),
            RateLimit = new TrueNasRateLimit(TimeProvider.System),
            WsFaults = new TrueNasWsFaults(settings.LatencyMs),
            TreatAsRemote = settings.TreatAsRemote,
        };
        _rest = new TrueNasRest(_s.Keys);
        _rpc = new TrueNasRpc(_s);

        _password = Secrets.Password();
        var (salt, hash) = TrueNasUser.HashPassword(_password);
        store.AddUser(new TrueNasUser
        {
            Id = 1, Uid = 0, Gid = 0, Username = "root", FullName = "root", Builtin = true,
            Roles = ["FULL_ADMIN"], PasswordSalt = salt, PasswordHash = hash,
        });
        store.AddUser(new TrueNasUser
        {
            Id = 70, Uid = 950, Gid = 950, Username = "truenas_admin", FullName = "Local Administrator", Builtin = false,
            Roles = ["FULL_ADMIN"], PasswordSalt = salt, PasswordHash = hash,
        });
        store.AddUser(new TrueNasUser
        {
            Id = 71, Uid = 3000, Gid = 3000, Username = "nopriv", FullName = "No Privileges", Builtin = false,
            Roles = [], PasswordSalt = salt, PasswordHash = hash,
        });

        var now = TrueNasDate.Now().Wire.Ms;
        string secret;
        if (settings.Key is not null)
        {
            TrueNasKeyHash.TryParse(settings.Key, out _adminKeyId, out secret);
        }
        else
        {
            _adminKeyId = 1;
            secret = TrueNasKeyHash.NewSecret();
        }
        _adminKey = $"{_adminKeyId}-{secret}";
        var (keySalt, digest) = TrueNasKeyHash.Hash(secret);
        store.Insert(new TrueNasKey
        {
            Id = _adminKeyId, Name = "sandbox-admin", CreatedAtMs = now,
            OwnerId = flavour.UserKeys ? 70 : null,
            Allowlist = flavour.HasAllowlist ? [new TrueNasAllowItem("*", "*")] : [],
            Salt = keySalt, Digest = digest,
        });
        Seed(settings.SeedKeys, now);
    }

    /// <summary>
    /// Benchmark keys. Their secrets are never handed out, so each gets a random salt and digest
    /// instead of a derived one: 100,000 keys are made in well under a second.
    /// </summary>
    private void Seed(int count, long now)
    {
        if (count <= 0) return;
        const int perUser = 9;
        var flavour = _s.Flavour;
        var random = new byte[32 * Math.Min(count, 4096)];
        TrueNasUser? owner = null;
        for (var i = 0; i < count; i++)
        {
            if (flavour.UserKeys && i % perUser == 0)
            {
                var n = i / perUser + 1;
                owner = new TrueNasUser
                {
                    Id = 1000 + n, Uid = 4000 + n, Gid = 4000 + n, Username = $"seed{n:D4}", FullName = $"Seed user {n}",
                    Builtin = false, Roles = ["FULL_ADMIN"],
                };
                _s.Store.AddUser(owner);
            }
            var slot = i % 4096;
            if (slot == 0) System.Security.Cryptography.RandomNumberGenerator.Fill(random);
            _s.Store.Insert(new TrueNasKey
            {
                Id = _s.Store.NextId(), Name = $"seed-key-{i + 1:D6}", CreatedAtMs = now,
                OwnerId = owner?.Id,
                Allowlist = flavour.HasAllowlist ? [new TrueNasAllowItem("*", "*")] : [],
                Salt = random.AsSpan(slot * 32, 16).ToArray(),
                Digest = random.AsSpan(slot * 32 + 16, 16).ToArray(),
            });
        }
    }

    public TrueNasState State => _s;

    public override string Name => "truenas";

    public override int KeyCount => _s.Store.Count;

    /// <summary>Called by <see cref="KindHost"/> with the port's request log, for the WebSocket entries.</summary>
    public override void Attach(FaultInjector faults, RequestLog log) => _s.Log = log;

    public override void UseKindMiddleware(WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.Use(_s.WsFaults.Middleware);
        app.Use(async (context, next) =>
        {
            // Sandbox extension: forget the login rate-limit counters (the server clears them every 600 s).
            if (context.Request.Path.Equals("/_sandbox/ratelimit", StringComparison.OrdinalIgnoreCase) &&
                HttpMethods.IsDelete(context.Request.Method))
            {
                _s.RateLimit.Clear();
                context.Response.StatusCode = 204;
                return;
            }
            await next(context);
        });
    }

    public override void MapRoutes(WebApplication app)
    {
        app.Map("/api/v2.0/{**rest}", _rest.HandleAsync);
        app.Map("/api/versions", async context =>
        {
            if (!_s.Flavour.HasJsonRpc)
            {
                await TrueNasRest.WriteAiohttpAsync(context, 404);
                return;
            }
            await JsonResponse.WriteAsync(context, 200, w =>
            {
                w.WriteStartArray();
                foreach (var v in _s.Flavour.ApiVersions) w.WriteStringValue(v);
                w.WriteEndArray();
            }, JsonResponse.Relaxed);
        });
        app.Map("/api/boot_id", async context =>
        {
            if (_s.Flavour.Rank < TrueNasFlavour.G2510)
            {
                await TrueNasRest.WriteAiohttpAsync(context, 404);
                return;
            }
            await JsonResponse.WriteAsync(context, 200, w => w.WriteStringValue(BootId), JsonResponse.Relaxed);
        });
        app.Map("/api/{version}", async context =>
        {
            var version = (string)context.Request.RouteValues["version"]!;
            if (!_s.Flavour.HasJsonRpc || _s.Flavour.ViewRankForPath(version) is not int view)
            {
                await TrueNasRest.WriteAiohttpAsync(context, 404);
                return;
            }
            await _rpc.HandleAsync(context, view);
        });
        app.MapFallback(context => TrueNasRest.WriteAiohttpAsync(context, 404));
    }

    private static readonly string BootId = Guid.NewGuid().ToString();

    public override void WriteStartupInfo(Utf8JsonWriter w, string baseUrl)
    {
        w.WriteStartObject();
        w.WriteString("baseUrl", baseUrl);
        if (_s.Flavour.HasJsonRpc)
        {
            var ws = baseUrl.StartsWith("https://", StringComparison.Ordinal)
                ? "wss://" + baseUrl["https://".Length..]
                : "ws://" + baseUrl["http://".Length..];
            w.WriteString("wsUrl", ws + "/api/current");
        }
        else w.WriteNull("wsUrl");
        w.WriteString("version", _s.Flavour.Version);
        w.WriteString("generation", _s.Flavour.Generation);
        w.WriteString("username", _s.Flavour.AdminUsername);
        w.WriteString("password", _password);
        w.WriteString("apiKey", _adminKey);
        w.WriteString("apiKeyId", _adminKeyId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }

    /// <summary>nginx in front of middlewared answers 5xx itself, as HTML.</summary>
    public override async Task WriteServiceUnavailableAsync(HttpContext context, int? retryAfterSeconds)
    {
        var body = Encoding.ASCII.GetBytes(
            "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n" +
            "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
        context.Response.StatusCode = 503;
        context.Response.ContentType = "text/html";
        context.Response.Headers.Server = "nginx";
        if (retryAfterSeconds is int s) context.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    public override async Task WriteTooManyRequestsAsync(HttpContext context, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await TrueNasRest.WriteAiohttpAsync(context, 429);
    }
}
