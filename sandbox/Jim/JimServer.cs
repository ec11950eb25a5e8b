using System.Globalization;
using System.Text;
using System.Text.Json;
using Sandbox.Common;

namespace Sandbox.Jim;

/// <summary>
/// The JIM stand-in: the four roles, the infrastructure key (Administrator) that
/// <c>JIM_INFRASTRUCTURE_API_KEY</c> would create, optional bulk keys, and JIM's web-UI fallback
/// for every path no API route matches.
/// </summary>
public sealed class JimServer : SandboxKind
{
    /// <summary>The Blazor UI's page, served with 200 for any GET no API route takes (even under /api).</summary>
    private static readonly byte[] WebPage = Encoding.UTF8.GetBytes(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n<base href=\"/\" />\n" +
        "<title>JIM</title>\n</head>\n<body>\n<div id=\"app\"></div>\n" +
        "<script src=\"_framework/blazor.web.js\"></script>\n</body>\n</html>\n");

    private readonly JimKeyStore _keys = new();
    private readonly Dictionary<int, JimRole> _roles;
    private readonly string _adminKey;
    private readonly Guid _adminKeyId;

    public JimServer(SandboxOptions options)
    {
        var now = JimClock.Now();
        _roles = JimRole.Seed(now.AddMinutes(-5)).ToDictionary(r => r.Id);
        _keys.AddSeeds("seed-", SeedSecrets.Guids(options.SeedKeys), SeedSecrets.JimKeys(options.SeedKeys), now);
        // JIM gives the infrastructure key a 24-hour expiry; a sandbox run never lasts that long.
        _adminKey = options.JimKey ?? Secrets.JimKey();
        _adminKeyId = Guid.NewGuid();
        _keys.Add(new JimApiKey(_adminKeyId, "Infrastructure Key", null, _adminKey[..12], Secrets.Sha256Hex(_adminKey),
            now, now.AddHours(24), null, null, true, [1], true));
    }

    public override string Name => "jim";

    public override int KeyCount => _keys.Count;

    public override void MapRoutes(WebApplication app)
    {
        var auth = new JimAuthenticator(_keys, _roles);
        new JimApiKeyRoutes(_keys, _roles, auth).Map(app);
        new JimSecurityRoutes(_roles, auth).Map(app);
        JimHealthRoutes.Map(app);
        app.MapFallback("{*path}", NoRouteAsync);
    }

    /// <summary>Every API controller answer carries the API-versioning header.</summary>
    public static Task ApiAsync(HttpContext context, Func<HttpContext, Task> handler)
    {
        context.Response.Headers["api-supported-versions"] = "1.0";
        return handler(context);
    }

    /// <summary>
    /// No API route (a non-GUID id, an unknown version, an unknown path, or a method such as
    /// PATCH): the Blazor fallback answers GET with the 200 HTML page and other methods with 400
    /// and an empty body (contracts-jim.md section 1).
    /// </summary>
    public static async Task NoRouteAsync(HttpContext context)
    {
        if (context.Request.Method is "GET" or "HEAD")
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength = WebPage.Length;
            if (context.Request.Method == "GET") await context.Response.Body.WriteAsync(WebPage, context.RequestAborted);
            return;
        }
        context.Response.StatusCode = 400;
        context.Response.ContentLength = 0;
    }

    public override void WriteStartupInfo(Utf8JsonWriter w, string baseUrl)
    {
        w.WriteStartObject();
        w.WriteString("baseUrl", baseUrl);
        w.WriteString("version", JimHealthRoutes.Version);
        w.WriteString("apiKey", _adminKey);
        w.WriteString("apiKeyId", _adminKeyId);
        w.WriteStartArray("roles");
        foreach (var role in _roles.Values.OrderBy(r => r.Id))
        {
            w.WriteStartObject();
            w.WriteNumber("id", role.Id);
            w.WriteString("name", role.Name);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>GlobalExceptionHandler's answer to a transient database error.</summary>
    public override Task WriteServiceUnavailableAsync(HttpContext context, int? retryAfterSeconds)
    {
        // The real server always adds Retry-After: 5; the sandbox only when the fault asks, so tests stay fast.
        if (retryAfterSeconds is { } s) context.Response.Headers.RetryAfter = s.ToString(CultureInfo.InvariantCulture);
        return JimErrors.ApiErrorAsync(context, 503, "SERVICE_UNAVAILABLE",
            "The service is temporarily unavailable. Please try again later.");
    }

    /// <summary>The rate limiter's rejection (RateLimitingExtensions.cs).</summary>
    public override Task WriteTooManyRequestsAsync(HttpContext context, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return JimErrors.ApiErrorAsync(context, 429, "TOO_MANY_REQUESTS",
            "Too many requests. Please retry after the indicated delay.");
    }
}
