using System.Text.Json;
using Sandbox.Common;

namespace Sandbox.TrueNas;

/// <summary>What happens to one JSON-RPC call.</summary>
public enum TrueNasWsFault
{
    None,
    /// <summary>Run the call, then close the WebSocket (close frame 1001) instead of answering.</summary>
    CloseMidCall,
    /// <summary>Run the call, then abort the TCP connection (no close frame) instead of answering.</summary>
    DropMidCall,
}

/// <summary>
/// The WebSocket side of <c>POST /_sandbox/faults</c> (docs/interfaces.md section 3):
/// <c>wsCloseMidCall</c> / <c>wsDropMidCall</c> counts for the next N JSON-RPC calls whose method
/// starts with <c>match</c> (all calls when absent), and <c>latencyMs</c> for every matching call.
/// The common <see cref="FaultRule"/> knows neither count, so <see cref="Middleware"/> takes them
/// out of the body before the common control route parses the rest (HTTP faults stay HTTP-only).
/// </summary>
public sealed class TrueNasWsFaults(int baseLatencyMs)
{
    private sealed class Rule
    {
        public int LatencyMs;
        public int Close;
        public int Drop;
        public string? Match;
    }

    private readonly Lock _gate = new();
    private readonly List<Rule> _rules = [];

    public void Clear()
    {
        lock (_gate) _rules.Clear();
    }

    public (int LatencyMs, TrueNasWsFault Fault) Next(string rpcMethod)
    {
        lock (_gate)
        {
            var latency = baseLatencyMs;
            var fault = TrueNasWsFault.None;
            for (var i = 0; i < _rules.Count; i++)
            {
                var r = _rules[i];
                if (r.Match is not null && !rpcMethod.StartsWith(r.Match, StringComparison.Ordinal)) continue;
                latency += r.LatencyMs;
                if (fault != TrueNasWsFault.None) continue;
                if (r.Close > 0)
                {
                    r.Close--;
                    fault = TrueNasWsFault.CloseMidCall;
                }
                else if (r.Drop > 0)
                {
                    r.Drop--;
                    fault = TrueNasWsFault.DropMidCall;
                }
                if (fault != TrueNasWsFault.None && r.Close + r.Drop == 0 && r.LatencyMs == 0)
                {
                    _rules.RemoveAt(i);
                    i--;
                }
            }
            return (latency, fault);
        }
    }

    /// <summary>
    /// Runs before the common control routes: on <c>POST /_sandbox/faults</c> it records the
    /// WebSocket part of the rule and passes the body on without <c>wsCloseMidCall</c> and
    /// <c>wsDropMidCall</c>; on <c>DELETE</c> it clears the WebSocket rules too.
    /// </summary>
    public async Task Middleware(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.Equals("/_sandbox/faults", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        if (HttpMethods.IsDelete(context.Request.Method))
        {
            Clear();
            await next(context);
            return;
        }
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await next(context);
            return;
        }

        using var ms = new MemoryStream();
        await context.Request.Body.CopyToAsync(ms, context.RequestAborted);
        var body = ms.ToArray();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            // Not JSON: the common route answers its 400.
            Rewind(context, body);
            await next(context);
            return;
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                Rewind(context, body);
                await next(context);
                return;
            }
            var rule = new Rule();
            var hasWs = false;
            string? error = null;
            var rest = new MemoryStream();
            using (var w = new Utf8JsonWriter(rest))
            {
                w.WriteStartObject();
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    var lower = p.Name.ToLowerInvariant();
                    if (lower is "wsclosemidcall" or "wsdropmidcall")
                    {
                        hasWs = true;
                        if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var n) || n < 0)
                        {
                            error = $"{p.Name} must be a non-negative integer";
                            continue;
                        }
                        if (lower == "wsclosemidcall") rule.Close = n;
                        else rule.Drop = n;
                        continue;
                    }
                    if (lower == "latencyms" && p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var l) && l >= 0)
                        rule.LatencyMs = l;
                    if (lower == "match" && p.Value.ValueKind == JsonValueKind.String)
                        rule.Match = string.IsNullOrEmpty(p.Value.GetString()) ? null : p.Value.GetString();
                    p.WriteTo(w);
                }
                w.WriteEndObject();
            }
            if (error is not null)
            {
                await JsonResponse.WriteAsync(context, 400, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("error", error);
                    w.WriteEndObject();
                }, JsonResponse.Relaxed);
                return;
            }
            // The common route validates the remaining properties; only when it accepts them
            // does the WebSocket part count (a 400 adds nothing, as for any bad rule).
            Rewind(context, rest.ToArray());
            await next(context);
            if (context.Response.StatusCode is >= 200 and < 300 && (hasWs || rule.LatencyMs > 0))
            {
                lock (_gate) _rules.Add(rule);
            }
        }
    }

    private static void Rewind(HttpContext context, byte[] body)
    {
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
    }
}
