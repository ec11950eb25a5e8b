using System.Text;
using System.Text.Json;
using Sandbox.Common;

namespace Sandbox.TrueNas;

/// <summary>
/// REST API v2.0 (contracts-truenas.md section 3) for 13.3 ... 25.10; every path answers 404 on
/// 26. Auth: <c>Basic</c> user:password or <c>Bearer &lt;id&gt;-&lt;key&gt;</c>. Success is 200
/// with the method's EJSON result; 401 is text (bare aiohttp on CORE 13, <c>Invalid API key</c> /
/// <c>Bad username or password</c> from 24.04), 403 is empty (24.10 allowlist), 422 carries
/// validation maps or CallErrors, 404 MatchNotFound, 400 unparsable JSON.
/// </summary>
public sealed class TrueNasRest(TrueNasApiKeys keys)
{
    private const string Prefix = "/api/v2.0/";
    private TrueNasFlavour Flavour => keys.Flavour;

    public static Task WriteTextAsync(HttpContext context, int status, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    /// <summary>aiohttp's default body for a status without text, e.g. <c>404: Not Found</c>.</summary>
    public static Task WriteAiohttpAsync(HttpContext context, int status) =>
        WriteTextAsync(context, status, $"{status}: {Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status)}");

    private static Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write) =>
        JsonResponse.WriteAsync(context, status, write, JsonResponse.Relaxed);

    public async Task HandleAsync(HttpContext context)
    {
        if (!Flavour.HasRest)
        {
            await WriteAiohttpAsync(context, 404);
            return;
        }
        var full = context.Request.Path.Value ?? "/";
        var path = full.Length > Prefix.Length ? full[Prefix.Length..].TrimEnd('/') : "";
        var segments = path.Split('/');
        var method = context.Request.Method;

        // (resource template for the 24.10 allowlist, handler)
        string resource;
        Func<TrueNasCaller, Task<Action<Utf8JsonWriter>>>? handler = null;
        switch (segments)
        {
            case ["api_key"]:
                resource = "/api_key";
                if (HttpMethods.IsGet(method))
                    handler = c => Task.FromResult(keys.Query(c, RestFilters(context.Request.Query, out var o), o, Flavour.Rank));
                else if (HttpMethods.IsPost(method))
                    handler = async c => keys.Create(c, await BodyAsync(context), Flavour.Rank);
                break;
            case ["api_key", "id", var idText]:
                resource = "/api_key/id/{id}";
                var hasId = int.TryParse(idText, System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture, out var id);
                if (HttpMethods.IsGet(method))
                    handler = c => hasId ? Task.FromResult(keys.QueryGet(id, Flavour.Rank)) : throw new TrueNasMatchNotFound();
                else if (HttpMethods.IsPut(method))
                    handler = async c =>
                    {
                        var body = await BodyAsync(context);
                        if (!hasId) throw new TrueNasValidationException("api_key_update.id", "Input should be a valid integer");
                        return keys.Update(c, id, body, Flavour.Rank);
                    };
                else if (HttpMethods.IsDelete(method))
                    handler = c => hasId
                        ? Task.FromResult(keys.Delete(c, id))
                        : throw new TrueNasValidationException("api_key_delete.id", "Input should be a valid integer");
                break;
            case ["api_key", "my_keys"] when Flavour.UserKeys:
                resource = "/api_key/my_keys";
                if (HttpMethods.IsGet(method) || HttpMethods.IsPost(method))
                    handler = c => Task.FromResult(keys.MyKeys(c, Flavour.Rank));
                break;
            case ["system", "version"]:
                resource = "/system/version";
                if (HttpMethods.IsGet(method))
                    handler = c => Task.FromResult<Action<Utf8JsonWriter>>(w => w.WriteStringValue(Flavour.SystemVersion));
                break;
            case ["auth", "me"] when Flavour.Rank >= TrueNasFlavour.G2410:
                resource = "/auth/me";
                if (HttpMethods.IsGet(method))
                    handler = c => Task.FromResult<Action<Utf8JsonWriter>>(c.User is { } u
                        ? TrueNasEntries.Me(u, c.ApiKey is not null).Write
                        : throw new TrueNasCallError("You are logged in using API_KEY"));
                break;
            case ["user"]:
                resource = "/user";
                if (HttpMethods.IsGet(method))
                    handler = c => Task.FromResult(TrueNasQuery.Run(
                        keys.Store.Users().Select(u => TrueNasEntries.User(u, Flavour, keys.Store)),
                        RestFilters(context.Request.Query, out var o), o));
                break;
            default:
                await WriteAiohttpAsync(context, 404);
                return;
        }
        if (handler is null)
        {
            await WriteAiohttpAsync(context, 405);
            return;
        }

        var caller = await AuthenticateAsync(context);
        if (caller is null) return;
        if (Flavour.HasAllowlist && caller.ApiKey is { } key && !TrueNasApiKeys.Authorize(key, method.ToUpperInvariant(), resource))
        {
            // 24.04+: an empty 403.
            context.Response.StatusCode = 403;
            context.Response.ContentLength = 0;
            return;
        }

        Action<Utf8JsonWriter> result;
        try
        {
            result = await handler(caller);
        }
        catch (TrueNasValidationException e)
        {
            await WriteJsonAsync(context, 422, w => WriteValidation(w, e));
            return;
        }
        catch (TrueNasCallError e)
        {
            await WriteJsonAsync(context, 422, w =>
            {
                w.WriteStartObject();
                w.WriteString("message", e.ErrMsg);
                w.WriteNumber("errno", e.Errno);
                w.WriteEndObject();
            });
            return;
        }
        catch (TrueNasMatchNotFound)
        {
            await WriteJsonAsync(context, 404, w =>
            {
                w.WriteStartObject();
                w.WriteString("message", "Not found");
                w.WriteEndObject();
            });
            return;
        }
        catch (BadJsonException e)
        {
            await WriteJsonAsync(context, 400, w =>
            {
                w.WriteStartObject();
                w.WriteString("message", $"json parse error: {e.Message}");
                w.WriteEndObject();
            });
            return;
        }
        await WriteJsonAsync(context, 200, result);
    }

