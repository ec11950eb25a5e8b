using System.Text.Json;

namespace Sandbox.Immich;

/// <summary>
/// Reads an Immich request body the way Express's JSON parser does: no JSON content type or an
/// empty body gives <c>{}</c> (validation then reports the missing fields); malformed JSON is a
/// 400 with the parser's message.
/// </summary>
public static class ImmichRequestBody
{
    public readonly record struct Result(JsonDocument? Document, string? Error)
    {
        public JsonElement? Property(string name)
        {
            if (Document is null || Document.RootElement.ValueKind != JsonValueKind.Object) return null;
            return Document.RootElement.TryGetProperty(name, out var value) ? value : null;
        }
    }

    public static async Task<Result> ReadAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType;
        if (contentType is null || !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
            return new Result(null, null);
        try
        {
            return new Result(await Common.JsonResponse.ReadDocumentAsync(context), null);
        }
        catch (JsonException e)
        {
            return new Result(null, $"Unexpected token in JSON at position {e.BytePositionInLine ?? 0}");
        }
    }
}
