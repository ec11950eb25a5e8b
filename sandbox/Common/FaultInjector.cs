namespace Sandbox.Common;

/// <summary>
/// The fault rules of one kind's port. Each <c>POST /_sandbox/faults</c> adds a rule; a request
/// takes one count from the first matching rule that has counts left (so "status503: 2" fails
/// exactly the next two matching requests); <c>DELETE /_sandbox/faults</c> clears everything.
/// The start flag <c>--latency-ms</c> is a base latency that clearing does not remove.
/// </summary>
public sealed class FaultInjector(int baseLatencyMs)
{
    private readonly Lock _gate = new();
    private readonly List<FaultRule> _rules = [];

    public void Add(FaultRule rule)
    {
        lock (_gate) _rules.Add(rule);
    }

    public void Clear()
    {
        lock (_gate) _rules.Clear();
    }

    public FaultDecision Next(string method, string path)
    {
        lock (_gate)
        {
            var latency = baseLatencyMs;
            FaultKind kind = FaultKind.None;
            int? retryAfter = null;
            for (var i = 0; i < _rules.Count; i++)
            {
                var rule = _rules[i];
                if (!rule.Matches(method, path)) continue;
                latency += rule.LatencyMs;
                if (kind == FaultKind.None && rule.HasCounts)
                {
                    kind = rule.Consume();
                    retryAfter = rule.RetryAfterSeconds;
                    if (!rule.HasCounts && rule.LatencyMs == 0)
                    {
                        _rules.RemoveAt(i);
                        i--;
                    }
                }
            }
            return new FaultDecision(latency, kind, retryAfter);
        }
    }
}
