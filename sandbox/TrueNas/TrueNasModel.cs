using System.Security.Cryptography;
using System.Text;

namespace Sandbox.TrueNas;

/// <summary>A local account (<c>user.query</c> entry, the owner of 25.04+ keys).</summary>
public sealed class TrueNasUser
{
    public required int Id { get; init; }
    public required int Uid { get; init; }
    public required int Gid { get; init; }
    public required string Username { get; init; }
    public required string FullName { get; init; }
    public required bool Builtin { get; init; }

    /// <summary>Privilege roles; a user without any cannot own keys (<c>User lacks privilege role membership.</c>) or log in.</summary>
    public required string[] Roles { get; init; }

    public string Home => Username == "root" ? "/root" : $"/home/{Username}";
    public string Shell => "/usr/bin/zsh";
    public bool FullAdmin => Array.IndexOf(Roles, "FULL_ADMIN") >= 0;

    /// <summary>SHA-256(salt || password); null = password login disabled.</summary>
    public byte[]? PasswordSalt { get; init; }
    public byte[]? PasswordHash { get; init; }

    public static (byte[] Salt, byte[] Hash) HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return (salt, PasswordDigest(salt, password));
    }

    private static byte[] PasswordDigest(byte[] salt, string password)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        var input = new byte[salt.Length + bytes.Length];
        salt.CopyTo(input, 0);
        bytes.CopyTo(input, salt.Length);
        var digest = SHA256.HashData(input);
        CryptographicOperations.ZeroMemory(bytes);
        CryptographicOperations.ZeroMemory(input);
        return digest;
    }

    public bool CheckPassword(string password) =>
        PasswordSalt is not null && PasswordHash is not null &&
        CryptographicOperations.FixedTimeEquals(PasswordDigest(PasswordSalt, password), PasswordHash);
}

/// <summary>One allowlist entry (22.02-24.10): HTTP verb, <c>CALL</c>, <c>SUBSCRIBE</c> or <c>*</c>, and a resource glob.</summary>
public readonly record struct TrueNasAllowItem(string Method, string Resource);

/// <summary>
/// One row of <c>account_api_key</c>. Immutable: the store replaces a row on every change, so a
/// reader holding a row never sees a half-done update.
/// </summary>
public sealed record TrueNasKey
{
    public required int Id { get; init; }
    public required string Name { get; init; }

    /// <summary>Milliseconds since the epoch, UTC, whole seconds (EJSON writes <c>timegm(...) * 1000</c>).</summary>
    public required long CreatedAtMs { get; init; }

    /// <summary>Owner's user id (25.04+); null for the unowned keys of older generations.</summary>
    public int? OwnerId { get; init; }

    /// <summary>The DB <c>expiry</c> column: epoch seconds, 0 = never.</summary>
    public long ExpirySeconds { get; init; }

    public bool Revoked { get; init; }
    public string? RevokedReason { get; init; }
    public TrueNasAllowItem[] Allowlist { get; init; } = [];

    public required byte[] Salt { get; init; }

    /// <summary>PBKDF2-HMAC-SHA512 of the 64-character secret (see <see cref="TrueNasKeyHash"/>).</summary>
    public required byte[] Digest { get; init; }
}

/// <summary>
/// Key secrets and their storage. The real server stores <c>$pbkdf2-sha512$500000$...</c>
/// (25.04+) or passlib <c>pbkdf2_sha256</c> (older); the sandbox uses the same construction,
/// PBKDF2-HMAC-SHA512, with ONE iteration so tests and 100,000 seeded keys stay fast. The plain
/// secret exists only in the create/reset answer.
/// </summary>
public static class TrueNasKeyHash
{
    public const int Iterations = 1;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary><c>generate_string(string_size=64)</c>: ASCII letters and digits from a CSPRNG.</summary>
    public static string NewSecret() => RandomNumberGenerator.GetString(Alphabet, 64);

    public static bool IsSecret(ReadOnlySpan<char> s)
    {
        if (s.Length != 64) return false;
        foreach (var c in s)
            if (!char.IsAsciiLetterOrDigit(c)) return false;
        return true;
    }

    public static (byte[] Salt, byte[] Digest) Hash(string secret)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return (salt, Derive(secret, salt));
    }

    public static byte[] Derive(string secret, byte[] salt)
    {
        var bytes = Encoding.ASCII.GetBytes(secret);
        var digest = Rfc2898DeriveBytes.Pbkdf2(bytes, salt, Iterations, HashAlgorithmName.SHA512, 64);
        CryptographicOperations.ZeroMemory(bytes);
        return digest;
    }

    public static bool Verify(TrueNasKey key, string secret) =>
        CryptographicOperations.FixedTimeEquals(Derive(secret, key.Salt), key.Digest);

    /// <summary>
    /// Splits <c>&lt;id&gt;-&lt;64 alnum&gt;</c>. The id part is what the server parses with
    /// <c>int(key.split('-')[0])</c>; a wrong secret length only fails the hash comparison.
    /// </summary>
    public static bool TryParse(string? raw, out int id, out string secret)
    {
        id = 0;
        secret = "";
        if (string.IsNullOrEmpty(raw)) return false;
        var dash = raw.IndexOf('-');
        if (dash <= 0 || !int.TryParse(raw.AsSpan(0, dash), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out id)) return false;
        secret = raw[(dash + 1)..];
        return true;
    }

    /// <summary>passlib's "adapted base64": no padding, '.' instead of '+'.</summary>
    public static string AdaptedBase64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '.');

    /// <summary>The 25.04/25.10 <c>keyhash</c> field (a Secret shown to full admins).</summary>
    public static string KeyHashField(TrueNasKey key) =>
        $"$pbkdf2-sha512${Iterations}${AdaptedBase64(key.Salt)}${AdaptedBase64(key.Digest)}";

    // The SCRAM keys are cached per digest (a reset makes a new digest array), so listing
    // 100,000 keys on 26 does not redo the HMAC work on every query.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<byte[], Tuple<string, string, string>> ScramCache = new();

    /// <summary>
    /// 26's SCRAM material (RFC 5802 with SHA-512): the digest is the SaltedPassword;
    /// ClientKey = HMAC(SaltedPassword, "Client Key"), StoredKey = H(ClientKey),
    /// ServerKey = HMAC(SaltedPassword, "Server Key").
    /// </summary>
    public static (string ClientKey, string StoredKey, string ServerKey) Scram(TrueNasKey key)
    {
        var t = ScramCache.GetValue(key.Digest, _ => ComputeScram(key));
        return (t.Item1, t.Item2, t.Item3);
    }

    private static Tuple<string, string, string> ComputeScram(TrueNasKey key)
    {
        var clientKey = HMACSHA512.HashData(key.Digest, "Client Key"u8);
        var storedKey = SHA512.HashData(clientKey);
        var serverKey = HMACSHA512.HashData(key.Digest, "Server Key"u8);
        return Tuple.Create(Convert.ToBase64String(clientKey), Convert.ToBase64String(storedKey), Convert.ToBase64String(serverKey));
    }
}
