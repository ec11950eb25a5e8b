using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sandbox.Common;

/// <summary>
/// Writes JSON answers with <see cref="Utf8JsonWriter"/> into one buffer, then sends it with a
/// Content-Length. Writing by hand (no reflection, no per-item DTO objects) keeps a list of
/// 100,000 keys fast, and keeps each field's exact format under the sandbox's control.
/// </summary>
public static class JsonResponse
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Node's <c>JSON.stringify</c> escapes only what JSON requires (Immich).</summary>
    public static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>ASP.NET Core's default encoder, which also escapes HTML-sensitive characters (JIM).</summary>
    public static readonly JsonWriterOptions AspNet = new();

    public static byte[] Build(Action<Utf8JsonWriter> write, JsonWriterOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, options)) write(w);
        return buffer.WrittenSpan.ToArray();
    }

    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write, JsonWriterOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, options)) write(w);
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>Reads the whole request body as a JSON document; null when the body is empty.</summary>
    public static async Task<JsonDocument?> ReadDocumentAsync(HttpContext context, JsonDocumentOptions options = default)
    {
        using var ms = new MemoryStream();
        await context.Request.Body.CopyToAsync(ms, context.RequestAborted);
        if (ms.Length == 0) return null;
        return JsonDocument.Parse(ms.GetBuffer().AsMemory(0, (int)ms.Length), options);
    }
}