    /// <summary><c>{"api_key_create.name": [{"message": ..., "errno": 22}]}</c>; a missing attribute is Python's <c>null</c> key.</summary>
    private static void WriteValidation(Utf8JsonWriter w, TrueNasValidationException e)
    {
        w.WriteStartObject();
        foreach (var group in e.Errors.GroupBy(x => x.Attribute ?? "null"))
        {
            w.WriteStartArray(group.Key);
            foreach (var err in group)
            {
                w.WriteStartObject();
                w.WriteString("message", err.Message);
                w.WriteNumber("errno", err.Errno);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private sealed class BadJsonException(string message) : Exception(message);

    /// <summary>The request body as the method argument; absent when the body is empty.</summary>
    private static async Task<JsonElement?> BodyAsync(HttpContext context)
    {
        using var ms = new MemoryStream();
        await context.Request.Body.CopyToAsync(ms, context.RequestAborted);
        if (ms.Length == 0) return null;
        try
        {
            using var doc = JsonDocument.Parse(ms.ToArray());
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new BadJsonException(e.Message);
        }
    }

    /// <summary>
    /// restful.py's <c>_filterable_args</c>: <c>field=value</c> is <c>=</c>, <c>field__op=value</c>
    /// maps eq/neq/gt/lt/gte/lte/regex; digit strings become ints, true/false/null their values;
    /// <c>limit</c>, <c>offset</c>, <c>count</c> and <c>sort</c> (comma-separated) are options.
    /// </summary>
    private static TrueNasFilter[] RestFilters(IQueryCollection query, out TrueNasQueryOptions options)
    {
        options = new TrueNasQueryOptions();
        var filters = new List<TrueNasFilter>();
        foreach (var (key, values) in query)
        {
            var val = values.ToString();
            switch (key)
            {
                case "limit":
                    if (int.TryParse(val, out var limit)) options.Limit = limit;
                    continue;
                case "offset":
                    if (int.TryParse(val, out var offset)) options.Offset = offset;
                    continue;
                case "count":
                    options.Count = val.Equals("true", StringComparison.OrdinalIgnoreCase) || val == "1";
                    continue;
                case "sort":
                    options.OrderBy.AddRange(val.Split(','));
                    continue;
            }
            string field = key, op = "=";
            var sep = key.IndexOf("__", StringComparison.Ordinal);
            if (sep >= 0)
            {
                field = key[..sep];
                op = key[(sep + 2)..] switch
                {
                    "eq" => "=", "neq" => "!=", "gt" => ">", "lt" => "<", "gte" => ">=", "lte" => "<=", "regex" => "~",
                    var other => other,
                };
            }
            object? value = val;
            if (val.Length > 0 && val.All(char.IsAsciiDigit) && long.TryParse(val, out var n)) value = n;
            else if (val.Equals("true", StringComparison.OrdinalIgnoreCase)) value = true;
            else if (val.Equals("false", StringComparison.OrdinalIgnoreCase)) value = false;
            else if (val.Equals("null", StringComparison.OrdinalIgnoreCase)) value = null;
            filters.Add(new TrueNasFilter.Compare(field, op, value));
        }
        return filters.ToArray();
    }

    /// <summary>Returns the caller, or writes the 401 and returns null.</summary>
    private async Task<TrueNasCaller?> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            string? user = null, password = null;
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':');
                if (colon >= 0)
                {
                    user = decoded[..colon];
                    password = decoded[(colon + 1)..];
                }
            }
            catch (FormatException)
            {
            }
            var account = user is null ? null : keys.Store.UserByName(user);
            if (account is not null && password is not null && account.Roles.Length > 0 && account.CheckPassword(password))
                return new TrueNasCaller(account, null);
            await Unauthorized(context, "Bad username or password");
            return null;
        }
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            // REST never revokes: in the 25.04/25.10 source only the WebSocket login path calls
            // api_key.revoke (section 3, "Insecure transport"; the docs claim otherwise).
            var (result, key, owner) = keys.CheckKey(header[7..].Trim(), username: null);
            if (result == TrueNasKeyCheck.Success)
                return new TrueNasCaller(Flavour.UserKeys ? owner : null, key);
            await Unauthorized(context, "Invalid API key");
            return null;
        }
        await WriteAiohttpAsync(context, 401);
        return null;
    }

    private Task Unauthorized(HttpContext context, string text) =>
        Flavour.Rest401Text ? WriteTextAsync(context, 401, text) : WriteAiohttpAsync(context, 401);
}
