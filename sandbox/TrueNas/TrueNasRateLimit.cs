namespace Sandbox.TrueNas;

/// <summary>
/// The 24.10+ rate limit for methods callable without authentication (contracts-truenas.md 5.2):
/// per method and remote IP, at most 20 calls in 60 s; past that the call fails with CallError
/// <c>Rate Limit Exceeded</c> (EBUSY) after a delay. The server sleeps a random 1-10 s there;
/// the sandbox sleeps <see cref="ExceededDelay"/> (100 ms) so tests stay fast. Authenticated
/// sessions are never limited. The real cache is cleared every 600 s; here a window simply
/// restarts 60 s after its first call, and <c>DELETE /_sandbox/ratelimit</c> clears it.
/// </summary>
public sealed class TrueNasRateLimit(TimeProvider time)
{
    public const int MaxCalls = 20;
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan ExceededDelay = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Method, string Ip), (long Start, int Calls)> _entries = [];

    /// <summary>Counts one call; true when it is over the limit.</summary>
    public bool Exceeded(string method, string ip)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            var k = (method, ip);
            if (!_entries.TryGetValue(k, out var e) || time.GetElapsedTime(e.Start, now) >= Period)
                e = (now, 0);
            e.Calls++;
            _entries[k] = e;
            return e.Calls > MaxCalls;
        }
    }

    public void Clear()
    {
        lock (_gate) _entries.Clear();
    }
}
