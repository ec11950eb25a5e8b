using System.Text.Json;

namespace Sandbox.Tests;

/// <summary>The schema checker itself: it must reject what the spec forbids, or the contract tests prove nothing.</summary>
public sealed class OpenApiSchemaTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void Rejects_missing_fields_wrong_types_bad_formats_and_unknown_enum_values()
    {
        var spec = OpenApiSchema.Immich;
        const string good = """{"id":"a1c2b770-3c58-46d9-ac6d-2e6d03d870e2","name":"k","createdAt":"2024-01-01T00:00:00.000Z","updatedAt":"2024-01-01T00:00:00.000Z","permissions":["all"]}""";
        Assert.Empty(spec.Validate(Parse(good), spec.Component("ApiKeyResponseDto")));

        Assert.Contains(spec.Validate(Parse("""{"id":"a1c2b770-3c58-46d9-ac6d-2e6d03d870e2","name":"k","createdAt":"2024-01-01T00:00:00.000Z","permissions":[]}"""),
            spec.Component("ApiKeyResponseDto")), e => e.Contains("updatedAt", StringComparison.Ordinal));
        Assert.NotEmpty(spec.Validate(Parse(good.Replace("\"k\"", "5", StringComparison.Ordinal)), spec.Component("ApiKeyResponseDto")));
        Assert.NotEmpty(spec.Validate(Parse(good.Replace("a1c2b770-3c58-46d9", "a1c2b770-3c58-16d9", StringComparison.Ordinal)), spec.Component("ApiKeyResponseDto")));
        Assert.NotEmpty(spec.Validate(Parse(good.Replace("2024-01-01T00:00:00.000Z\",\"perm", "yesterday\",\"perm", StringComparison.Ordinal)), spec.Component("ApiKeyResponseDto")));
        var oldName = Parse(good.Replace("[\"all\"]", "[\"album.addAsset\"]", StringComparison.Ordinal));
        Assert.NotEmpty(spec.Validate(oldName, spec.Component("ApiKeyResponseDto")));
        Assert.Empty(spec.Validate(oldName, spec.Component("ApiKeyResponseDto"), ImmichLines.SchemaOptions("1.x")));
    }

    [Fact]
    public void Resolves_references_and_nullable()
    {
        var spec = OpenApiSchema.Immich;
        var version = spec.ResponseSchema("/server/version", "get", 200);
        Assert.Empty(spec.Validate(Parse("""{"major":3,"minor":1,"patch":0,"prerelease":null}"""), version));
        Assert.NotEmpty(spec.Validate(Parse("""{"major":3,"minor":1,"patch":0}"""), version));
        Assert.NotEmpty(spec.Validate(Parse("""{"major":3.5,"minor":1,"patch":0,"prerelease":null}"""), version));
        Assert.NotEmpty(spec.Validate(Parse("""{"secret":"s","apiKey":{}}"""), spec.ResponseSchema("/api-keys", "post", 201)));
    }
}
