using System.Text.Json;

namespace Sandbox.TrueNas;

/// <summary>An entry a query can filter, sort and write (with an optional <c>select</c> list).</summary>
public interface ITrueNasEntry
{
    bool TryGet(string name, out object? value);

    void Write(Utf8JsonWriter w, List<string>? select);
}

/// <summary>One entry as an ordered list of (field, value): written as a JSON object, filtered and sorted by field.</summary>
public sealed class TrueNasRow(List<KeyValuePair<string, object?>> fields) : ITrueNasEntry
{
    public List<KeyValuePair<string, object?>> Fields { get; } = fields;

    public bool TryGet(string name, out object? value)
    {
        foreach (var f in Fields)
        {
            if (f.Key == name)
            {
                value = f.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    public object? Get(string name) => TryGet(name, out var v) ? v : null;

    public TrueNasRow With(string name, object? value)
    {
        var copy = new List<KeyValuePair<string, object?>>(Fields.Count + 1);
        var replaced = false;
        foreach (var f in Fields)
        {
            if (f.Key == name)
            {
                copy.Add(new(name, value));
                replaced = true;
            }
            else copy.Add(f);
        }
        if (!replaced) copy.Add(new(name, value));
        return new TrueNasRow(copy);
    }

    public void Write(Utf8JsonWriter w) => Write(w, null);

    public void Write(Utf8JsonWriter w, List<string>? select)
    {
        w.WriteStartObject();
        if (select is null || select.Count == 0)
        {
            foreach (var f in Fields)
            {
                w.WritePropertyName(f.Key);
                TrueNasValues.Write(w, f.Value);
            }
        }
        else
        {
            foreach (var name in select)
            {
                if (!TryGet(name, out var v)) continue;
                w.WritePropertyName(name);
                TrueNasValues.Write(w, v);
            }
        }
        w.WriteEndObject();
    }
}

/// <summary>
/// A key as <c>api_key.query</c> returns it for a client speaking model <see cref="View"/> on a
/// server of <see cref="Flavour"/> (contracts-truenas.md section 2). Written field by field
/// without building a row, so listing 100,000 keys stays cheap; values are produced only for
/// the fields a filter or sort asks for. Full admins see <c>keyhash</c> (25.x) and the SCRAM
/// keys (26); <see cref="ExposeSecrets"/> false shows <c>********</c>.
/// </summary>
public sealed class TrueNasKeyEntry(TrueNasKey key, int view, TrueNasFlavour flavour, TrueNasStore store) : ITrueNasEntry
{
    public TrueNasKey Key => key;
    public int View => view;
    public TrueNasFlavour Flavour => flavour;
    public bool ExposeSecrets { get; init; } = true;

    /// <summary>The plain secret, for the create/reset answer only (adds <c>key</c>, and <c>client_key</c> on 26).</summary>
    public string? Secret { get; init; }

    private static readonly string[] Fields13 = ["id", "name", "created_at"];
    private static readonly string[] Fields2410 = ["id", "name", "created_at", "allowlist"];
    private static readonly string[] Fields2504 =
        ["id", "name", "username", "user_identifier", "keyhash", "created_at", "expires_at", "local", "revoked"];
    private static readonly string[] Fields2510 =
        ["id", "name", "username", "user_identifier", "keyhash", "created_at", "expires_at", "local", "revoked", "revoked_reason"];
    private static readonly string[] Fields26 =
        ["id", "name", "username", "user_identifier", "created_at", "expires_at", "local", "revoked", "revoked_reason",
         "iterations", "salt", "stored_key", "server_key"];

    public string[] FieldNames => view switch
    {
        < TrueNasFlavour.G2410 => Fields13,
        < TrueNasFlavour.G2504 => Fields2410,
        < TrueNasFlavour.G2510 => Fields2504,
        < TrueNasFlavour.G26 => Fields2510,
        _ => Fields26,
    };

    private TrueNasUser? _owner;
    private bool _ownerResolved;

    private TrueNasUser? Owner
    {
        get
        {
            if (!_ownerResolved)
            {
                _owner = key.OwnerId is int id ? store.UserById(id) : null;
                _ownerResolved = true;
            }
            return _owner;
        }
    }

    public bool TryGet(string name, out object? value)
    {
        if (Array.IndexOf(FieldNames, name) < 0 && !(Secret is not null && (name == "key" || (name == "client_key" && view >= TrueNasFlavour.G26))))
        {
            value = null;
            return false;
        }
        value = name switch
        {
            "id" => key.Id,
            "name" => key.Name,
            "created_at" => new TrueNasDate(key.CreatedAtMs),
            "allowlist" => key.Allowlist,
            "username" => Username,
            "user_identifier" => key.OwnerId is int uid ? uid : "LEGACY_API_KEY",
            "keyhash" => ExposeSecrets ? TrueNasKeyHash.KeyHashField(key) : "********",
            "expires_at" => key.ExpirySeconds > 0 ? new TrueNasDate(key.ExpirySeconds * 1000) : null,
            "local" => true,
            "revoked" => Revoked,
            "revoked_reason" => key.RevokedReason,
            "iterations" => TrueNasKeyHash.Iterations,
            "salt" => Convert.ToBase64String(key.Salt),
            "stored_key" => ExposeSecrets ? TrueNasKeyHash.Scram(key).StoredKey : "********",
            "server_key" => ExposeSecrets ? TrueNasKeyHash.Scram(key).ServerKey : "********",
            "key" => $"{key.Id}-{Secret}",
            "client_key" => TrueNasKeyHash.Scram(key).ClientKey,
            _ => null,
        };
        return true;
    }

    /// <summary>25.10 "to_previous": clients of an older API version see "" where 25.10 has null.</summary>
    private string? Username
    {
        get
        {
            var name = Owner?.Username;
            if (name is null && flavour.Rank >= TrueNasFlavour.G2510 && view < TrueNasFlavour.G2510) return "";
            return name;
        }
    }

    /// <summary>A key whose owner cannot be resolved is reported revoked.</summary>
    private bool Revoked => key.Revoked || (view >= TrueNasFlavour.G2504 && Owner is null);

    public void Write(Utf8JsonWriter w) => Write(w, null);

    public void Write(Utf8JsonWriter w, List<string>? select)
    {
        if (select is { Count: > 0 })
        {
            w.WriteStartObject();
            foreach (var name in select)
            {
                if (!TryGet(name, out var v)) continue;
                w.WritePropertyName(name);
                TrueNasValues.Write(w, v);
            }
            w.WriteEndObject();
            return;
        }
        w.WriteStartObject();
        w.WriteNumber("id", key.Id);
        w.WriteString("name", key.Name);
        if (view < TrueNasFlavour.G2504)
        {
            WriteDate(w, "created_at", key.CreatedAtMs);
            if (view >= TrueNasFlavour.G2410)
            {
                w.WritePropertyName("allowlist");
                TrueNasValues.Write(w, key.Allowlist);
            }
        }
        else
        {
            if (Username is { } username) w.WriteString("username", username);
            else w.WriteNull("username");
            if (key.OwnerId is int uid) w.WriteNumber("user_identifier", uid);
            else w.WriteString("user_identifier", "LEGACY_API_KEY");
            if (view < TrueNasFlavour.G26) w.WriteString("keyhash", ExposeSecrets ? TrueNasKeyHash.KeyHashField(key) : "********");
            WriteDate(w, "created_at", key.CreatedAtMs);
            if (key.ExpirySeconds > 0) WriteDate(w, "expires_at", key.ExpirySeconds * 1000);
            else w.WriteNull("expires_at");
            w.WriteBoolean("local", true);
            w.WriteBoolean("revoked", Revoked);
            if (view >= TrueNasFlavour.G2510)
            {
                if (key.RevokedReason is { } reason) w.WriteString("revoked_reason", reason);
                else w.WriteNull("revoked_reason");
            }
            if (view >= TrueNasFlavour.G26)
            {
                w.WriteNumber("iterations", TrueNasKeyHash.Iterations);
                w.WriteString("salt", Convert.ToBase64String(key.Salt));
                var (_, stored, server) = TrueNasKeyHash.Scram(key);
                w.WriteString("stored_key", ExposeSecrets ? stored : "********");
                w.WriteString("server_key", ExposeSecrets ? server : "********");
            }
        }
        if (Secret is not null)
        {
            w.WriteString("key", $"{key.Id}-{Secret}");
            if (view >= TrueNasFlavour.G26) w.WriteString("client_key", TrueNasKeyHash.Scram(key).ClientKey);
        }
        w.WriteEndObject();
    }

    private static void WriteDate(Utf8JsonWriter w, string name, long ms)
    {
        w.WriteStartObject(name);
        w.WriteNumber("$date", new TrueNasDate(ms).Wire.Ms);
        w.WriteEndObject();
    }
}

/// <summary>
/// How entries look per model generation (contracts-truenas.md section 2): the field set and
/// order of <c>ApiKeyEntry</c>, the user object of <c>auth.me</c> and a <c>user.query</c> subset.
/// </summary>
public static class TrueNasEntries
{
    public static TrueNasKeyEntry Key(TrueNasKey k, int view, TrueNasFlavour flavour, TrueNasStore store) =>
        new(k, view, flavour, store);

    /// <summary>The create/reset answer: the entry plus <c>key</c> (and <c>client_key</c> on 26).</summary>
    public static TrueNasKeyEntry KeyWithSecret(TrueNasKey k, string secret, int view, TrueNasFlavour flavour, TrueNasStore store) =>
        new(k, view, flavour, store) { Secret = secret };

    /// <summary><c>auth.me</c>: <c>user.get_user_obj</c> plus privilege, account attributes, 2FA and UI attributes.</summary>
    public static TrueNasRow Me(TrueNasUser u, bool viaApiKey)
    {
        var attributes = new List<string> { "LOCAL" };
        if (u.Uid == 0) attributes.Add("SYS_ADMIN");
        if (viaApiKey) attributes.Add("API_KEY");
        return new TrueNasRow(
        [
            new("pw_name", u.Username),
            new("pw_gecos", u.FullName),
            new("pw_dir", u.Home),
            new("pw_shell", u.Shell),
            new("pw_uid", u.Uid),
            new("pw_gid", u.Gid),
            new("grouplist", new[] { u.Gid, 544 }),
            new("sid", null),
            new("source", "LOCAL"),
            new("local", true),
            new("privilege", (Action<Utf8JsonWriter>)(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("roles");
                foreach (var r in u.Roles) w.WriteStringValue(r);
                w.WriteEndArray();
                w.WriteStartArray("allowlist");
                if (u.FullAdmin)
                {
                    w.WriteStartObject();
                    w.WriteString("method", "*");
                    w.WriteString("resource", "*");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteBoolean("web_shell", u.FullAdmin);
                w.WriteEndObject();
            })),
            new("account_attributes", attributes.ToArray()),
            new("attributes", (Action<Utf8JsonWriter>)(w =>
            {
                w.WriteStartObject();
                w.WriteEndObject();
            })),
            new("two_factor_config", (Action<Utf8JsonWriter>)(w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("secret_configured", false);
                w.WriteNumber("interval", 30);
                w.WriteNumber("otp_digits", 6);
                w.WriteEndObject();
            })),
        ]);
    }

    /// <summary>A <c>user.query</c> entry (the fields a key client needs; 25.04+ adds <c>api_keys</c>).</summary>
    public static TrueNasRow User(TrueNasUser u, TrueNasFlavour flavour, TrueNasStore store)
    {
        var f = new List<KeyValuePair<string, object?>>
        {
            new("id", u.Id),
            new("uid", u.Uid),
            new("username", u.Username),
            new("home", u.Home),
            new("shell", u.Shell),
            new("full_name", u.FullName),
            new("builtin", u.Builtin),
            new("locked", false),
            new("password_disabled", u.PasswordHash is null),
            new("local", true),
            new("sid", null),
            new("roles", u.Roles),
        };
        if (flavour.UserKeys) f.Add(new("api_keys", store.KeyIdsOwnedBy(u.Id)));
        return new TrueNasRow(f);
    }
}
