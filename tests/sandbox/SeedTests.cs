using System.Diagnostics;

namespace Sandbox.Tests;

/// <summary>
/// Runs alone (after the parallel collections), so the start-up time it measures is the
/// sandbox's own and not the other tests' competition for the same two cores.
/// </summary>
[CollectionDefinition("alone", DisableParallelization = true)]
public sealed class AloneCollection;

/// <summary><c>--seed-keys N</c> (benchmarks): 100,000 keys per kind must start in seconds.</summary>
[Collection("alone")]
public sealed class SeedTests
{
    [Fact]
    public async Task Seeding_100000_keys_per_kind_starts_quickly_and_lists_them_all()
    {
        var watch = Stopwatch.StartNew();
        using var sb = SandboxProcess.Start("--seed-keys", "100000");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"start-up took {watch.Elapsed}");
        using var c = sb.Client("immich");
        using var j = sb.Client("jim");
        Assert.Equal(100_002, await c.KeyCountAsync()); // + the admin key and PSImmich's fixed key
        Assert.Equal(100_001, await j.KeyCountAsync()); // + the infrastructure key
        var immich = await c.FetchAsync("/api/api-keys", sb.Key("immich"));
        Assert.Equal(100_002, immich.Json.GetArrayLength());
        var jim = await j.FetchAsync("/api/v1/apikeys", sb.Key("jim"));
        Assert.Equal(100_001, jim.Json.GetArrayLength());
        Assert.Equal("seed-000001", jim.Json[1].GetProperty("name").GetString()); // ordered by name, after "Infrastructure Key"
    }
}
