using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Sandbox.Immich;

/// <summary>
/// Immich's key DTOs as written by the server's <c>mapApiKey</c>: id, name, createdAt, updatedAt,
/// permissions. Never the secret hash or the owner (contracts-immich.md "Request and response shapes").
/// </summary>
public static class ImmichJson
{
    public static void WriteKey(Utf8JsonWriter w, ImmichApiKey key)
    {
        w.WriteStartObject();
        w.WriteString("id", key.Id);
        w.WriteString("name", key.Name);
        w.WriteString("createdAt", key.CreatedAt);
        w.WriteString("updatedAt", key.UpdatedAt);
        w.WriteStartArray("permissions");
        foreach (var p in key.Permissions) w.WriteStringValue(p);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // lists of 100,000 keys start fast too
    public static void WriteKeys(Utf8JsonWriter w, ImmichKeyStore.Slot[] keys)
    {
        w.WriteStartArray();
        foreach (var slot in keys) WriteKey(w, slot.Key);
        w.WriteEndArray();
    }

    /// <summary><c>APIKeyCreateResponseDto</c>: the only answer that ever carries the secret.</summary>
    public static void WriteCreated(Utf8JsonWriter w, string secret, ImmichApiKey key)
    {
        w.WriteStartObject();
        w.WriteString("secret", secret);
        w.WritePropertyName("apiKey");
        WriteKey(w, key);
        w.WriteEndObject();
    }
}
