using System.Diagnostics;
using System.Text.Json;

namespace Sandbox.Tests;

/// <summary>One sandbox with both kinds for the fault tests (each test clears what it sets).</summary>
public sealed class BothKindsSandbox : IDisposable
{
    public SandboxProcess Process { get; } = SandboxProcess.Start("--kind", "all");

    public void Dispose() => Process.Dispose();
}

/// <summary>
/// Fault injection through <c>POST /_sandbox/faults</c> (docs/interfaces.md section 2): N x 503,
/// N x 429 with Retry-After in each kind's shape, a body cut mid-way, truncated JSON, an nginx
/// HTML page, latency, and the match/method filters. Control routes are never faulted.
/// </summary>
public sealed class FaultTests(BothKindsSandbox fixture) : IClassFixture<BothKindsSandbox>
{
    private SandboxProcess Sb => fixture.Process;

    [Fact]
    public async Task Status503_n_times_then_ok_and_a_faulted_create_makes_no_key()
    {
        using var c = Sb.Client("immich");
        var key = Sb.Key("immich");
        await c.ClearRequestLogAsync();
        await c.SetFaultsAsync(new { status503 = 2, match = "/api/api-keys" });
        var statuses = new List<int>();
        for (var i = 0; i < 3; i++) statuses.Add((await c.FetchAsync("/api/api-keys", key)).Code);
        Assert.Equal([503, 503, 200], statuses);
        Assert.Equal([503, 503, 200], (await c.RequestLogAsync()).Select(e => e.GetProperty("status").GetInt32()));

        var before = await c.KeyCountAsync();
        await c.SetFaultsAsync(new { status503 = 1, method = "POST" });
        var r = await c.SendAsync("POST", "/api/api-keys", new { name = "x", permissions = new[] { "all" } }, key);
        Assert.Equal(503, r.Code);
        Assert.Equal("Service Unavailable", r.Json.GetProperty("message").GetString());
        Assert.Null(r.Header("Retry-After"));
        Assert.Equal(before, await c.KeyCountAsync());

        using var j = Sb.Client("jim");
        await j.SetFaultsAsync(new { status503 = 1, retryAfterSeconds = 2 });
        var jr = await j.FetchAsync("/api/v1/apikeys", Sb.Key("jim"));
        Assert.Equal(503, jr.Code);
        Assert.Equal("SERVICE_UNAVAILABLE", jr.Json.GetProperty("code").GetString());
        Assert.Equal("2", jr.Header("Retry-After"));
    }

    [Fact]
    public async Task Status429_carries_retry_after_in_each_kinds_shape()
    {
        using var j = Sb.Client("jim");
        await j.SetFaultsAsync(new { status429 = 1, retryAfterSeconds = 3, match = "/api/v1/apikeys" });
        var r = await j.FetchAsync("/api/v1/apikeys", Sb.Key("jim"));
        Assert.Equal(429, r.Code);
        Assert.Equal("3", r.Header("Retry-After"));
        Expect.JimApiError(r, "TOO_MANY_REQUESTS", "Too many requests. Please retry after the indicated delay.", 429);
        Assert.Equal(200, (await j.FetchAsync("/api/v1/apikeys", Sb.Key("jim"))).Code);

        using var c = Sb.Client("immich");
        await c.SetFaultsAsync(new { status429 = 1 });
        var ir = await c.FetchAsync("/api/server/version");
        Assert.Equal(429, ir.Code);
        Assert.Equal("1", ir.Header("Retry-After"));
        Expect.ImmichError("2.x", ir, 429);
    }

