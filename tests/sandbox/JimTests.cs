using System.Text.Json;

namespace Sandbox.Tests;

/// <summary>One JIM sandbox for the JIM contract tests.</summary>
public sealed class JimSandbox : IDisposable
{
    public SandboxProcess Process { get; } = SandboxProcess.Start("--kind", "jim");

    public void Dispose() => Process.Dispose();
}

/// <summary>
/// The JIM contract as a client sees it (contracts-jim.md sections 1-3), quirks included: 201 +
/// Location, full-replace PUT, 204 delete, 404 with <c>code</c> "", 401 JSON, 403 empty, HTML 200
/// for non-GUID ids, PATCH 400 empty, duplicate properties rejected, mixed timestamp forms.
/// </summary>
public sealed class JimTests(JimSandbox fixture) : IClassFixture<JimSandbox>
{
    private const string FreshTimestamp = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$";
    private const string StoredTimestamp = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+00:00$";
    private static readonly string[] KeyFields =
        ["id", "name", "description", "keyPrefix", "createdAt", "expiresAt", "lastUsedAt", "lastUsedFromIp", "isEnabled", "roles"];

    private SandboxProcess Sb => fixture.Process;
    private string Admin => Sb.Key("jim");

    [Fact]
    public void Startup_line_has_the_documented_fields()
    {
        var jim = Sb.Kind("jim");
        Assert.Equal("0.14.0", jim.GetProperty("version").GetString());
        Assert.Matches("^jim_ak_[0-9a-f]{64}$", Admin);
        Assert.True(Guid.TryParse(jim.GetProperty("apiKeyId").GetString(), out _));
        Assert.Equal(["Administrator", "Auditor", "Operator", "Reader"],
            jim.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("name").GetString()!));
        Assert.Equal(1, jim.GetProperty("roles")[0].GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Create_get_list_replace_delete()
    {
        using var c = Sb.Client("jim");
        var created = await c.SendAsync("POST", "/api/v1/apikeys",
            new { name = "CI key", description = "test", roleIds = new[] { 1 }, expiresAt = "2099-01-01T00:00:00Z" }, Admin);
        Assert.Equal(201, created.Code);
        Assert.Equal("application/json", created.MediaType);
        Assert.Equal("1.0", created.Header("api-supported-versions"));
        var body = created.Json;
        Assert.Equal(["key", .. KeyFields], body.EnumerateObject().Select(p => p.Name));
        var plain = body.GetProperty("key").GetString()!;
        Assert.Matches("^jim_ak_[0-9a-f]{64}$", plain);
        Assert.Equal(plain[..12], body.GetProperty("keyPrefix").GetString());
        Assert.Matches(FreshTimestamp, body.GetProperty("createdAt").GetString()!);
        Assert.Equal("2099-01-01T00:00:00Z", body.GetProperty("expiresAt").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("lastUsedAt").ValueKind);
        Assert.True(body.GetProperty("isEnabled").GetBoolean());
        var role = body.GetProperty("roles")[0];
        Assert.Equal(["id", "name", "builtIn", "created", "staticMemberCount"], role.EnumerateObject().Select(p => p.Name));
        Assert.Matches(StoredTimestamp, role.GetProperty("created").GetString()!);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal($"{Sb.Url("jim")}/api/v1/apikeys/{id}", created.Header("Location"));

        var got = await c.FetchAsync($"/api/v1/apikeys/{id}", Admin);
        Assert.Equal(200, got.Code);
        Assert.Equal(KeyFields, got.Json.EnumerateObject().Select(p => p.Name));
        Assert.Matches(StoredTimestamp, got.Json.GetProperty("createdAt").GetString()!);
        Assert.Equal("2099-01-01T00:00:00+00:00", got.Json.GetProperty("expiresAt").GetString());
        Assert.Equal(DateTimeOffset.Parse(body.GetProperty("createdAt").GetString()!).ToUnixTimeMilliseconds(),
            DateTimeOffset.Parse(got.Json.GetProperty("createdAt").GetString()!).ToUnixTimeMilliseconds());

        // The new key works, and records its last use.
        Assert.Equal(200, (await c.FetchAsync("/api/v1/security/roles", plain)).Code);
        var used = (await c.FetchAsync($"/api/v1/apikeys/{id}", Admin)).Json;
        Assert.Matches(StoredTimestamp, used.GetProperty("lastUsedAt").GetString()!);
        Assert.Equal("127.0.0.1", used.GetProperty("lastUsedFromIp").GetString());

        var list = await c.FetchAsync("/api/v1/apikeys", Admin);
        var names = list.Json.EnumerateArray().Select(k => k.GetProperty("name").GetString()!).ToArray();
        Assert.Contains("CI key", names);
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), names);

