using System.Text.Json;

namespace Sandbox.Immich;

/// <summary>
/// One request-validation failure, in both of Immich's forms: the class-validator sentence of
/// 1.x/2.x (an item of the <c>message</c> array) and the zod issue of 3.x (an item of
/// <c>errors</c>, with <c>code</c>, <c>path</c> and <c>message</c>). The two validators do not
/// report the same number of problems, so either form may be absent (null) for an issue.
/// </summary>
public sealed record ImmichValidationIssue(string? LegacyMessage, string? ZodCode, object[] Path, string ZodMessage,
    Action<Utf8JsonWriter>? ZodDetails = null)
{
    public void WriteZod(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        ZodDetails?.Invoke(w);
        w.WriteString("code", ZodCode);
        w.WriteStartArray("path");
        foreach (var segment in Path)
        {
            if (segment is int index) w.WriteNumberValue(index);
            else w.WriteStringValue(segment.ToString());
        }
        w.WriteEndArray();
        w.WriteString("message", ZodMessage);
        w.WriteEndObject();
    }

    public static ImmichValidationIssue NotUuid(string field) =>
        new($"{field} must be a UUID", "invalid_format", [field], "Invalid UUID", w =>
        {
            w.WriteString("origin", "string");
            w.WriteString("format", "uuid");
        });

    public static ImmichValidationIssue WrongType(string field, string expected, string received, string legacy) =>
        new(legacy, "invalid_type", [field], $"Invalid input: expected {expected}, received {received}",
            w => w.WriteString("expected", expected));

    /// <summary>The JavaScript type name zod reports for a JSON value (<c>undefined</c> when absent).</summary>
    public static string Received(JsonElement? value) => value?.ValueKind switch
    {
        null => "undefined",
        JsonValueKind.Null => "null",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        _ => "object",
    };
}
