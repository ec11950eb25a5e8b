using Microsoft.AspNetCore.WebUtilities;

namespace Sandbox.Immich;

/// <summary>
/// Immich's error bodies per line (contracts-immich.md "Error body format"):
/// 1.106-2.7 <c>{"message","error","statusCode","correlationId"}</c> with class-validator
/// messages as an array; 3.x <c>{"message"}</c>, validation <c>{"message":"Validation failed","errors"}</c>
/// and the correlation id only in the X-Correlation-ID header.
/// </summary>
public sealed class ImmichErrors(ImmichVersionLine line)
{
    public const string CorrelationItem = "immich.correlationId";

    public static string CorrelationId(HttpContext context) =>
        context.Items.TryGetValue(CorrelationItem, out var id) && id is string s ? s : NewCorrelationId();

    public static string NewCorrelationId() => Guid.NewGuid().ToString("N")[..12];

    public Task WriteAsync(HttpContext context, int status, string message) =>
        Common.JsonResponse.WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("message", message);
            if (!line.SlimErrors)
            {
                w.WriteString("error", ReasonPhrases.GetReasonPhrase(status));
                w.WriteNumber("statusCode", status);
                w.WriteString("correlationId", CorrelationId(context));
            }
            w.WriteEndObject();
        }, Common.JsonResponse.Relaxed);

    public Task WriteValidationAsync(HttpContext context, IReadOnlyList<ImmichValidationIssue> issues) =>
        Common.JsonResponse.WriteAsync(context, 400, w =>
        {
            w.WriteStartObject();
            if (line.SlimErrors)
            {
                w.WriteString("message", "Validation failed");
                w.WriteStartArray("errors");
                foreach (var issue in issues)
                    if (issue.ZodCode is not null) issue.WriteZod(w);
                w.WriteEndArray();
            }
            else
            {
                w.WriteStartArray("message");
                foreach (var issue in issues)
                    if (issue.LegacyMessage is not null) w.WriteStringValue(issue.LegacyMessage);
                w.WriteEndArray();
                w.WriteString("error", "Bad Request");
                w.WriteNumber("statusCode", 400);
                w.WriteString("correlationId", CorrelationId(context));
            }
            w.WriteEndObject();
        }, Common.JsonResponse.Relaxed);
}
