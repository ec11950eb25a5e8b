using System.Text.Json;

namespace Sandbox.Common;

/// <summary>
/// The request log behind <c>GET /_sandbox/requests</c>: method, path (never the query string,
/// which may carry Immich's <c>apiKey</c>) and status. Nothing else is recorded, so no header,
/// body or query value (all may hold secrets) can ever come out of it.
/// </summary>
public sealed class RequestLog
{
    /// <summary>Bounded so a benchmark's millions of requests cannot exhaust memory.</summary>
    private const int Capacity = 100_000;

    private readonly Lock _gate = new();
    private readonly Queue<Entry> _entries = new();

    public readonly record struct Entry(string Method, string Path, int Status);

    public void Add(string method, string path, int status)
    {
        lock (_gate)
        {
            if (_entries.Count >= Capacity) _entries.Dequeue();
            _entries.Enqueue(new Entry(method, path, status));
        }
    }

    public void Clear()
    {
        lock (_gate) _entries.Clear();
    }

    public void WriteJson(Utf8JsonWriter w)
    {
        Entry[] snapshot;
        lock (_gate) snapshot = _entries.ToArray();
        w.WriteStartArray();
        foreach (var e in snapshot)
        {
            w.WriteStartObject();
            w.WriteString("method", e.Method);
            w.WriteString("path", e.Path);
            w.WriteNumber("status", e.Status);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
