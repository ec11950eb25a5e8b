using Sandbox.Common;

namespace Sandbox.Jim;

/// <summary>
/// JIM's <c>ApiKeyAuthenticationHandler</c> (contracts-jim.md section 2): the <c>X-API-Key</c>
/// header must start with <c>jim_ak_</c>, its SHA-256 must match a stored key, the key must be
/// enabled and not expired. Every failure is the same 401. Bearer tokens would go to the OIDC
/// identity provider, which the sandbox does not have, so they fail too.
/// </summary>
public sealed class JimAuthenticator(JimKeyStore keys, IReadOnlyDictionary<int, JimRole> roles)
{
    /// <summary>Authenticates and requires the Administrator role; writes the 401/403 and returns null on failure.</summary>
    public async Task<JimCaller?> RequireAdministratorAsync(HttpContext context)
    {
        var caller = Authenticate(context);
        if (caller is null)
        {
            await JimErrors.UnauthorizedAsync(context);
            return null;
        }
        if (!caller.IsAdministrator)
        {
            JimErrors.Forbidden(context);
            return null;
        }
        return caller;
    }

    private JimCaller? Authenticate(HttpContext context)
    {
        string? presented = context.Request.Headers["X-API-Key"];
        if (string.IsNullOrEmpty(presented) || !presented.StartsWith("jim_ak_", StringComparison.Ordinal)) return null;
        var key = keys.FindByHash(Secrets.Sha256Hex(presented));
        var now = JimClock.Now();
        if (key is null || !key.IsEnabled || (key.ExpiresAt is { } expires && expires < now)) return null;
        keys.MarkUsed(key.Id, now, context.Connection.RemoteIpAddress?.ToString());
        var names = new HashSet<string>(StringComparer.Ordinal) { "User" };
        foreach (var id in key.RoleIds)
            if (roles.TryGetValue(id, out var role)) names.Add(role.Name);
        return new JimCaller(key, names);
    }
}
