using System.Text.Json;

namespace Sandbox.TrueNas;

/// <summary>A validated <c>api_key_create</c> / <c>api_key_update</c> argument.</summary>
public sealed class TrueNasKeyInput
{
    public string? Name { get; set; }
    public string? Username { get; set; }
    public bool HasExpiresAt { get; set; }
    public TrueNasDate? ExpiresAt { get; set; }
    public TrueNasAllowItem[]? Allowlist { get; set; }
    public bool Reset { get; set; }
}

/// <summary>
/// Argument validation per generation. 24.10+ validates with pydantic models (<c>extra="forbid"</c>,
/// <c>strict=True</c>) and pydantic's messages (<c>Field required</c>, <c>Extra inputs are not
/// permitted</c>, <c>Input should be a valid string</c>, ...); CORE 13 with the legacy schema
/// (<c>attribute required</c>, <c>Field was not expected</c>, <c>Empty value not allowed</c>, ...).
/// Attributes are dotted paths under the argument name, e.g. <c>api_key_create.name</c>.
/// </summary>
public static class TrueNasInput
{
    private static readonly string[] AllowMethods = ["GET", "POST", "PUT", "DELETE", "CALL", "SUBSCRIBE", "*"];
    private const string AllowMethodsMessage = "Input should be 'GET', 'POST', 'PUT', 'DELETE', 'CALL', 'SUBSCRIBE' or '*'";

    /// <summary>Validates the create argument (<c>api_key_create</c>).</summary>
    public static TrueNasKeyInput Create(JsonElement? arg, TrueNasFlavour flavour) =>
        Parse(arg, flavour, "api_key_create", create: true);

    /// <summary>Validates the update argument (<c>api_key_update</c>).</summary>
    public static TrueNasKeyInput Update(JsonElement? arg, TrueNasFlavour flavour) =>
        Parse(arg, flavour, "api_key_update", create: false);

