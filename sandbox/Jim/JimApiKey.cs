namespace Sandbox.Jim;

/// <summary>
/// A stored JIM API key (entity <c>ApiKey</c>): only the SHA-256 hex of the key and its first 12
/// characters are kept (contracts-jim.md section 2). Immutable; changes store a new instance.
/// </summary>
public sealed record JimApiKey(
    Guid Id,
    string Name,
    string? Description,
    string KeyPrefix,
    string KeyHash,
    DateTime Created,
    DateTime? ExpiresAt,
    DateTime? LastUsedAt,
    string? LastUsedFromIp,
    bool IsEnabled,
    int[] RoleIds,
    bool IsInfrastructureKey);