        // PUT is a full replacement: what is left out takes the DTO default.
        var replaced = await c.SendAsync("PUT", $"/api/v1/apikeys/{id}", new { name = "CI key renamed" }, Admin);
        Assert.Equal(200, replaced.Code);
        Assert.Equal(JsonValueKind.Null, replaced.Json.GetProperty("description").ValueKind);
        Assert.Equal(JsonValueKind.Null, replaced.Json.GetProperty("expiresAt").ValueKind);
        Assert.False(replaced.Json.GetProperty("isEnabled").GetBoolean());
        Assert.Equal(0, replaced.Json.GetProperty("roles").GetArrayLength());
        Assert.Matches(StoredTimestamp, replaced.Json.GetProperty("createdAt").GetString()!);
        Assert.Equal(401, (await c.FetchAsync("/api/v1/security/roles", plain)).Code); // disabled now

        // Property names are matched case-insensitively.
        var upper = await c.SendAsync("PUT", $"/api/v1/apikeys/{id}", raw: """{"Name":"upper","IsEnabled":true,"RoleIds":[2]}""", apiKey: Admin);
        Assert.Equal(200, upper.Code);
        Assert.Equal("upper", upper.Json.GetProperty("name").GetString());
        Assert.True(upper.Json.GetProperty("isEnabled").GetBoolean());
        Assert.Equal(403, (await c.FetchAsync("/api/v1/apikeys", plain)).Code); // enabled, but no Administrator