    private static TrueNasKeyInput Parse(JsonElement? arg, TrueNasFlavour flavour, string schema, bool create)
    {
        var pyd = flavour.Pydantic;
        var model = create ? "ApiKeyCreate" : "ApiKeyUpdate";
        if (arg is not JsonElement e)
        {
            if (create || pyd) throw new TrueNasValidationException(schema, pyd ? "Field required" : "attribute required");
            return new TrueNasKeyInput();
        }
        if (e.ValueKind != JsonValueKind.Object)
            throw new TrueNasValidationException(schema, pyd ? $"Input should be a valid dictionary or instance of {model}" : "A dict was expected");

        var allowed = new HashSet<string>(StringComparer.Ordinal) { "name" };
        if (flavour.HasAllowlist) allowed.Add("allowlist");
        if (flavour.UserKeys)
        {
            if (create) allowed.Add("username");
            allowed.Add("expires_at");
        }
        if (!create) allowed.Add("reset");

        var input = new TrueNasKeyInput();
        var errors = new TrueNasErrorList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            var attr = $"{schema}.{p.Name}";
            if (!allowed.Contains(p.Name))
            {
                errors.Add(attr, pyd ? "Extra inputs are not permitted" : "Field was not expected");
                continue;
            }
            seen.Add(p.Name);
            var v = p.Value;
            switch (p.Name)
            {
                case "name":
                    input.Name = NonEmptyString(v, attr, pyd, errors, maxLength: 200);
                    break;
                case "username":
                    if (v.ValueKind != JsonValueKind.String) errors.Add(attr, "Input should be a valid string");
                    else if (v.GetString()!.Length == 0) errors.Add(attr, "String should have at least 1 character");
                    else input.Username = v.GetString();
                    break;
                case "expires_at":
                    input.HasExpiresAt = true;
                    if (v.ValueKind == JsonValueKind.Null) input.ExpiresAt = null;
                    else if (TrueNasValues.TryDate(v, out var date)) input.ExpiresAt = date;
                    else errors.Add(attr, "Input should be a valid datetime"); // strict: ISO strings are refused
                    break;
                case "allowlist":
                    input.Allowlist = Allowlist(v, attr, errors);
                    break;
                case "reset":
                    if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) input.Reset = v.GetBoolean();
                    else errors.Add(attr, pyd ? "Input should be a valid boolean" : "Not a boolean");
                    break;
            }
        }
        if (create)
        {
            if (!seen.Contains("name")) errors.Add($"{schema}.name", pyd ? "Field required" : "attribute required");
            // 24.10: ApiKeyCreate = entry minus id/created_at, and allowlist has no default.
            if (flavour.HasAllowlist && !seen.Contains("allowlist")) errors.Add($"{schema}.allowlist", "Field required");
            if (flavour.UserKeys && !seen.Contains("username")) errors.Add($"{schema}.username", "Field required");
        }
        errors.Check();
        return input;
    }

    private static string? NonEmptyString(JsonElement v, string attr, bool pyd, TrueNasErrorList errors, int maxLength)
    {
        if (v.ValueKind != JsonValueKind.String)
        {
            errors.Add(attr, pyd ? "Input should be a valid string" : "Not a string");
            return null;
        }
        var s = v.GetString()!;
        if (s.Length == 0)
        {
            errors.Add(attr, pyd ? "String should have at least 1 character" : "Empty value not allowed");
            return null;
        }
        if (pyd && s.Length > maxLength)
        {
            errors.Add(attr, $"String should have at most {maxLength} characters");
            return null;
        }
        return s;
    }

    private static TrueNasAllowItem[]? Allowlist(JsonElement v, string attr, TrueNasErrorList errors)
    {
        if (v.ValueKind != JsonValueKind.Array)
        {
            errors.Add(attr, "Input should be a valid list");
            return null;
        }
        var items = new List<TrueNasAllowItem>();
        var i = 0;
        var ok = true;
        foreach (var item in v.EnumerateArray())
        {
            var itemAttr = $"{attr}.{i++}";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(itemAttr, "Input should be a valid dictionary or instance of AllowListItem");
                ok = false;
                continue;
            }
            string? method = null, resource = null;
            foreach (var p in item.EnumerateObject())
            {
                var fieldAttr = $"{itemAttr}.{p.Name}";
                switch (p.Name)
                {
                    case "method":
                        if (p.Value.ValueKind == JsonValueKind.String && Array.IndexOf(AllowMethods, p.Value.GetString()) >= 0)
                            method = p.Value.GetString();
                        else errors.Add(fieldAttr, AllowMethodsMessage);
                        break;
                    case "resource":
                        resource = NonEmptyString(p.Value, fieldAttr, true, errors, int.MaxValue);
                        break;
                    default:
                        errors.Add(fieldAttr, "Extra inputs are not permitted");
                        break;
                }
            }
            if (!item.TryGetProperty("method", out _)) errors.Add($"{itemAttr}.method", "Field required");
            if (!item.TryGetProperty("resource", out _)) errors.Add($"{itemAttr}.resource", "Field required");
            if (method is null || resource is null) ok = false;
            else items.Add(new TrueNasAllowItem(method, resource));
        }
        return ok ? items.ToArray() : null;
    }

    // ---- simple positional arguments ----

    /// <summary>An <c>int</c> argument (strict: no strings, no booleans).</summary>
    public static int Int(JsonElement? arg, string attr)
    {
        if (arg is not JsonElement e) throw new TrueNasValidationException(attr, "Field required");
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var n)) return n;
        throw new TrueNasValidationException(attr, "Input should be a valid integer");
    }

    /// <summary>A <c>str</c> argument.</summary>
    public static string Str(JsonElement? arg, string attr)
    {
        if (arg is not JsonElement e) throw new TrueNasValidationException(attr, "Field required");
        if (e.ValueKind == JsonValueKind.String) return e.GetString()!;
        throw new TrueNasValidationException(attr, "Input should be a valid string");
    }
}
