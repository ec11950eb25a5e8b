using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sandbox.Tests;

/// <summary>
/// A small validator for the saved Immich OpenAPI spec (shared/contracts/immich-openapi.json,
/// v3.1.0): resolves <c>$ref</c>, checks required properties, JSON types, <c>nullable</c>,
/// <c>enum</c>, <c>minItems</c>, integer bounds, <c>pattern</c> and the <c>date-time</c>,
/// <c>uuid</c> and <c>email</c> formats. Older Immich lines differ from 3.1 in a known way, so a
/// caller may swap an enum (the Permission list of 1.x/2.x) or waive a required field.
/// </summary>
public sealed class OpenApiSchema
{
    private static readonly Lazy<OpenApiSchema> Shared = new(() => Load(TestPaths.ImmichOpenApi));
    private readonly JsonElement _root;

    private OpenApiSchema(JsonElement root) => _root = root;

    public static OpenApiSchema Immich => Shared.Value;

    public static OpenApiSchema Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"the Immich OpenAPI spec is missing (set APIKEYS_IMMICH_OPENAPI): {path}", path);
        using var stream = File.OpenRead(path);
        return new OpenApiSchema(JsonDocument.Parse(stream).RootElement.Clone());
    }

    public JsonElement Component(string name) => _root.GetProperty("components").GetProperty("schemas").GetProperty(name);

    /// <summary>The response schema of <c>method path</c> for <c>status</c>, as the spec states it.</summary>
    public JsonElement ResponseSchema(string path, string method, int status) =>
        _root.GetProperty("paths").GetProperty(path).GetProperty(method.ToLowerInvariant())
            .GetProperty("responses").GetProperty(status.ToString(CultureInfo.InvariantCulture))
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");

    public sealed class Options
    {
        /// <summary>Replacement enum values by component name (e.g. "Permission").</summary>
        public Dictionary<string, string[]> Enums { get; } = [];

        /// <summary>Required properties the checked version does not have (e.g. "prerelease" before 3.0).</summary>
        public HashSet<string> Waived { get; } = [];
    }

    /// <summary>Every violation, as "$.path: problem"; empty when the value conforms.</summary>
    public List<string> Validate(JsonElement value, JsonElement schema, Options? options = null)
    {
        var errors = new List<string>();
        Check(value, schema, "$", options ?? new Options(), errors, null);
        return errors;
    }

    public void AssertValid(JsonElement value, JsonElement schema, Options? options = null)
    {
        var errors = Validate(value, schema, options);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\nvalue: " + value.GetRawText()[..Math.Min(2000, value.GetRawText().Length)]);
    }

    public void AssertValid(JsonElement value, string component, Options? options = null) =>
        AssertValid(value, Component(component), options);

    private void Check(JsonElement value, JsonElement schema, string at, Options options, List<string> errors, string? refName)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            Check(value, Component(name), at, options, errors, name);
            return;
        }
        foreach (var combinator in new[] { "allOf", "oneOf", "anyOf" })
        {
            if (!schema.TryGetProperty(combinator, out var parts)) continue;
            var results = parts.EnumerateArray().Select(p =>
            {
                var e = new List<string>();
                Check(value, p, at, options, e, null);
                return e;
            }).ToList();
            var ok = combinator == "allOf" ? results.All(r => r.Count == 0) : results.Any(r => r.Count == 0);
            if (!ok) errors.AddRange(results.SelectMany(r => r).DefaultIfEmpty($"{at}: matches no {combinator} branch"));
            return;
        }
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!(schema.TryGetProperty("nullable", out var n) && n.GetBoolean())) errors.Add($"{at}: null but not nullable");
            return;
        }
        var type = schema.TryGetProperty("type", out var t) ? t.GetString() : null;
        switch (type)
        {
            case "object":
                if (value.ValueKind != JsonValueKind.Object) { errors.Add($"{at}: expected object, got {value.ValueKind}"); return; }
                if (schema.TryGetProperty("required", out var required))
                    foreach (var r in required.EnumerateArray().Select(r => r.GetString()!))
                        if (!value.TryGetProperty(r, out _) && !options.Waived.Contains(r)) errors.Add($"{at}: missing required '{r}'");
                if (schema.TryGetProperty("properties", out var properties))
                    foreach (var p in properties.EnumerateObject())
                        if (value.TryGetProperty(p.Name, out var child)) Check(child, p.Value, $"{at}.{p.Name}", options, errors, null);
                return;
            case "array":
                if (value.ValueKind != JsonValueKind.Array) { errors.Add($"{at}: expected array, got {value.ValueKind}"); return; }
                if (schema.TryGetProperty("minItems", out var min) && value.GetArrayLength() < min.GetInt32())
                    errors.Add($"{at}: fewer than {min.GetInt32()} items");
                if (schema.TryGetProperty("items", out var items))
                {
                    var i = 0;
                    foreach (var item in value.EnumerateArray()) Check(item, items, $"{at}[{i++}]", options, errors, null);
                }
                return;
            case "string":
                if (value.ValueKind != JsonValueKind.String) { errors.Add($"{at}: expected string, got {value.ValueKind}"); return; }
                CheckString(value.GetString()!, schema, at, options, errors, refName);
                return;
            case "integer":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number)) { errors.Add($"{at}: expected integer"); return; }
                if (schema.TryGetProperty("minimum", out var lo) && number < lo.GetDouble()) errors.Add($"{at}: below minimum");
                if (schema.TryGetProperty("maximum", out var hi) && number > hi.GetDouble()) errors.Add($"{at}: above maximum");
                return;
            case "number":
                if (value.ValueKind != JsonValueKind.Number) errors.Add($"{at}: expected number");
                return;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) errors.Add($"{at}: expected boolean");
                return;
        }
    }

    private static void CheckString(string s, JsonElement schema, string at, Options options, List<string> errors, string? refName)
    {
        if (schema.TryGetProperty("enum", out var values))
        {
            var allowed = refName is not null && options.Enums.TryGetValue(refName, out var replaced)
                ? replaced
                : values.EnumerateArray().Select(v => v.GetString()!).ToArray();
            if (!allowed.Contains(s)) errors.Add($"{at}: '{s}' is not in the {refName ?? "enum"} values");
        }
        if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(s, pattern.GetString()!))
            errors.Add($"{at}: '{s}' does not match {pattern.GetString()}");
        switch (schema.TryGetProperty("format", out var f) ? f.GetString() : null)
        {
            case "date-time":
                if (!DateTimeOffset.TryParseExact(s, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"],
                        CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                    errors.Add($"{at}: '{s}' is not an RFC 3339 date-time");
                break;
            case "uuid":
                if (!Guid.TryParseExact(s, "D", out _)) errors.Add($"{at}: '{s}' is not a UUID");
                break;
            case "email":
                if (!s.Contains('@')) errors.Add($"{at}: '{s}' is not an email");
                break;
        }
    }
}
