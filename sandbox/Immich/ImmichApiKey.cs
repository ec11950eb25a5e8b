namespace Sandbox.Immich;

/// <summary>
/// A stored Immich API key. Immutable: an update stores a new instance, so a list taken under the
/// store's lock can be serialized outside it without torn values. Only the SHA-256 of the secret
/// is kept (contracts-immich.md "How secrets are made and stored"). Timestamps are kept as the
/// wire text (<see cref="ImmichClock.Format"/>): formatted once, not on every list.
/// </summary>
public sealed record ImmichApiKey(
    Guid Id,
    string Name,
    string CreatedAt,
    string UpdatedAt,
    string[] Permissions,
    string SecretHash,
    Guid UserId,
    long Sequence);

/// <summary>A login session (from <c>POST /api/auth/login</c>), stored by the SHA-256 of its token.</summary>
public sealed record ImmichSession(Guid Id, string TokenHash, Guid UserId, DateTime CreatedAt);

/// <summary>The sandbox's only Immich user: the admin, owner of every key.</summary>
public sealed record ImmichUser(Guid Id, string Email, string Password, string Name);