    [Fact]
    public async Task Dropped_body_fails_the_client_after_the_server_did_the_work()
    {
        using var j = Sb.Client("jim");
        var before = await j.KeyCountAsync();
        await j.SetFaultsAsync(new { dropMidBody = 1, method = "POST" });
        var e = await Assert.ThrowsAnyAsync<Exception>(() =>
            j.SendAsync("POST", "/api/v1/apikeys", new { name = "dropped", roleIds = Array.Empty<int>() }, Sb.Key("jim")));
        Assert.True(e is HttpRequestException or IOException, e.ToString());
        Assert.Equal(before + 1, await j.KeyCountAsync());
        Assert.Contains(await j.RequestLogAsync(), x => x.GetProperty("method").GetString() == "POST" && x.GetProperty("status").GetInt32() == 201);

        using var c = Sb.Client("immich");
        await c.SetFaultsAsync(new { dropMidBody = 1, match = "/api/api-keys" });
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => c.FetchAsync("/api/api-keys", Sb.Key("immich")));
        Assert.Equal(200, (await c.FetchAsync("/api/api-keys", Sb.Key("immich"))).Code);
    }

    [Fact]
    public async Task Malformed_json_and_html_error_pages()
    {
        using var c = Sb.Client("immich");
        await c.SetFaultsAsync(new { malformedJson = 1, htmlError = 1, match = "/api/api-keys" });
        var truncated = await c.FetchAsync("/api/api-keys", Sb.Key("immich"));
        Assert.Equal(200, truncated.Code);
        Assert.Equal("application/json", truncated.MediaType);
        Assert.ThrowsAny<JsonException>(() => { using var _ = JsonDocument.Parse(truncated.Body); });
        var html = await c.FetchAsync("/api/api-keys", Sb.Key("immich"));
        Assert.Equal(502, html.Code);
        Assert.Equal("text/html", html.MediaType);
        Assert.Contains("<center>nginx</center>", html.Body);
        Assert.Equal(200, (await c.FetchAsync("/api/api-keys", Sb.Key("immich"))).Code);
    }

    [Fact]
    public async Task Filters_latency_and_clearing()
    {
        using var j = Sb.Client("jim");
        await j.SetFaultsAsync(new { status503 = 5, match = "/api/v1/security", method = "GET" });
        Assert.Equal(200, (await j.FetchAsync("/api/v1/apikeys", Sb.Key("jim"))).Code); // other path
        Assert.Equal(503, (await j.FetchAsync("/api/v1/security/roles", Sb.Key("jim"))).Code);
        // Control routes are never faulted.
        Assert.Equal(200, (await j.FetchAsync("/_sandbox/state")).Code);
        await j.ClearFaultsAsync();
        Assert.Equal(200, (await j.FetchAsync("/api/v1/security/roles", Sb.Key("jim"))).Code);

        await j.SetFaultsAsync(new { latencyMs = 400, match = "/api/v1/health" });
        var watch = Stopwatch.StartNew();
        Assert.Equal(200, (await j.FetchAsync("/api/v1/health")).Code);
        Assert.True(watch.ElapsedMilliseconds >= 380, $"{watch.ElapsedMilliseconds} ms");
        watch.Restart();
        await j.FetchAsync("/_sandbox/requests");
        Assert.True(watch.ElapsedMilliseconds < 380, "control routes are not delayed");
        await j.ClearFaultsAsync();

        var bad = await j.SendAsync("POST", "/_sandbox/faults", new { status503 = -1 });
        Assert.Equal(400, bad.Code);
    }
}

/// <summary>The <c>--latency-ms</c> start flag delays every non-control request.</summary>
public sealed class LatencyFlagTests
{
    [Fact]
    public async Task Latency_flag_applies_to_every_request()
    {
        using var sb = SandboxProcess.Start("--kind", "jim", "--latency-ms", "300");
        using var j = sb.Client("jim");
        await j.FetchAsync("/api/v1/health"); // warm up
        var watch = Stopwatch.StartNew();
        Assert.Equal(200, (await j.FetchAsync("/api/v1/health")).Code);
        Assert.True(watch.ElapsedMilliseconds >= 280, $"{watch.ElapsedMilliseconds} ms");
        await j.ClearFaultsAsync(); // clearing faults keeps the start flag
        watch.Restart();
        await j.FetchAsync("/api/v1/health");
        Assert.True(watch.ElapsedMilliseconds >= 280, $"{watch.ElapsedMilliseconds} ms");
    }
}
