using System.Text.Json;

namespace Sandbox.Jim;

/// <summary>
/// JIM's two timestamp forms (contracts-jim.md "Timestamps: parse tolerantly"): a value just
/// created in memory is a UTC <see cref="DateTime"/>, written with up to 7 fractional digits and
/// <c>Z</c>; a value read back from PostgreSQL has microsecond precision and a <c>+00:00</c> offset.
/// </summary>
public static class JimClock
{
    public static DateTime Now() => DateTime.UtcNow;

    /// <summary><c>2026-11-25T09:13:52.9642208Z</c> (System.Text.Json trims trailing zeros).</summary>
    public static void WriteFresh(Utf8JsonWriter w, string name, DateTime? utc)
    {
        if (utc is { } t) w.WriteString(name, DateTime.SpecifyKind(t, DateTimeKind.Utc));
        else w.WriteNull(name);
    }

    /// <summary><c>2026-11-25T09:13:52.96422+00:00</c>: truncated to microseconds, numeric offset.</summary>
    public static void WriteStored(Utf8JsonWriter w, string name, DateTime? utc)
    {
        if (utc is { } t) w.WriteString(name, new DateTimeOffset(t.Ticks - t.Ticks % 10, TimeSpan.Zero));
        else w.WriteNull(name);
    }
}
