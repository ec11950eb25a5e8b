using System.Text.Json;

namespace Sandbox.TrueNas;

/// <summary>
/// Who is calling: a user session (password login, or a 25.04+ user-linked key) or, before
/// 25.04, an unowned API key (root-equivalent on CORE 13, allowlist-bound on 24.10).
/// </summary>
public sealed record TrueNasCaller(TrueNasUser? User, TrueNasKey? ApiKey)
{
    public bool IsUserSession => User is not null;
    public bool FullAdmin => User?.FullAdmin ?? true;
}

/// <summary>Outcome of checking a presented key (REST Bearer or <c>API_KEY_PLAIN</c>), as PAM would answer.</summary>
public enum TrueNasKeyCheck
{
    Success,
    /// <summary>PAM_AUTH_ERR / PAM_USER_UNKNOWN: unknown id, wrong secret, wrong owner, revoked.</summary>
    AuthError,
    /// <summary>PAM_CRED_EXPIRED: the key has passed its <c>expires_at</c>.</summary>
    Expired,
}

/// <summary>
/// The <c>api_key</c> service shared by REST and JSON-RPC (contracts-truenas.md section 2): the
/// methods, their validation in middlewared's order and messages, and key authentication.
/// Results are JSON writers so both transports send exactly the same body.
/// </summary>
public sealed class TrueNasApiKeys(TrueNasFlavour flavour, TrueNasStore store)
{
    public const int PerUserLimit = 10;

    public TrueNasFlavour Flavour => flavour;
    public TrueNasStore Store => store;

    private IEnumerable<ITrueNasEntry> Rows(int view, IEnumerable<TrueNasKey> keys) =>
        keys.Select(k => TrueNasEntries.Key(k, view, flavour, store));

    // ---- query, get_instance, my_keys ----

    public Action<Utf8JsonWriter> Query(TrueNasCaller caller, JsonElement? filters, JsonElement? options, int view)
    {
        var f = TrueNasQuery.ParseFilters(filters);
        var o = TrueNasQuery.ParseOptions(options, flavour.Pydantic);
        return TrueNasQuery.Run(Rows(view, store.All()), f, o);
    }

    /// <summary>REST GET: filters from the query string, options limit/offset/count/sort.</summary>
    public Action<Utf8JsonWriter> Query(TrueNasCaller caller, TrueNasFilter[] filters, TrueNasQueryOptions options, int view) =>
        TrueNasQuery.Run(Rows(view, store.All()), filters, options);

    /// <summary><c>get_instance(id)</c>: the entry or InstanceNotFound (a ValidationError with no attribute, ENOENT).</summary>
    public Action<Utf8JsonWriter> GetInstance(TrueNasCaller caller, int id, JsonElement? options, int view)
    {
        var o = TrueNasQuery.ParseOptions(options, flavour.Pydantic);
        var key = store.Find(id) ?? throw NotFound(id);
        o.Get = true;
        return TrueNasQuery.Run([TrueNasEntries.Key(key, view, flavour, store)], [], o);
    }

    /// <summary><c>api_key.query([["id","=",id]], {"get": true})</c>: the entry or MatchNotFound (REST GET /id/{id}).</summary>
    public Action<Utf8JsonWriter> QueryGet(int id, int view)
    {
        var key = store.Find(id) ?? throw new TrueNasMatchNotFound();
        return TrueNasEntries.Key(key, view, flavour, store).Write;
    }

    public Action<Utf8JsonWriter> MyKeys(TrueNasCaller caller, int view)
    {
        if (caller.User is not { } user) throw new TrueNasCallError("Not a user session");
        var mine = store.All().Where(k => k.OwnerId == user.Id);
        return TrueNasQuery.Run(Rows(view, mine), [], new TrueNasQueryOptions());
    }

    private static TrueNasValidationException NotFound(int id) =>
        new(null, $"ApiKey {id} does not exist", Errno.ENOENT);

    // ---- create ----

