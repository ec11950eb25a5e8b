using System.Globalization;
using System.Text;
using System.Text.Json;
using Sandbox.Common;

namespace Sandbox.Immich;

/// <summary>
/// The Immich stand-in: one admin user (owner of every key), its seeded API key (<c>all</c>), the
/// fixed key PSImmich's integration tests look up (anchor-psimmich.md), and optional bulk keys.
/// </summary>
public sealed class ImmichServer : SandboxKind
{
    /// <summary>PSImmich's integration test reads this key id and expects it to exist.</summary>
    public static readonly Guid FixedKeyId = Guid.Parse("a1c2b770-3c58-46d9-ac6d-2e6d03d870e2");

    private static readonly byte[] WebPage = Encoding.UTF8.GetBytes(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Immich</title></head>" +
        "<body><div id=\"app\"></div></body></html>\n");

    private readonly ImmichVersionLine _line;
    private readonly ImmichUser _admin;
    private readonly ImmichKeyStore _keys = new();
    private readonly ImmichSessionStore _sessions = new();
    private readonly ImmichErrors _errors;
    private readonly string _adminSecret;
    private readonly Guid _adminKeyId;

    public ImmichServer(SandboxOptions options)
    {
        _line = ImmichVersionLine.For(options.ImmichVersion);
        _errors = new ImmichErrors(_line);
        _admin = new ImmichUser(Guid.NewGuid(), "admin@immich.local", Secrets.Password(), "Admin");

        _keys.Add(FixedKeyId, "PSImmich fixed key", ["all"], Secrets.Sha256Hex(Secrets.ImmichSecret()), _admin.Id);
        _keys.AddSeeds("seed-", SeedSecrets.Guids(options.SeedKeys), SeedSecrets.ImmichHashes(options.SeedKeys), ["all"], _admin.Id);
        // The admin key last, so it heads the newest-first list.
        _adminSecret = options.ImmichKey ?? Secrets.ImmichSecret();
        _adminKeyId = _keys.Add(Guid.NewGuid(), "Sandbox admin key", ["all"], Secrets.Sha256Hex(_adminSecret), _admin.Id).Id;
    }

    public override string Name => "immich";

    public override int KeyCount => _keys.Count;

    public override void UseKindMiddleware(WebApplication app)
    {
        app.Use((context, next) =>
        {
            var id = ImmichErrors.NewCorrelationId();
            context.Items[ImmichErrors.CorrelationItem] = id;
            // 3.x moved the correlation id from the error body to a header on every answer (PR #28139).
            if (_line.SlimErrors) context.Response.Headers["X-Correlation-ID"] = id;
            return next(context);
        });
    }

    public override void MapRoutes(WebApplication app)
    {
        var auth = new ImmichAuthenticator(_keys, _sessions, _admin, _errors);
        new ImmichApiKeyRoutes(_line, _keys, auth, _errors).Map(app);
        new ImmichAuthRoutes(_line, _admin, _sessions, auth, _errors).Map(app);
        new ImmichServerRoutes(_line, _errors).Map(app);
        app.MapFallback("{*path}", context => NoRouteAsync(context, _errors));
    }

    /// <summary>
    /// No route: under <c>/api</c> NestJS answers 404 <c>Cannot GET /api/...</c> (the path only
    /// here, never the query, which may carry a key); elsewhere the web app's page is served.
    /// </summary>
    public static async Task NoRouteAsync(HttpContext context, ImmichErrors errors)
    {
        var path = context.Request.Path.Value ?? "/";
        if (!path.StartsWith("/api", StringComparison.OrdinalIgnoreCase) && context.Request.Method is "GET" or "HEAD")
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength = WebPage.Length;
            await context.Response.Body.WriteAsync(WebPage, context.RequestAborted);
            return;
        }
        await errors.WriteAsync(context, 404, $"Cannot {context.Request.Method} {path}");
    }

    public override void WriteStartupInfo(Utf8JsonWriter w, string baseUrl)
    {
        w.WriteStartObject();
        w.WriteString("baseUrl", baseUrl);
        w.WriteString("version", _line.Version);
        w.WriteString("email", _admin.Email);
        w.WriteString("password", _admin.Password);
        w.WriteString("apiKey", _adminSecret);
        w.WriteString("apiKeyId", _adminKeyId);
        w.WriteString("fixedKeyId", FixedKeyId);
        w.WriteEndObject();
    }

    /// <summary>Immich itself does not rate limit; these are what its exception filter would make of the status.</summary>
    public override Task WriteServiceUnavailableAsync(HttpContext context, int? retryAfterSeconds)
    {
        if (retryAfterSeconds is { } s) context.Response.Headers.RetryAfter = s.ToString(CultureInfo.InvariantCulture);
        return _errors.WriteAsync(context, 503, "Service Unavailable");
    }

    public override Task WriteTooManyRequestsAsync(HttpContext context, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return _errors.WriteAsync(context, 429, "Too Many Requests");
    }
}
