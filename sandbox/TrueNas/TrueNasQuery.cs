using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sandbox.TrueNas;

/// <summary>A query filter: <c>[field, op, value]</c>, or <c>["OR", [filter | [filters (AND)], ...]]</c>.</summary>
public abstract record TrueNasFilter
{
    public sealed record Compare(string Field, string Op, object? Value) : TrueNasFilter;

    public sealed record Or(TrueNasFilter[][] Branches) : TrueNasFilter;
}

/// <summary>Query options middlewared accepts (the ones that change the answer are applied).</summary>
public sealed class TrueNasQueryOptions
{
    public int Offset { get; set; }
    public int Limit { get; set; }
    public bool Count { get; set; }
    public bool Get { get; set; }
    public List<string> OrderBy { get; } = [];
    public List<string>? Select { get; set; }
}

/// <summary>
/// <c>filter_list</c>: filters, <c>order_by</c>, <c>offset</c>/<c>limit</c>, <c>count</c>,
/// <c>get</c> (one entry or MatchNotFound) and <c>select</c>, over <see cref="ITrueNasEntry"/>s.
/// </summary>
public static class TrueNasQuery
{
    private static readonly HashSet<string> Operators =
        ["=", "!=", ">", ">=", "<", "<=", "~", "in", "nin", "rin", "rnin", "^", "!^", "$", "!$",
         // case-insensitive variants (casefold both sides)
         "C=", "C!=", "C~", "Cin", "Cnin", "Crin", "Crnin", "C^", "C!^", "C$", "C!$"];

    private static readonly HashSet<string> KnownOptions =
        ["relationships", "extend", "extend_fk", "extend_context", "prefix", "extra", "order_by", "select",
         "count", "get", "offset", "limit", "force_sql_filters"];

    /// <summary>Parses the <c>filters</c> argument (absent = none).</summary>
    public static TrueNasFilter[] ParseFilters(JsonElement? arg)
    {
        if (arg is not JsonElement e || e.ValueKind == JsonValueKind.Null) return [];
        if (e.ValueKind != JsonValueKind.Array) throw new TrueNasValidationException("filters", "Input should be a valid list");
        return ParseFilterList(e, "filters");
    }