    public Action<Utf8JsonWriter> Create(TrueNasCaller caller, JsonElement? arg, int view)
    {
        var input = TrueNasInput.Create(arg, flavour);
        var secret = TrueNasKeyHash.NewSecret();
        var (salt, digest) = TrueNasKeyHash.Hash(secret);
        var now = TrueNasDate.Now().Wire.Ms;
        TrueNasKey key;
        lock (store.Gate)
        {
            if (flavour.UserKeys)
            {
                PrivilegeCheck(caller, input.Username!);
                var errors = new TrueNasErrorList();
                Validate("api_key_create", input.Name!, input.ExpiresAt, null, errors);
                var user = store.UserByName(input.Username!);
                if (user is null) errors.Add("api_key_create", "User does not exist.");
                else if (user.Roles.Length == 0) errors.Add("api_key_create", "User lacks privilege role membership.");
                if (user is not null && flavour.PerUserLimit && store.KeysOwnedBy(user.Id) >= PerUserLimit)
                    errors.Add("api_key_create.username",
                        $"User already meets or exceeds maximum per-user API key limit of {PerUserLimit}");
                errors.Check();
                key = new TrueNasKey
                {
                    Id = store.NextId(), Name = input.Name!, CreatedAtMs = now, OwnerId = user!.Id,
                    ExpirySeconds = input.ExpiresAt is { } exp ? exp.Seconds : 0,
                    Salt = salt, Digest = digest,
                };
            }
            else
            {
                if (store.NameTaken(input.Name!, null))
                    throw new TrueNasValidationException("api_key_create.name", "Object with this name already exists");
                key = new TrueNasKey
                {
                    Id = store.NextId(), Name = input.Name!, CreatedAtMs = now,
                    Allowlist = input.Allowlist ?? [], Salt = salt, Digest = digest,
                };
            }
            store.Insert(key);
        }
        return TrueNasEntries.KeyWithSecret(key, secret, view, flavour, store).Write;
    }

    /// <summary>
    /// The 25.04+ <c>_validate</c>: name unique among other keys, and an expiry (the merged one,
    /// on update) not in the past. Attribute is the schema name itself.
    /// </summary>
    private void Validate(string schema, string name, TrueNasDate? expiresAt, int? id, TrueNasErrorList errors)
    {
        if (store.NameTaken(name, id)) errors.Add(schema, "name must be unique");
        if (expiresAt is { } exp && exp.Ms < TrueNasDate.Now().Ms) errors.Add(schema, "Expiration date is in the past");
    }

    private static void PrivilegeCheck(TrueNasCaller caller, string username)
    {
        if (caller.User is not { } user || user.FullAdmin || user.Roles.Contains("API_KEY_WRITE")) return;
        if (user.Username != username)
            throw new TrueNasCallError(
                $"{user.Username}: authenticated user lacks privileges to create or modify API keys of other users.",
                Errno.EACCES);
    }

    // ---- update (rename, expiry, allowlist, reset) ----

    public Action<Utf8JsonWriter> Update(TrueNasCaller caller, int id, JsonElement? arg, int view)
    {
        var input = TrueNasInput.Update(arg, flavour);
        string? secret = null;
        byte[]? salt = null, digest = null;
        if (input.Reset)
        {
            secret = TrueNasKeyHash.NewSecret();
            (salt, digest) = TrueNasKeyHash.Hash(secret);
        }
        TrueNasKey updated;
        lock (store.Gate)
        {
            var old = store.Find(id);
            if (flavour.UserKeys)
            {
                // 25.04+: api_key.query([["id","=",id]], {"get": True}) -> MatchNotFound.
                if (old is null) throw new TrueNasMatchNotFound();
                var owner = old.OwnerId is int o ? store.UserById(o) : null;
                PrivilegeCheck(caller, owner?.Username ?? "");
                var name = input.Name ?? old.Name;
                TrueNasDate? expires = input.HasExpiresAt
                    ? input.ExpiresAt
                    : old.ExpirySeconds > 0 ? new TrueNasDate(old.ExpirySeconds * 1000) : null;
                var errors = new TrueNasErrorList();
                Validate("api_key_update", name, expires, id, errors);
                errors.Check();
                updated = old with
                {
                    Name = name,
                    ExpirySeconds = expires is { } e ? e.Seconds : 0,
                };
                if (input.Reset)
                {
                    // A reset clears `revoked`; `revoked_reason` stays in the row (25.10 code reading, UNCONFIRMED).
                    updated = updated with { Salt = salt!, Digest = digest!, Revoked = false };
                }
            }
            else
            {
                if (old is null) throw NotFound(id);
                if (input.Name is not null && store.NameTaken(input.Name, id))
                    throw new TrueNasValidationException("api_key_update.name", "Object with this name already exists");
                updated = old with
                {
                    Name = input.Name ?? old.Name,
                    Allowlist = input.Allowlist ?? old.Allowlist,
                };
                if (input.Reset) updated = updated with { Salt = salt!, Digest = digest! };
            }
            store.Replace(updated);
        }
        return secret is null
            ? TrueNasEntries.Key(updated, view, flavour, store).Write
            : TrueNasEntries.KeyWithSecret(updated, secret, view, flavour, store).Write;
    }

