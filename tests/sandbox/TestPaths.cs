using System.Reflection;

namespace Sandbox.Tests;

/// <summary>Where the built sandbox and the saved Immich OpenAPI spec are (set by the project file; env overrides).</summary>
public static class TestPaths
{
    public static string SandboxDll =>
        Environment.GetEnvironmentVariable("APIKEYS_TEST_SANDBOX_DLL") ?? Metadata("SandboxDll");

    public static string ImmichOpenApi =>
        Environment.GetEnvironmentVariable("APIKEYS_IMMICH_OPENAPI") ?? Metadata("ImmichOpenApi");

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
