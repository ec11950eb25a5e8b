using System.Text.Json;

namespace Sandbox.TrueNas;

/// <summary>An EJSON datetime: <c>{"$date": &lt;ms since the epoch, UTC&gt;}</c>.</summary>
public readonly record struct TrueNasDate(long Ms)
{
    public static TrueNasDate Now() => new(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    /// <summary>What the server writes: <c>int(calendar.timegm(dt.timetuple()) * 1000)</c>, whole seconds.</summary>
    public TrueNasDate Wire => new(Seconds * 1000L);

    public long Seconds => Ms >= 0 || Ms % 1000 == 0 ? Ms / 1000 : Ms / 1000 - 1;
}

/// <summary>
/// Values of the sandbox's entries as middlewared sees them (str, int, bool, None, datetime,
/// list), with EJSON reading and writing and the comparisons <c>filter_list</c> makes.
/// </summary>
public static class TrueNasValues
{
    /// <summary>Writes a value; datetimes as <c>{"$date": ms}</c> in whole seconds, like the server.</summary>
    public static void Write(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case double d: w.WriteNumberValue(d); break;
            case TrueNasDate date:
                w.WriteStartObject();
                w.WriteNumber("$date", date.Wire.Ms);
                w.WriteEndObject();
                break;
            case TrueNasAllowItem[] items:
                w.WriteStartArray();
                foreach (var item in items)
                {
                    w.WriteStartObject();
                    w.WriteString("method", item.Method);
                    w.WriteString("resource", item.Resource);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                break;
            case int[] ints:
                w.WriteStartArray();
                foreach (var i in ints) w.WriteNumberValue(i);
                w.WriteEndArray();
                break;
            case string[] strings:
                w.WriteStartArray();
                foreach (var s in strings) w.WriteStringValue(s);
                w.WriteEndArray();
                break;
            case object?[] list:
                w.WriteStartArray();
                foreach (var item in list) Write(w, item);
                w.WriteEndArray();
                break;
            case JsonElement e: e.WriteTo(w); break;
            case Action<Utf8JsonWriter> raw: raw(w); break;
            default: throw new InvalidOperationException($"cannot write {value.GetType().Name}");
        }
    }

    /// <summary>
    /// Reads a JSON value the way <c>ejson.loads</c> does: a one-key object <c>{"$date": n}</c>
    /// becomes a datetime; integers stay integers. Other objects come back as the element.
    /// </summary>
    public static object? Read(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.Array => e.EnumerateArray().Select(Read).ToArray(),
        JsonValueKind.Object => TryDate(e, out var d) ? d : e,
        _ => e,
    };

    /// <summary>True for <c>{"$date": &lt;number&gt;}</c> (exactly one member).</summary>
    public static bool TryDate(JsonElement e, out TrueNasDate date)
    {
        date = default;
        if (e.ValueKind != JsonValueKind.Object) return false;
        using var members = e.EnumerateObject();
        if (!members.MoveNext() || members.Current.Name != "$date") return false;
        var v = members.Current.Value;
        if (members.MoveNext()) return false;
        if (v.ValueKind != JsonValueKind.Number) return false;
        if (v.TryGetInt64(out var ms))
        {
            date = new TrueNasDate(ms);
            return true;
        }
        var dbl = v.GetDouble();
        if (double.IsFinite(dbl) && Math.Abs(dbl) < 1e17)
        {
            date = new TrueNasDate((long)Math.Floor(dbl));
            return true;
        }
        return false;
    }

    /// <summary>Python equality between two values (1 == 1.0, True == 1; a str never equals an int).</summary>
    public static bool PyEquals(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (TryNumber(a, out var x) && TryNumber(b, out var y)) return x == y;
        return (a, b) switch
        {
            (string s, string t) => string.Equals(s, t, StringComparison.Ordinal),
            (TrueNasDate d, TrueNasDate e) => d.Wire.Ms == e.Wire.Ms,
            _ => false,
        };
    }

    /// <summary>Ordering for <c>&lt;</c>, <c>&gt;</c> and <c>order_by</c>; null when Python would raise TypeError.</summary>
    public static int? Compare(object? a, object? b)
    {
        if (TryNumber(a, out var x) && TryNumber(b, out var y)) return x.CompareTo(y);
        return (a, b) switch
        {
            (string s, string t) => string.CompareOrdinal(s, t),
            (TrueNasDate d, TrueNasDate e) => d.Wire.Ms.CompareTo(e.Wire.Ms),
            _ => null,
        };
    }

    private static bool TryNumber(object? v, out double d)
    {
        switch (v)
        {
            case bool b: d = b ? 1 : 0; return true;
            case int i: d = i; return true;
            case long l: d = l; return true;
            case double dbl: d = dbl; return true;
            default: d = 0; return false;
        }
    }

    public static string PyRepr(object? v) => v switch
    {
        null => "None",
        string s => $"'{s}'",
        bool b => b ? "True" : "False",
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
