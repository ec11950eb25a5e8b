namespace Sandbox.Immich;

/// <summary>
/// Immich's timestamps are JavaScript dates: millisecond precision, written as
/// <c>2024-01-01T00:00:00.000Z</c> (<c>toISOString()</c>).
/// </summary>
public static class ImmichClock
{
    public static DateTime Now()
    {
        var ticks = DateTime.UtcNow.Ticks;
        return new DateTime(ticks - ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    public static string Format(DateTime utc) =>
        utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
