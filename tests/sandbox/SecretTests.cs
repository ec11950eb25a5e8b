namespace Sandbox.Tests;

/// <summary>
/// The request log records method, path and status only, and no secret ever leaves the process
/// except in the answers that create it: canary keys given with --immich-key/--jim-key must not
/// appear in <c>GET /_sandbox/requests</c>, in stdout after the start-up line, or in stderr.
/// </summary>
public sealed class SecretTests
{
    private const string ImmichCanary = "CanaryImmichSecretQ7xxxxxxxxxxxxxxxxxxxxxxx";
    private const string JimCanary = "jim_ak_c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeecafe";

    [Fact]
    public async Task Canary_keys_never_appear_in_the_log_or_the_output()
    {
        string log;
        string stdout;
        string stderr;
        using (var sb = SandboxProcess.Start("--immich-key", ImmichCanary, "--jim-key", JimCanary))
        {
            Assert.Equal(ImmichCanary, sb.Key("immich"));
            Assert.Equal(JimCanary, sb.Key("jim"));
            using var c = sb.Client("immich");
            using var j = sb.Client("jim");
            Assert.Equal(200, (await c.FetchAsync("/api/api-keys", ImmichCanary)).Code);
            Assert.Equal(200, (await c.FetchAsync($"/api/api-keys?apiKey={ImmichCanary}")).Code);
            Assert.Equal(401, (await c.FetchAsync($"/api/api-keys/{Guid.NewGuid()}?apiKey={ImmichCanary}x")).Code);
            Assert.Equal(400, (await c.SendAsync("POST", "/api/api-keys", raw: $"{{\"name\":\"{ImmichCanary}\"", apiKey: ImmichCanary)).Code);
            Assert.Equal(200, (await j.FetchAsync("/api/v1/apikeys", JimCanary)).Code);
            Assert.Equal(401, (await j.FetchAsync("/api/v1/apikeys", JimCanary + "0")).Code);
            await j.SetFaultsAsync(new { dropMidBody = 1 });
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => j.FetchAsync("/api/v1/apikeys", JimCanary));

            var entries = await c.RequestLogAsync();
            Assert.All(entries, e => Assert.Equal(["method", "path", "status"], e.EnumerateObject().Select(p => p.Name)));
            Assert.Contains(entries, e => e.GetProperty("path").GetString() == "/api/api-keys" && e.GetProperty("status").GetInt32() == 200);
            Assert.DoesNotContain(entries, e => e.GetProperty("path").GetString()!.Contains('?'));
            Assert.DoesNotContain(entries, e => e.GetProperty("path").GetString()!.StartsWith("/_sandbox", StringComparison.Ordinal));
            log = (await c.FetchAsync("/_sandbox/requests")).Body + (await j.FetchAsync("/_sandbox/requests")).Body;
            Assert.True(sb.Stop(TimeSpan.FromSeconds(10)), "exits when stdin closes");
            stdout = sb.Stdout;
            stderr = sb.Stderr;
        }
        foreach (var canary in new[] { ImmichCanary, JimCanary, "CanaryImmich", "c0ffeec0ffee" })
        {
            Assert.DoesNotContain(canary, log);
            Assert.DoesNotContain(canary, stdout);
            Assert.DoesNotContain(canary, stderr);
        }
        Assert.Equal("", stdout); // the start-up line is the only output
    }

    [Fact]
    public async Task Request_log_can_be_cleared()
    {
        using var sb = SandboxProcess.Start("--kind", "immich");
        using var c = sb.Client("immich");
        await c.FetchAsync("/api/server/version");
        await c.FetchAsync("/nowhere/at/all");
        Assert.Equal(2, (await c.RequestLogAsync()).Length);
        await c.ClearRequestLogAsync();
        Assert.Empty(await c.RequestLogAsync());
    }
}
