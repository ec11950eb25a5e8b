using System.Diagnostics;
using System.Text.Json;
using Sandbox.Common;

namespace Sandbox.Jim;

/// <summary>
/// JIM's error answers (contracts-jim.md "Status codes and error bodies"): ApiErrorResponse for
/// handled errors (with <c>code</c> "" in the keys controller), the ASP.NET validation problem for
/// model-binding failures, a JSON 401 from the auth handler and an empty 403.
/// </summary>
public static class JimErrors
{
    public static Task ApiErrorAsync(HttpContext context, int status, string code, string message) =>
        JsonResponse.WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("code", code);
            w.WriteString("message", message);
            w.WriteNull("details");
            w.WriteNull("validationErrors");
            JimClock.WriteFresh(w, "timestamp", JimClock.Now());
            w.WriteEndObject();
        }, JsonResponse.AspNet);

    /// <summary>All five failure cases (missing, malformed, unknown, disabled, expired) look the same.</summary>
    public static Task UnauthorizedAsync(HttpContext context) =>
        JsonResponse.WriteAsync(context, 401, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", "Unauthorized");
            w.WriteString("message", "Authentication required");
            w.WriteEndObject();
        }, JsonResponse.AspNet);

    /// <summary>A valid key without the Administrator role: 403 with an empty body.</summary>
    public static void Forbidden(HttpContext context)
    {
        context.Response.StatusCode = 403;
        context.Response.ContentLength = 0;
    }

    /// <summary>The ASP.NET Core validation problem (<c>ValidationProblemDetails</c>) of a model-binding failure.</summary>
    public static Task ValidationProblemAsync(HttpContext context, IReadOnlyList<KeyValuePair<string, string>> errors) =>
        JsonResponse.WriteAsync(context, 400, w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "https://tools.ietf.org/html/rfc9110#section-15.5.1");
            w.WriteString("title", "One or more validation errors occurred.");
            w.WriteNumber("status", 400);
            w.WriteStartObject("errors");
            foreach (var group in errors.GroupBy(e => e.Key))
            {
                w.WriteStartArray(group.Key);
                foreach (var e in group) w.WriteStringValue(e.Value);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteString("traceId", TraceId(context));
            w.WriteEndObject();
        }, JsonResponse.AspNet);

    /// <summary>415 for a body that is not JSON (the <c>[FromBody]</c> input formatter's answer).</summary>
    public static Task UnsupportedMediaTypeAsync(HttpContext context) =>
        JsonResponse.WriteAsync(context, 415, w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "https://tools.ietf.org/html/rfc9110#section-15.5.16");
            w.WriteString("title", "Unsupported Media Type");
            w.WriteNumber("status", 415);
            w.WriteString("traceId", TraceId(context));
            w.WriteEndObject();
        }, JsonResponse.AspNet);

    private static string TraceId(HttpContext context) =>
        Activity.Current?.Id ?? $"00-{Guid.NewGuid():N}-{Guid.NewGuid().ToString("N")[..16]}-00";

    public static string MaxLengthMessage(string field) =>
        $"The field {field} must be a string with a maximum length of 1000.";

    /// <summary>One entry of a validation problem's <c>errors</c> object (field or JSON path, message).</summary>
    public static KeyValuePair<string, string> Error(string key, string message) => new(key, message);
}