        var deleted = await c.SendAsync("DELETE", $"/api/v1/apikeys/{id}?changeReason=rotated", apiKey: Admin);
        Assert.Equal(204, deleted.Code);
        Assert.Equal("", deleted.Body);
        var again = await c.SendAsync("DELETE", $"/api/v1/apikeys/{id}", apiKey: Admin);
        Assert.Equal(404, again.Code);
        Expect.JimApiError(again, "", $"API key not found: {id}");
        Expect.JimApiError(await c.FetchAsync($"/api/v1/apikeys/{id}", Admin), "", $"API key not found: {id}");
    }

    [Fact]
    public async Task Authentication_and_authorisation_failures()
    {
        using var c = Sb.Client("jim");
        foreach (var key in new string?[] { null, "garbage", "jim_ak_" + new string('0', 64) })
        {
            var r = await c.FetchAsync("/api/v1/apikeys", key);
            Assert.Equal(401, r.Code);
            Assert.Equal("""{"error":"Unauthorized","message":"Authentication required"}""", r.Body);
        }
        var expired = await c.SendAsync("POST", "/api/v1/apikeys", new { name = "old", roleIds = new[] { 1 }, expiresAt = "2020-01-01T00:00:00Z" }, Admin);
        Assert.Equal(201, expired.Code); // a past expiry is accepted...
        Assert.Equal(401, (await c.FetchAsync("/api/v1/apikeys", expired.Json.GetProperty("key").GetString())).Code); // ...then refused

        var reader = await c.SendAsync("POST", "/api/v1/apikeys", new { name = "reader", roleIds = new[] { 4 } }, Admin);
        var forbidden = await c.FetchAsync("/api/v1/apikeys", reader.Json.GetProperty("key").GetString());
        Assert.Equal(403, forbidden.Code);
        Assert.Equal("", forbidden.Body);
        Assert.Equal(0, forbidden.ContentHeaders.ContentLength);
        Assert.Equal(403, (await c.FetchAsync("/api/v1/security/roles", reader.Json.GetProperty("key").GetString())).Code);

        // Health is anonymous: even a bogus key gets 200.
        Assert.Equal(200, (await c.FetchAsync("/api/v1/health", "bogus")).Code);
    }

    [Fact]
    public async Task Routes_that_fall_through_to_the_web_ui()
    {
        using var c = Sb.Client("jim");
        foreach (var path in new[] { "/api/v1/apikeys/abc", "/api/v2/apikeys", "/nowhere" })
        {
            var r = await c.FetchAsync(path, Admin);
            Assert.Equal(200, r.Code);
            Assert.Equal("text/html", r.MediaType);
        }
        var patch = await c.SendAsync("PATCH", $"/api/v1/apikeys/{Sb.Kind("jim").GetProperty("apiKeyId").GetString()}", new { name = "x" }, Admin);
        Assert.Equal(400, patch.Code);
        Assert.Equal("", patch.Body);
        // Routing is case-insensitive.
        Assert.Equal(200, (await c.FetchAsync("/api/v1/ApiKeys", Admin)).Code);
    }

    [Fact]
    public async Task Bad_bodies_give_validation_problems_or_api_errors()
    {
        using var c = Sb.Client("jim");
        var id = Sb.Kind("jim").GetProperty("apiKeyId").GetString();
        var duplicate = await c.SendAsync("POST", "/api/v1/apikeys", raw: """{"name":"a","name":"b"}""", apiKey: Admin);
        AssertValidationProblem(duplicate, "$.name");
        AssertValidationProblem(await c.SendAsync("PUT", $"/api/v1/apikeys/{id}", raw: """{"name":"a",""", apiKey: Admin), "$");
        AssertValidationProblem(await c.SendAsync("POST", "/api/v1/apikeys", raw: """{"name":5}""", apiKey: Admin), "$.name");
        AssertValidationProblem(await c.SendAsync("POST", "/api/v1/apikeys", new { name = "x", changeReason = new string('r', 1001) }, Admin), "ChangeReason");
        AssertValidationProblem(await c.SendAsync("DELETE", $"/api/v1/apikeys/{Guid.NewGuid()}?changeReason={new string('r', 1001)}", apiKey: Admin), "changeReason");

        Expect.JimApiError(await c.SendAsync("POST", "/api/v1/apikeys", new { description = "no name" }, Admin), "", "API key name is required", 400);
        Expect.JimApiError(await c.SendAsync("POST", "/api/v1/apikeys", new { name = "x", roleIds = new[] { 99 } }, Admin), "", "One or more role IDs are invalid", 400);
        // The name check comes before the existence check.
        Expect.JimApiError(await c.SendAsync("PUT", $"/api/v1/apikeys/{Guid.NewGuid()}", new { name = " " }, Admin), "", "API key name is required", 400);
    }

    [Fact]
    public async Task Roles_and_health()
    {
        using var c = Sb.Client("jim");
        var roles = await c.FetchAsync("/api/v1/security/roles", Admin);
        Assert.Equal(200, roles.Code);
        var admin = roles.Json[0];
        Assert.Equal("Administrator", admin.GetProperty("name").GetString());
        Assert.True(admin.GetProperty("builtIn").GetBoolean());
        Assert.Equal(4, roles.Json.GetArrayLength());
        Assert.Equal("Operator", (await c.FetchAsync("/api/v1/security/roles/3", Admin)).Json.GetProperty("name").GetString());
        Expect.JimApiError(await c.FetchAsync("/api/v1/security/roles/99", Admin), "NOT_FOUND", "Role not found: 99", 404);

        Assert.Equal("healthy", (await c.FetchAsync("/api/v1/health")).Json.GetProperty("status").GetString());
        Assert.Equal("ready", (await c.FetchAsync("/api/v1/health/ready")).Json.GetProperty("status").GetString());
        Assert.Equal("alive", (await c.FetchAsync("/api/v1/health/live")).Json.GetProperty("status").GetString());
        Assert.Equal("""{"product":"JIM","version":"0.14.0"}""", (await c.FetchAsync("/api/v1/health/version")).Body);
    }

    private static void AssertValidationProblem(Reply reply, string errorKey)
    {
        Assert.Equal(400, reply.Code);
        var body = reply.Json;
        Assert.Equal("One or more validation errors occurred.", body.GetProperty("title").GetString());
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.1", body.GetProperty("type").GetString());
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.True(body.GetProperty("errors").TryGetProperty(errorKey, out _), reply.Body);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("traceId").GetString()));
    }
}
