using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Sandbox.Common;

/// <summary>
/// Bulk key material for <c>--seed-keys</c>: the same formats and SHA-256 storage as real keys,
/// computed on spans, with one random fill for all keys and one reusable hash object per thread
/// (a one-shot hash call pays OpenSSL's algorithm lookup every time), so 100,000 keys per kind
/// take a fraction of a second. The plain secrets are discarded: nobody can use a seed key.
/// </summary>
public static class SeedSecrets
{
    private const int Chunk = 4096;

    /// <summary>SHA-256 hex of <paramref name="count"/> fresh Immich-format secrets.</summary>
    public static string[] ImmichHashes(int count)
    {
        var hashes = new string[count];
        var random = RandomNumberGenerator.GetBytes(count * 32);
        Parallel.For(0, (count + Chunk - 1) / Chunk, c => ImmichChunk(random, hashes, c * Chunk, Math.Min(count, (c + 1) * Chunk)));
        return hashes;
    }

    /// <summary>Prefix (first 12 characters) and SHA-256 hex of <paramref name="count"/> fresh JIM keys.</summary>
    public static (string Prefix, string Hash)[] JimKeys(int count)
    {
        var keys = new (string, string)[count];
        var random = RandomNumberGenerator.GetBytes(count * 32);
        Parallel.For(0, (count + Chunk - 1) / Chunk, c => JimChunk(random, keys, c * Chunk, Math.Min(count, (c + 1) * Chunk)));
        return keys;
    }

    /// <summary>
    /// Version-4 GUIDs from one random fill: <see cref="Guid.NewGuid"/> costs a system call each,
    /// which adds up to seconds for 100,000 keys on a busy machine.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Guid[] Guids(int count)
    {
        var random = RandomNumberGenerator.GetBytes(count * 16);
        var ids = new Guid[count];
        for (var i = 0; i < count; i++)
        {
            var bytes = random.AsSpan(i * 16, 16);
            bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (high nibble of the third group)
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
            ids[i] = new Guid(bytes);
        }
        return ids;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ImmichChunk(byte[] random, string[] hashes, int from, int to)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<char> b64 = stackalloc char[44];
        Span<byte> secret = stackalloc byte[44];
        Span<byte> digest = stackalloc byte[32];
        for (var i = from; i < to; i++)
        {
            Convert.TryToBase64Chars(random.AsSpan(i * 32, 32), b64, out var written);
            var length = 0;
            foreach (var ch in b64[..written])
                if (char.IsAsciiLetterOrDigit(ch)) secret[length++] = (byte)ch;
            sha.AppendData(secret[..length]);
            sha.GetHashAndReset(digest);
            hashes[i] = Convert.ToHexStringLower(digest);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void JimChunk(byte[] random, (string, string)[] keys, int from, int to)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> key = stackalloc byte[7 + 64];
        Span<byte> digest = stackalloc byte[32];
        "jim_ak_"u8.CopyTo(key);
        for (var i = from; i < to; i++)
        {
            Convert.TryToHexStringLower(random.AsSpan(i * 32, 32), key[7..], out _);
            sha.AppendData(key);
            sha.GetHashAndReset(digest);
            keys[i] = (System.Text.Encoding.ASCII.GetString(key[..12]), Convert.ToHexStringLower(digest));
        }
    }
}
