using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Sandbox.Jim;

/// <summary>
/// JIM's DTOs on the wire (contracts-jim.md "JSON shapes"): ApiKeyDto, ApiKeyCreateResponseDto
/// (<c>key</c> first) and RoleDto. Timestamps of a key in its create answer are fresh values;
/// everywhere else they are read back from the database (see <see cref="JimClock"/>).
/// </summary>
public static class JimJson
{
    public static void WriteKey(Utf8JsonWriter w, JimApiKey key, IReadOnlyDictionary<int, JimRole> roles,
        string? plainKey = null)
    {
        var fresh = plainKey is not null;
        w.WriteStartObject();
        if (fresh) w.WriteString("key", plainKey);
        w.WriteString("id", key.Id);
        w.WriteString("name", key.Name);
        w.WriteString("description", key.Description);
        w.WriteString("keyPrefix", key.KeyPrefix);
        if (fresh)
        {
            JimClock.WriteFresh(w, "createdAt", key.Created);
            JimClock.WriteFresh(w, "expiresAt", key.ExpiresAt);
            JimClock.WriteFresh(w, "lastUsedAt", key.LastUsedAt);
        }
        else
        {
            JimClock.WriteStored(w, "createdAt", key.Created);
            JimClock.WriteStored(w, "expiresAt", key.ExpiresAt);
            JimClock.WriteStored(w, "lastUsedAt", key.LastUsedAt);
        }
        w.WriteString("lastUsedFromIp", key.LastUsedFromIp);
        w.WriteBoolean("isEnabled", key.IsEnabled);
        w.WriteStartArray("roles");
        foreach (var id in key.RoleIds)
            if (roles.TryGetValue(id, out var role)) WriteRole(w, role);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // lists of 100,000 keys start fast too
    public static void WriteKeys(Utf8JsonWriter w, JimKeyStore.Slot[] keys, IReadOnlyDictionary<int, JimRole> roles)
    {
        w.WriteStartArray();
        foreach (var slot in keys) WriteKey(w, slot.Key, roles);
        w.WriteEndArray();
    }

    /// <summary>Roles always come from the database, so their <c>created</c> has the +00:00 form.</summary>
    public static void WriteRole(Utf8JsonWriter w, JimRole role)
    {
        w.WriteStartObject();
        w.WriteNumber("id", role.Id);
        w.WriteString("name", role.Name);
        w.WriteBoolean("builtIn", role.BuiltIn);
        JimClock.WriteStored(w, "created", role.Created);
        w.WriteNumber("staticMemberCount", role.StaticMemberCount);
        w.WriteEndObject();
    }
}
