using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Sandbox.Tests;

/// <summary>One HTTP answer, read completely.</summary>
public sealed record Reply(HttpStatusCode Status, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders, string Body)
{
    public int Code => (int)Status;

    private JsonElement? _json;

    /// <summary>The body as JSON, parsed once (lists of 100,000 keys are large).</summary>
    public JsonElement Json => _json ??= JsonDocument.Parse(Body).RootElement.Clone();

    public string? MediaType => ContentHeaders.ContentType?.MediaType;

    public string? Header(string name) =>
        Headers.TryGetValues(name, out var v) ? string.Join(",", v)
        : ContentHeaders.TryGetValues(name, out var c) ? string.Join(",", c) : null;

    public override string ToString() => $"{Code} {Body}";
}

/// <summary>Request helpers: JSON bodies, the two auth headers, and the sandbox's control routes.</summary>
public static class Http
{
    public static async Task<Reply> SendAsync(this HttpClient client, string method, string path,
        object? json = null, string? apiKey = null, string? bearer = null, string? raw = null,
        string contentType = "application/json", string apiKeyHeader = "x-api-key")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (apiKey is not null) request.Headers.TryAddWithoutValidation(apiKeyHeader, apiKey);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        var body = raw ?? (json is null ? null : JsonSerializer.Serialize(json));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, response.Headers, response.Content.Headers, text);
    }

    public static Task<Reply> FetchAsync(this HttpClient c, string path, string? apiKey = null, string? bearer = null) =>
        c.SendAsync("GET", path, apiKey: apiKey, bearer: bearer);

    public static async Task SetFaultsAsync(this HttpClient c, object faults)
    {
        var r = await c.SendAsync("POST", "/_sandbox/faults", faults);
        Assert.True(r.Code is 200 or 204, r.ToString());
    }

    public static async Task ClearFaultsAsync(this HttpClient c) =>
        Assert.Equal(204, (await c.SendAsync("DELETE", "/_sandbox/faults")).Code);

    public static async Task<JsonElement[]> RequestLogAsync(this HttpClient c) =>
        (await c.FetchAsync("/_sandbox/requests")).Json.EnumerateArray().ToArray();

    public static async Task ClearRequestLogAsync(this HttpClient c) =>
        Assert.Equal(204, (await c.SendAsync("DELETE", "/_sandbox/requests")).Code);

    public static async Task<int> KeyCountAsync(this HttpClient c) =>
        (await c.FetchAsync("/_sandbox/state")).Json.GetProperty("keys").GetInt32();
}
