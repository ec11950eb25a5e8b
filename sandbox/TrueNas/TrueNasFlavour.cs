namespace Sandbox.TrueNas;

/// <summary>
/// What differs between the TrueNAS generations the sandbox plays (contracts-truenas.md sections
/// 1-5): <c>13.3</c> (CORE), <c>24.10</c> (Electric Eel), <c>25.04</c> (Fangtooth),
/// <c>25.10</c> (Goldeye) and <c>26</c> (BETA). <see cref="Rank"/> orders them (1330 ... 2600) so
/// a feature is "from rank N on".
/// </summary>
public sealed class TrueNasFlavour
{
    public const int G13 = 1330, G2410 = 2410, G2504 = 2504, G2510 = 2510, G26 = 2600;

    public required string Generation { get; init; }
    public required int Rank { get; init; }

    /// <summary>The start-up line's <c>version</c>: the version number without the product name.</summary>
    public required string Version { get; init; }

    /// <summary>
    /// What <c>system.version</c> answers: CORE and SCALE up to 24.10 prefix the product name
    /// (<c>TrueNAS-13.3-U1.2</c>, <c>TrueNAS-SCALE-24.10.2.4</c>), 25.04+ do not. The exact
    /// strings per generation are UNCONFIRMED (contracts-truenas.md section 8).
    /// </summary>
    public required string SystemVersion { get; init; }

    /// <summary><c>GET /api/versions</c> (25.04+); the path names of the JSON-RPC endpoints besides <c>current</c>.</summary>
    public required string[] ApiVersions { get; init; }

    /// <summary>REST <c>/api/v2.0</c>: every generation up to 25.10; removed in 26 (section 3).</summary>
    public bool HasRest => Rank < G26;

    /// <summary>JSON-RPC 2.0 over WebSocket at <c>/api/current</c>: 25.04 and later (section 4.2).</summary>
    public bool HasJsonRpc => Rank >= G2504;

    /// <summary>The 22.02-24.10 key model's <c>allowlist</c> (section 2.2/2.3).</summary>
    public bool HasAllowlist => Rank == G2410;

    /// <summary>User-linked keys (<c>username</c>, <c>expires_at</c>, <c>revoked</c>): 25.04+ (section 2.4).</summary>
    public bool UserKeys => Rank >= G2504;

    /// <summary><c>revoked_reason</c>: 25.10+ (section 2.5).</summary>
    public bool HasRevokedReason => Rank >= G2510;

    /// <summary>26 replaces <c>keyhash</c> with SCRAM material and returns <c>client_key</c> (section 2.6).</summary>
    public bool Scram => Rank >= G26;

    /// <summary>Pydantic models (<c>extra="forbid"</c>, <c>strict=True</c>) from 24.10 on; the legacy schema before.</summary>
    public bool Pydantic => Rank >= G2410;

    /// <summary><c>PAM_TDB_MAX_KEYS = 10</c> checked on create in 25.04.1+ and 25.10, not in 26 (sections 2.4, 2.6).</summary>
    public bool PerUserLimit => Rank is G2504 or G2510;

    /// <summary>The unauthenticated-call rate limit exists from 24.10 (section 5.2).</summary>
    public bool RateLimited => Rank >= G2410;

    /// <summary>24.04+ REST answers 401 with <c>Invalid API key</c> / <c>Bad username or password</c>; older ones the bare aiohttp 401.</summary>
    public bool Rest401Text => Rank >= G2410;

    /// <summary>The insecure-transport trap: a plain key login from a non-secure origin revokes the key (section 5.1).</summary>
    public bool RevokesOnInsecureKeyLogin => Rank >= G2504;

    /// <summary>Name-uniqueness message: the CRUD helper's before 25.04, the api_key plugin's after.</summary>
    public bool PluginUniqueMessage => Rank >= G2504;

    /// <summary>The admin account: CORE 13 has only <c>root</c>; SCALE installs <c>truenas_admin</c> (uid 950).</summary>
    public string AdminUsername => Rank == G13 ? "root" : "truenas_admin";

    public static readonly string[] Names = ["13.3", "24.10", "25.04", "25.10", "26"];

    public static TrueNasFlavour For(string generation) => generation switch
    {
        "13.3" => new TrueNasFlavour
        {
            Generation = "13.3", Rank = G13, Version = "13.3-U1.2", SystemVersion = "TrueNAS-13.3-U1.2",
            ApiVersions = [],
        },
        "24.10" => new TrueNasFlavour
        {
            Generation = "24.10", Rank = G2410, Version = "24.10.2.4", SystemVersion = "TrueNAS-SCALE-24.10.2.4",
            ApiVersions = [],
        },
        "25.04" => new TrueNasFlavour
        {
            Generation = "25.04", Rank = G2504, Version = "25.04.2.6", SystemVersion = "25.04.2.6",
            ApiVersions = ["v25.04.0", "v25.04.1", "v25.04.2"],
        },
        "25.10" => new TrueNasFlavour
        {
            Generation = "25.10", Rank = G2510, Version = "25.10.7", SystemVersion = "25.10.7",
            ApiVersions = ["v25.04.0", "v25.04.1", "v25.04.2", "v25.10.0", "v25.10.1", "v25.10.2", "v25.10.3", "v25.10.4", "v25.10.5"],
        },
        "26" => new TrueNasFlavour
        {
            Generation = "26", Rank = G26, Version = "26.0.0-BETA.1", SystemVersion = "26.0.0-BETA.1",
            ApiVersions = ["v25.04.0", "v25.04.1", "v25.04.2", "v25.10.0", "v25.10.1", "v25.10.2", "v25.10.3", "v25.10.4", "v25.10.5", "v26.0.0"],
        },
        _ => throw new ArgumentOutOfRangeException(nameof(generation), generation, "expected 13.3, 24.10, 25.04, 25.10 or 26"),
    };

    /// <summary>
    /// The model generation a JSON-RPC endpoint speaks: <c>current</c> is the server's own; an
    /// older <c>vXX.YY.Z</c> path sees that version's model (25.10 "to_previous": no
    /// <c>revoked_reason</c>, <c>username</c> "" instead of null). Null for an unknown version.
    /// </summary>
    public int? ViewRankForPath(string version)
    {
        if (version == "current") return Rank;
        if (Array.IndexOf(ApiVersions, version) < 0) return null;
        if (version.StartsWith("v25.04.", StringComparison.Ordinal)) return G2504;
        if (version.StartsWith("v25.10.", StringComparison.Ordinal)) return G2510;
        return G26;
    }
}
