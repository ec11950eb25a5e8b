using Sandbox.Common;

namespace Sandbox.Immich;

/// <summary>
/// Login sessions. Like Immich's <c>session</c> table, only the SHA-256 of each access token is
/// kept; logout deletes the row, after which the token answers 401 "Invalid user token".
/// </summary>
public sealed class ImmichSessionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ImmichSession> _byHash = new(StringComparer.Ordinal);

    /// <summary>Creates a session and returns its plain token (shown once, in the login answer).</summary>
    public string Create(Guid userId)
    {
        var token = Secrets.ImmichSecret();
        var session = new ImmichSession(Guid.NewGuid(), Secrets.Sha256Hex(token), userId, DateTime.UtcNow);
        lock (_gate) _byHash.Add(session.TokenHash, session);
        return token;
    }

    public ImmichSession? Find(string token)
    {
        var hash = Secrets.Sha256Hex(token);
        lock (_gate) return _byHash.GetValueOrDefault(hash);
    }

    public void Delete(ImmichSession session)
    {
        lock (_gate) _byHash.Remove(session.TokenHash);
    }
}