    private static TrueNasFilter[] ParseFilterList(JsonElement list, string attr)
    {
        var result = new List<TrueNasFilter>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            result.Add(ParseFilter(item, $"{attr}.{i}"));
            i++;
        }
        return result.ToArray();
    }

    private static TrueNasFilter ParseFilter(JsonElement item, string attr)
    {
        if (item.ValueKind != JsonValueKind.Array)
            throw new TrueNasValidationException(attr, "Input should be a valid list");
        var parts = item.EnumerateArray().ToArray();
        if (parts.Length == 2 && parts[0].ValueKind == JsonValueKind.String && parts[0].GetString() == "OR")
        {
            if (parts[1].ValueKind != JsonValueKind.Array)
                throw new TrueNasValidationException(attr, "OR filter requires a list of filters");
            var branches = new List<TrueNasFilter[]>();
            foreach (var branch in parts[1].EnumerateArray())
            {
                // A branch is one filter, or a list of filters that must all match.
                if (branch.ValueKind == JsonValueKind.Array && branch.GetArrayLength() > 0 &&
                    branch[0].ValueKind == JsonValueKind.Array)
                    branches.Add(ParseFilterList(branch, attr));
                else
                    branches.Add([ParseFilter(branch, attr)]);
            }
            return new TrueNasFilter.Or(branches.ToArray());
        }
        if (parts.Length != 3 || parts[0].ValueKind != JsonValueKind.String || parts[1].ValueKind != JsonValueKind.String)
            throw new TrueNasValidationException(attr, $"Invalid filter {item.GetRawText()}");
        var op = parts[1].GetString()!;
        if (!Operators.Contains(op))
            throw new TrueNasValidationException(attr, $"Invalid operation: {op}");
        return new TrueNasFilter.Compare(parts[0].GetString()!, op, TrueNasValues.Read(parts[2]));
    }

    /// <summary>Parses the <c>options</c> argument; unknown options are rejected on pydantic generations.</summary>
    public static TrueNasQueryOptions ParseOptions(JsonElement? arg, bool strict, string attr = "options")
    {
        var o = new TrueNasQueryOptions();
        if (arg is not JsonElement e || e.ValueKind == JsonValueKind.Null) return o;
        if (e.ValueKind != JsonValueKind.Object)
            throw new TrueNasValidationException(attr, "Input should be a valid dictionary or instance of QueryOptions");
        var errors = new TrueNasErrorList();
        foreach (var p in e.EnumerateObject())
        {
            var name = $"{attr}.{p.Name}";
            switch (p.Name)
            {
                case "limit" or "offset":
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var n) || n < 0)
                    {
                        errors.Add(name, "Input should be a valid integer");
                        break;
                    }
                    if (p.Name == "limit") o.Limit = n;
                    else o.Offset = n;
                    break;
                case "count" or "get":
                    if (p.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        errors.Add(name, "Input should be a valid boolean");
                        break;
                    }
                    if (p.Name == "count") o.Count = p.Value.GetBoolean();
                    else o.Get = p.Value.GetBoolean();
                    break;
                case "order_by" or "select":
                    if (p.Value.ValueKind != JsonValueKind.Array || p.Value.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
                    {
                        errors.Add(name, "Input should be a valid list");
                        break;
                    }
                    var names = p.Value.EnumerateArray().Select(x => x.GetString()!).ToList();
                    if (p.Name == "order_by") o.OrderBy.AddRange(names);
                    else o.Select = names;
                    break;
                default:
                    if (strict && !KnownOptions.Contains(p.Name)) errors.Add(name, "Extra inputs are not permitted");
                    break;
            }
        }
        errors.Check();
        return o;
    }

    /// <summary>
    /// Applies filters and options. Returns a list of rows, one row (<c>get</c>) or an int
    /// (<c>count</c>) as a writer.
    /// </summary>
    public static Action<Utf8JsonWriter> Run(IEnumerable<ITrueNasEntry> rows, TrueNasFilter[] filters, TrueNasQueryOptions options)
    {
        var matched = filters.Length == 0 ? rows.ToList() : rows.Where(r => MatchesAll(r, filters)).ToList();
        if (options.Count)
        {
            var count = matched.Count;
            return w => w.WriteNumberValue(count);
        }
        if (options.OrderBy.Count > 0)
        {
            // Stable sort by each key, last key first (as Python's successive sorted() calls do).
            for (var i = options.OrderBy.Count - 1; i >= 0; i--)
            {
                var spec = options.OrderBy[i];
                var field = spec.Replace("nulls_first:", "").Replace("nulls_last:", "");
                var descending = field.StartsWith('-');
                if (descending) field = field[1..];
                var ordered = matched.Select((r, index) => (r, index)).ToList();
                ordered.Sort((a, b) =>
                {
                    var c = CompareForSort(Get(a.r, field), Get(b.r, field));
                    if (descending) c = -c;
                    return c != 0 ? c : a.index.CompareTo(b.index);
                });
                matched = ordered.Select(x => x.r).ToList();
            }
        }
        IEnumerable<ITrueNasEntry> page = matched;
        if (options.Offset > 0) page = page.Skip(options.Offset);
        if (options.Limit > 0) page = page.Take(options.Limit);
        var result = page.ToList();
        var select = options.Select;
        if (options.Get)
        {
            if (result.Count == 0) throw new TrueNasMatchNotFound();
            var first = result[0];
            return w => first.Write(w, select);
        }
        return w =>
        {
            w.WriteStartArray();
            foreach (var r in result) r.Write(w, select);
            w.WriteEndArray();
        };
    }

    private static int CompareForSort(object? a, object? b)
    {
        if (a is null || b is null) return a is null ? (b is null ? 0 : -1) : 1;
        return TrueNasValues.Compare(a, b) ?? 0;
    }

    private static object? Get(ITrueNasEntry row, string field) => row.TryGet(field, out var v) ? v : null;

    public static bool MatchesAll(ITrueNasEntry row, TrueNasFilter[] filters)
    {
        foreach (var f in filters)
            if (!Matches(row, f)) return false;
        return true;
    }

    private static bool Matches(ITrueNasEntry row, TrueNasFilter filter)
    {
        if (filter is TrueNasFilter.Or or)
        {
            foreach (var branch in or.Branches)
                if (MatchesAll(row, branch)) return true;
            return false;
        }
        var c = (TrueNasFilter.Compare)filter;
        var actual = Get(row, c.Field);
        var value = c.Value;
        var op = c.Op;
        if (op.Length > 1 && op[0] == 'C')
        {
            op = op[1..];
            actual = Fold(actual);
            value = Fold(value);
        }
        switch (op)
        {
            case "=": return TrueNasValues.PyEquals(actual, value);
            case "!=": return !TrueNasValues.PyEquals(actual, value);
            case ">": return TrueNasValues.Compare(actual, value) > 0;
            case ">=": return TrueNasValues.Compare(actual, value) >= 0;
            case "<": return TrueNasValues.Compare(actual, value) < 0;
            case "<=": return TrueNasValues.Compare(actual, value) <= 0;
            case "~":
                if (actual is not string s || value is not string pattern) return false;
                try
                {
                    // Python's re.match: anchored at the start only.
                    return Regex.IsMatch(s, @"\A(?:" + pattern + ")", RegexOptions.None, TimeSpan.FromMilliseconds(100));
                }
                catch (ArgumentException)
                {
                    throw new TrueNasValidationException("filters", $"Invalid regular expression: {pattern}");
                }
                catch (RegexMatchTimeoutException)
                {
                    return false;
                }
            case "in": return value is object?[] list && list.Any(x => TrueNasValues.PyEquals(actual, x));
            case "nin": return value is object?[] nlist && !nlist.Any(x => TrueNasValues.PyEquals(actual, x));
            case "rin": return Contains(actual, value);
            case "rnin": return !Contains(actual, value);
            case "^": return actual is string a1 && value is string v1 && a1.StartsWith(v1, StringComparison.Ordinal);
            case "!^": return !(actual is string a2 && value is string v2 && a2.StartsWith(v2, StringComparison.Ordinal));
            case "$": return actual is string a3 && value is string v3 && a3.EndsWith(v3, StringComparison.Ordinal);
            case "!$": return !(actual is string a4 && value is string v4 && a4.EndsWith(v4, StringComparison.Ordinal));
            default: return false;
        }
    }

    private static object? Fold(object? v) => v switch
    {
        string s => s.ToLowerInvariant(),
        string[] strings => strings.Select(x => x.ToLowerInvariant()).ToArray(),
        object?[] list => list.Select(Fold).ToArray(),
        _ => v,
    };

    private static bool Contains(object? container, object? value) => container switch
    {
        string s when value is string v => s.Contains(v, StringComparison.Ordinal),
        int[] ints => ints.Any(i => TrueNasValues.PyEquals(i, value)),
        string[] strings => strings.Any(x => TrueNasValues.PyEquals(x, value)),
        object?[] list => list.Any(x => TrueNasValues.PyEquals(x, value)),
        _ => false,
    };
}
