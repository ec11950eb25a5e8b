using System.Net.Mail;
using System.Text.Json;
using Sandbox.Common;

namespace Sandbox.Immich;

/// <summary>
/// Login, logout and token validation (contracts-immich.md "Authentication"; the sequence
/// PSImmich uses is in anchor-psimmich.md). Login answers 201 with a session token that is not a
/// JWT; logout and validateToken answer 200 (<c>@HttpCode(OK)</c>).
/// </summary>
public sealed class ImmichAuthRoutes(
    ImmichVersionLine line, ImmichUser admin, ImmichSessionStore sessions, ImmichAuthenticator auth, ImmichErrors errors)
{
    private static readonly string[] SessionCookies = ["immich_access_token", "immich_auth_type", "immich_is_authenticated"];

    public void Map(WebApplication app)
    {
        app.Map("/api/auth/login", context =>
            context.Request.Method == "POST" ? LoginAsync(context) : ImmichServer.NoRouteAsync(context, errors));
        app.Map("/api/auth/logout", context =>
            context.Request.Method == "POST" ? LogoutAsync(context) : ImmichServer.NoRouteAsync(context, errors));
        app.Map("/api/auth/validateToken", context =>
            context.Request.Method == "POST" ? ValidateTokenAsync(context) : ImmichServer.NoRouteAsync(context, errors));
    }

    private async Task LoginAsync(HttpContext context)
    {
        var body = await ImmichRequestBody.ReadAsync(context);
        if (body.Error is not null)
        {
            await errors.WriteAsync(context, 400, body.Error);
            return;
        }
        using var document = body.Document;
        var email = body.Property("email") is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;
        var password = body.Property("password") is { ValueKind: JsonValueKind.String } p ? p.GetString() : null;
        var issues = new List<ImmichValidationIssue>();
        if (email is null || !MailAddress.TryCreate(email, out _))
            issues.Add(new ImmichValidationIssue("email must be an email", "invalid_format", ["email"], "Invalid email address",
                w => w.WriteString("format", "email")));
        if (string.IsNullOrEmpty(password))
            issues.Add(ImmichValidationIssue.WrongType("password", "string",
                ImmichValidationIssue.Received(body.Property("password")), "password should not be empty"));
        if (issues.Count > 0)
        {
            await errors.WriteValidationAsync(context, issues);
            return;
        }
        // Immich lower-cases the email (toEmail transform); passwords are compared exactly.
        if (!string.Equals(email, admin.Email, StringComparison.OrdinalIgnoreCase) ||
            !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(password!), System.Text.Encoding.UTF8.GetBytes(admin.Password)))
        {
            await errors.WriteAsync(context, 401, "Incorrect email or password");
            return;
        }
        var token = sessions.Create(admin.Id);
        var cookie = new CookieOptions { HttpOnly = true, Path = "/", SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(400) };
        context.Response.Cookies.Append("immich_access_token", token, cookie);
        context.Response.Cookies.Append("immich_auth_type", "password", cookie);
        context.Response.Cookies.Append("immich_is_authenticated", "true", new CookieOptions { Path = "/", SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(400) });
        await JsonResponse.WriteAsync(context, 201, w =>
        {
            w.WriteStartObject();
            w.WriteString("accessToken", token);
            w.WriteString("userId", admin.Id);
            w.WriteString("userEmail", admin.Email);
            w.WriteString("name", admin.Name);
            w.WriteString("profileImagePath", "");
            w.WriteBoolean("isAdmin", true);
            w.WriteBoolean("shouldChangePassword", false);
            w.WriteBoolean("isOnboarded", true); // present from 1.135.0, so in every line played here
            w.WriteEndObject();
        }, JsonResponse.Relaxed);
    }

    private async Task LogoutAsync(HttpContext context)
    {
        // From 1.136.0 a plain @Authenticated() route needs "all" for API-key callers (PR #20113).
        var caller = await auth.RequireAsync(context, line.LogoutNeedsAll ? "all" : null);
        if (caller is null) return;
        if (caller.Session is not null) sessions.Delete(caller.Session); // with an API key nothing is deleted
        foreach (var name in SessionCookies) context.Response.Cookies.Delete(name);
        await JsonResponse.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("successful", true);
            w.WriteString("redirectUri", "/auth/login?autoLaunch=0");
            w.WriteEndObject();
        }, JsonResponse.Relaxed);
    }

    private async Task ValidateTokenAsync(HttpContext context)
    {
        // permission: false from 1.142.0; 1.135 predates the default "all" rule, so no line needs one.
        var caller = await auth.RequireAsync(context, permission: null);
        if (caller is null) return;
        await JsonResponse.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("authStatus", true);
            w.WriteEndObject();
        }, JsonResponse.Relaxed);
    }
}
