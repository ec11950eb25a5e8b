using Sandbox.Common;

namespace Sandbox.Immich;

/// <summary>
/// Immich's auth guard (contracts-immich.md "Authentication"). Session tokens take precedence
/// over API keys (user-token header, session-token header, <c>sessionKey</c> query, Bearer,
/// cookie), then the API key (<c>x-api-key</c> header, <c>apiKey</c> query). For API-key callers
/// the route's permission is checked with <see cref="ImmichAccess.IsGranted"/>.
/// </summary>
public sealed class ImmichAuthenticator(ImmichKeyStore keys, ImmichSessionStore sessions, ImmichUser admin, ImmichErrors errors)
{
    /// <summary>
    /// Authenticates the request and checks <paramref name="permission"/> (null = the route opts
    /// out, <c>permission: false</c>). On failure writes the 401/403 and returns null.
    /// </summary>
    public async Task<ImmichCaller?> RequireAsync(HttpContext context, string? permission)
    {
        var request = context.Request;
        var sessionToken = First(
            request.Headers["x-immich-user-token"],
            request.Headers["x-immich-session-token"],
            request.Query["sessionKey"],
            Bearer(request.Headers.Authorization),
            request.Cookies["immich_access_token"]);
        if (sessionToken is not null)
        {
            var session = sessions.Find(sessionToken);
            if (session is null || session.UserId != admin.Id)
            {
                await errors.WriteAsync(context, 401, "Invalid user token");
                return null;
            }
            return new ImmichCaller(admin, null, session);
        }

        var apiKey = First(request.Headers["x-api-key"], request.Query["apiKey"]);
        if (apiKey is null)
        {
            await errors.WriteAsync(context, 401, "Authentication required");
            return null;
        }
        var key = keys.FindBySecretHash(Secrets.Sha256Hex(apiKey));
        if (key is null || key.UserId != admin.Id)
        {
            await errors.WriteAsync(context, 401, "Invalid API key");
            return null;
        }
        if (permission is not null && !ImmichAccess.IsGranted([permission], key.Permissions))
        {
            await errors.WriteAsync(context, 403, $"Missing required permission: {permission}");
            return null;
        }
        return new ImmichCaller(admin, key, null);
    }

    private static string? Bearer(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : null;

    private static string? First(params string?[] candidates)
    {
        foreach (var c in candidates)
            if (!string.IsNullOrEmpty(c)) return c;
        return null;
    }
}
