using System.Text.Json;

namespace Sandbox.Common;

/// <summary>
/// One <c>POST /_sandbox/faults</c> body (docs/interfaces.md section 2): counts that apply to the
/// next N matching requests, a latency for every matching request, and an optional path prefix
/// and method. Mutated only under <see cref="FaultInjector"/>'s lock.
/// </summary>
public sealed class FaultRule
{
    public int LatencyMs { get; init; }
    public int Status503 { get; set; }
    public int Status429 { get; set; }
    public int? RetryAfterSeconds { get; init; }
    public int DropMidBody { get; set; }
    public int MalformedJson { get; set; }
    public int HtmlError { get; set; }
    public string? Match { get; init; }
    public string? Method { get; init; }

    public bool HasCounts => Status503 + Status429 + DropMidBody + MalformedJson + HtmlError > 0;

    public bool Matches(string method, string path) =>
        (Match is null || path.StartsWith(Match, StringComparison.OrdinalIgnoreCase)) &&
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase));

    /// <summary>Takes one unit of the first non-zero count, in a fixed order.</summary>
    public FaultKind Consume()
    {
        if (Status503 > 0) { Status503--; return FaultKind.Status503; }
        if (Status429 > 0) { Status429--; return FaultKind.Status429; }
        if (DropMidBody > 0) { DropMidBody--; return FaultKind.DropMidBody; }
        if (MalformedJson > 0) { MalformedJson--; return FaultKind.MalformedJson; }
        if (HtmlError > 0) { HtmlError--; return FaultKind.HtmlError; }
        return FaultKind.None;
    }

    /// <summary>Reads a rule; property names are case-insensitive, unknown ones are an error.</summary>
    public static FaultRule Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new FormatException("the fault body must be a JSON object");
        int latency = 0, s503 = 0, s429 = 0, drop = 0, malformed = 0, html = 0;
        int? retryAfter = null;
        string? match = null, method = null;
        foreach (var p in body.EnumerateObject())
        {
            int Count() => p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var n) && n >= 0
                ? n
                : throw new FormatException($"{p.Name} must be a non-negative integer");
            string? Text() => p.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => p.Value.GetString(),
                _ => throw new FormatException($"{p.Name} must be a string"),
            };
            switch (p.Name.ToLowerInvariant())
            {
                case "latencyms": latency = Count(); break;
                case "status503": s503 = Count(); break;
                case "status429": s429 = Count(); break;
                case "retryafterseconds": retryAfter = Count(); break;
                case "dropmidbody": drop = Count(); break;
                case "malformedjson": malformed = Count(); break;
                case "htmlerror": html = Count(); break;
                case "match": match = Text(); break;
                case "method": method = Text(); break;
                default: throw new FormatException($"unknown fault property '{p.Name}'");
            }
        }
        return new FaultRule
        {
            LatencyMs = latency, Status503 = s503, Status429 = s429, RetryAfterSeconds = retryAfter,
            DropMidBody = drop, MalformedJson = malformed, HtmlError = html,
            Match = string.IsNullOrEmpty(match) ? null : match,
            Method = string.IsNullOrEmpty(method) ? null : method,
        };
    }
}
