using System.Security.Cryptography;
using System.Text;

namespace Sandbox.Common;

/// <summary>
/// Secret generation and hashing shared by the kinds. Both real servers store only a SHA-256 of
/// the secret (contracts-immich.md "How secrets are made and stored", contracts-jim.md section 2),
/// so the sandbox does the same: a plain secret exists only in the response that creates it.
/// </summary>
public static class Secrets
{
    /// <summary>SHA-256 of the UTF-8 text, as lower-case hex (the lookup key of every key store).</summary>
    public static string Sha256Hex(string secret)
    {
        Span<byte> digest = stackalloc byte[32];
        var bytes = Encoding.UTF8.GetBytes(secret);
        SHA256.HashData(bytes, digest);
        CryptographicOperations.ZeroMemory(bytes);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>
    /// Immich's secret: 32 random bytes, base64, every non-word character removed
    /// (<c>randomBytes(32).toString('base64').replaceAll(/\W/g, '')</c>), so 40-43 of [A-Za-z0-9].
    /// </summary>
    public static string ImmichSecret()
    {
        Span<byte> raw = stackalloc byte[32];
        RandomNumberGenerator.Fill(raw);
        var b64 = Convert.ToBase64String(raw);
        CryptographicOperations.ZeroMemory(raw);
        var sb = new StringBuilder(44);
        foreach (var c in b64)
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
        return sb.ToString();
    }

    /// <summary>JIM's key: <c>jim_ak_</c> + 64 lower-case hex characters from 32 CSPRNG bytes.</summary>
    public static string JimKey()
    {
        Span<byte> raw = stackalloc byte[32];
        RandomNumberGenerator.Fill(raw);
        var key = "jim_ak_" + Convert.ToHexStringLower(raw);
        CryptographicOperations.ZeroMemory(raw);
        return key;
    }

    /// <summary>A random printable password for the sandbox's Immich admin user.</summary>
    public static string Password() => ImmichSecret()[..24];
}
