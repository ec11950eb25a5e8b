namespace Sandbox.Immich;

/// <summary>
/// What differs between the three Immich lines the sandbox plays (contracts-immich.md, "Route
/// history" and "Error body format"): 1.x = 1.135.0, 2.x = 2.7.5, 3.x = 3.1.0.
/// </summary>
public sealed class ImmichVersionLine
{
    public required string Version { get; init; }
    public required int Major { get; init; }
    public required int Minor { get; init; }
    public required int Patch { get; init; }
    public required string[] Permissions { get; init; }

    /// <summary><c>GET /api/api-keys/me</c> exists from 1.139.0 (PR #21027).</summary>
    public required bool HasMeRoute { get; init; }

    /// <summary>PUT also enforces "cannot grant what you lack" from 2.5.0 (PR #25363).</summary>
    public required bool UpdateChecksGrant { get; init; }

    /// <summary>
    /// Routes marked only <c>@Authenticated()</c> need <c>all</c> for API-key callers from 1.136.0
    /// (PR #20113); for this sandbox that is <c>POST /api/auth/logout</c>.
    /// </summary>
    public required bool LogoutNeedsAll { get; init; }

    /// <summary>
    /// 3.x error bodies are <c>{message}</c> / <c>{message:"Validation failed",errors}</c> with an
    /// X-Correlation-ID header; before, <c>{message,error,statusCode,correlationId}</c>.
    /// </summary>
    public required bool SlimErrors { get; init; }

    /// <summary>3.x: the hidden <c>PATCH /api/api-keys/{id}</c> next to the deprecated PUT.</summary>
    public required bool HasPatch { get; init; }

    /// <summary>3.x validates with zod: an empty <c>name</c> is allowed (and stored as "API Key").</summary>
    public required bool EmptyNameAllowed { get; init; }

    /// <summary>3.0.0 adds <c>prerelease</c> (nullable) to the server version.</summary>
    public required bool HasPrerelease { get; init; }

    public HashSet<string> PermissionSet => _set ??= new HashSet<string>(Permissions, StringComparer.Ordinal);
    private HashSet<string>? _set;

    public static ImmichVersionLine For(string line) => line switch
    {
        "1.x" => new ImmichVersionLine
        {
            Version = "1.135.0", Major = 1, Minor = 135, Patch = 0, Permissions = ImmichPermissions.V1_135,
            HasMeRoute = false, UpdateChecksGrant = false, LogoutNeedsAll = false, SlimErrors = false,
            HasPatch = false, EmptyNameAllowed = false, HasPrerelease = false,
        },
        "2.x" => new ImmichVersionLine
        {
            Version = "2.7.5", Major = 2, Minor = 7, Patch = 5, Permissions = ImmichPermissions.V2_7,
            HasMeRoute = true, UpdateChecksGrant = true, LogoutNeedsAll = true, SlimErrors = false,
            HasPatch = false, EmptyNameAllowed = false, HasPrerelease = false,
        },
        "3.x" => new ImmichVersionLine
        {
            Version = "3.1.0", Major = 3, Minor = 1, Patch = 0, Permissions = ImmichPermissions.V3_1,
            HasMeRoute = true, UpdateChecksGrant = true, LogoutNeedsAll = true, SlimErrors = true,
            HasPatch = true, EmptyNameAllowed = true, HasPrerelease = true,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(line), line, "expected 1.x, 2.x or 3.x"),
    };
}