    // ---- delete ----

    public Action<Utf8JsonWriter> Delete(TrueNasCaller caller, int id)
    {
        lock (store.Gate)
        {
            var key = store.Find(id) ?? throw NotFound(id);
            if (flavour.UserKeys)
            {
                var owner = key.OwnerId is int o ? store.UserById(o) : null;
                PrivilegeCheck(caller, owner?.Username ?? "");
            }
            store.Remove(id);
        }
        return w => w.WriteBooleanValue(true);
    }

    // ---- authentication with a key ----

    /// <summary>
    /// Checks <c>&lt;id&gt;-&lt;secret&gt;</c>. 25.04+: the key must belong to
    /// <paramref name="username"/> (null = its owner, the REST Bearer path), not be revoked and not
    /// be expired; an unusable key whose row has an <c>expires_at</c> answers Expired (the
    /// PAM_AUTHINFO_UNAVAIL mapping in <c>login_ex</c>). Older generations: id and secret only.
    /// </summary>
    public (TrueNasKeyCheck Result, TrueNasKey? Key, TrueNasUser? User) CheckKey(string? raw, string? username)
    {
        if (!TrueNasKeyHash.TryParse(raw, out var id, out var secret)) return (TrueNasKeyCheck.AuthError, null, null);
        var key = store.Find(id);
        if (key is null) return (TrueNasKeyCheck.AuthError, null, null);
        if (!flavour.UserKeys)
            return TrueNasKeyHash.IsSecret(secret) && TrueNasKeyHash.Verify(key, secret)
                ? (TrueNasKeyCheck.Success, key, null)
                : (TrueNasKeyCheck.AuthError, key, null);

        var owner = key.OwnerId is int o ? store.UserById(o) : null;
        var expired = key.ExpirySeconds > 0 && key.ExpirySeconds * 1000 <= TrueNasDate.Now().Ms;
        var inKeyring = owner is not null && !key.Revoked && !expired && (username is null || owner.Username == username);
        if (!inKeyring)
            return (key.ExpirySeconds > 0 ? TrueNasKeyCheck.Expired : TrueNasKeyCheck.AuthError, key, owner);
        if (!TrueNasKeyHash.IsSecret(secret) || !TrueNasKeyHash.Verify(key, secret)) return (TrueNasKeyCheck.AuthError, key, owner);
        // auth.authenticate_user: an account without privilege roles has no API access.
        if (owner!.Roles.Length == 0) return (TrueNasKeyCheck.AuthError, key, owner);
        return (TrueNasKeyCheck.Success, key, owner);
    }

    /// <summary><c>api_key.revoke(id, reason)</c>: DB <c>expiry = -1</c>; the reason is stored from 25.10 on.</summary>
    public void Revoke(int id, string reason)
    {
        lock (store.Gate)
        {
            if (store.Find(id) is not { } key) return;
            store.Replace(key with
            {
                Revoked = true,
                RevokedReason = flavour.HasRevokedReason ? reason : key.RevokedReason,
            });
        }
    }

    /// <summary>24.10 allowlist check: method <c>*</c> or exact, resource exact or an fnmatch glob.</summary>
    public static bool Authorize(TrueNasKey key, string method, string resource)
    {
        foreach (var item in key.Allowlist)
        {
            if (item.Method != "*" && item.Method != method) continue;
            if (item.Resource == resource || FnMatch(item.Resource, resource)) return true;
        }
        return false;
    }

    private static bool FnMatch(string pattern, string text)
    {
        var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern)
            .Replace(@"\*", ".*").Replace(@"\?", ".") + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(text, regex, System.Text.RegularExpressions.RegexOptions.Singleline);
    }
}
