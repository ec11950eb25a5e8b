using System.Text.Json;

namespace Sandbox.Tests;

/// <summary>
/// The rules of contracts-immich.md that clients must cope with: "cannot grant what you lack"
/// (create since 1.113, update since 2.5), per-route permissions (403), 400 "API Key not found"
/// for unknown ids, validation errors per line, and each line's Permission enum.
/// </summary>
[Collection("immich")]
public sealed class ImmichRuleTests(ImmichSandboxes sandboxes)
{
    private static async Task<(string Secret, string Id)> CreateAsync(HttpClient c, string key, params string[] permissions)
    {
        var r = await c.SendAsync("POST", "/api/api-keys", new { name = "rule", permissions }, key);
        Assert.Equal(201, r.Code);
        return (r.Json.GetProperty("secret").GetString()!, r.Json.GetProperty("apiKey").GetProperty("id").GetString()!);
    }

    [Theory]
    [MemberData(nameof(ImmichLines.All), MemberType = typeof(ImmichLines))]
    public async Task A_key_cannot_grant_what_it_lacks(string line)
    {
        var sb = sandboxes.For(line);
        using var c = sb.Client("immich");
        var (limited, _) = await CreateAsync(c, sb.Key("immich"), "apiKey.create", "apiKey.read", "apiKey.update", "activity.read");

        var wide = await c.SendAsync("POST", "/api/api-keys", new { name = "wide", permissions = new[] { "all" } }, limited);
        Assert.Equal(400, wide.Code);
        Assert.Equal("Cannot grant permissions you do not have", wide.Json.GetProperty("message").GetString());
        Expect.ImmichError(line, wide, 400);

        var (_, narrowId) = await CreateAsync(c, limited, "activity.read");
        var raise = await c.SendAsync("PUT", $"/api/api-keys/{narrowId}", new { permissions = new[] { "album.read" } }, limited);
        if (line == "1.x")
        {
            Assert.Equal(200, raise.Code); // 1.135 does not check updates (PR #25363 came in 2.5.0)
        }
        else
        {
            Assert.Equal(400, raise.Code);
            Assert.Equal("Cannot grant permissions you do not have", raise.Json.GetProperty("message").GetString());
        }
        Assert.Equal(200, (await c.SendAsync("PUT", $"/api/api-keys/{narrowId}", new { name = "only-name" }, limited)).Code);

        var delete = await c.SendAsync("DELETE", $"/api/api-keys/{narrowId}", apiKey: limited);
        Assert.Equal(403, delete.Code);
        Assert.Equal("Missing required permission: apiKey.delete", delete.Json.GetProperty("message").GetString());
        Expect.ImmichError(line, delete, 403);

        // Logout is a plain @Authenticated() route: it needs "all" from 1.136.0.
        var logout = await c.SendAsync("POST", "/api/auth/logout", apiKey: limited);
        Assert.Equal(line == "1.x" ? 200 : 403, logout.Code);
        if (line != "1.x") Assert.Equal("Missing required permission: all", logout.Json.GetProperty("message").GetString());

        // Sessions are not limited by the rule.
        var info = sb.Kind("immich");
        var login = await c.SendAsync("POST", "/api/auth/login",
            new { email = info.GetProperty("email").GetString(), password = info.GetProperty("password").GetString() });
        var token = login.Json.GetProperty("accessToken").GetString()!;
        Assert.Equal(201, (await c.SendAsync("POST", "/api/api-keys", new { permissions = new[] { "all" } }, bearer: token)).Code);
    }

    [Theory]
    [MemberData(nameof(ImmichLines.All), MemberType = typeof(ImmichLines))]
    public async Task Ids_are_validated_before_lookup(string line)
    {
        var sb = sandboxes.For(line);
        var key = sb.Key("immich");
        using var c = sb.Client("immich");
        foreach (var bad in new[] { "abc", "11111111-1111-1111-1111-111111111111" /* v1, not v4 */ })
        {
            var r = await c.FetchAsync($"/api/api-keys/{bad}", key);
            Assert.Equal(400, r.Code);
            AssertValidationError(line, r, "id");
        }
        foreach (var method in new[] { "GET", "PUT", "DELETE" })
        {
            var r = await c.SendAsync(method, "/api/api-keys/11111111-1111-4111-8111-111111111111",
                method == "PUT" ? new { name = "x" } : null, key);
            Assert.Equal(400, r.Code);
            Assert.Equal("API Key not found", r.Json.GetProperty("message").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(ImmichLines.All), MemberType = typeof(ImmichLines))]
    public async Task Bodies_are_validated_per_line(string line)
    {
        var sb = sandboxes.For(line);
        var key = sb.Key("immich");
        using var c = sb.Client("immich");

        var unknown = await c.SendAsync("POST", "/api/api-keys", new { name = "x", permissions = new[] { "asset.fly" } }, key);
        Assert.Equal(400, unknown.Code);
        AssertValidationError(line, unknown, "permissions");

        var missing = await c.SendAsync("POST", "/api/api-keys", new { name = "x" }, key);
        Assert.Equal(400, missing.Code);
        AssertValidationError(line, missing, "permissions");

        var empty = await c.SendAsync("POST", "/api/api-keys", new { name = "x", permissions = Array.Empty<string>() }, key);
        Assert.Equal(400, empty.Code);

        // name: non-empty before 3.x; 3.x stores an empty name as "API Key".
        var blank = await c.SendAsync("POST", "/api/api-keys", new { name = "", permissions = new[] { "all" } }, key);
        if (line == "3.x")
        {
            Assert.Equal(201, blank.Code);
            Assert.Equal("API Key", blank.Json.GetProperty("apiKey").GetProperty("name").GetString());
        }
        else
        {
            Assert.Equal(400, blank.Code);
            AssertValidationError(line, blank, "name");
        }
        var unnamed = await c.SendAsync("POST", "/api/api-keys", new { permissions = new[] { "all" } }, key);
        Assert.Equal("API Key", unnamed.Json.GetProperty("apiKey").GetProperty("name").GetString());

        var malformed = await c.SendAsync("POST", "/api/api-keys", raw: "{\"name\":", apiKey: key);
        Assert.Equal(400, malformed.Code);
    }

    [Theory]
    [MemberData(nameof(ImmichLines.All), MemberType = typeof(ImmichLines))]
    public async Task Each_line_accepts_exactly_its_permission_names(string line)
    {
        var sb = sandboxes.For(line);
        var key = sb.Key("immich");
        using var c = sb.Client("immich");
        var expected = ImmichLines.Permissions(line);
        Assert.Equal(line switch { "1.x" => 84, "2.x" => 156, _ => 155 }, expected.Length);

        var every = await c.SendAsync("POST", "/api/api-keys", new { name = "every", permissions = expected }, key);
        Assert.Equal(201, every.Code);
        Assert.Equal(expected, every.Json.GetProperty("apiKey").GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!));

        foreach (var (name, lines) in new[] { ("album.addAsset", "1.x"), ("asset.replace", "2.x"), ("albumAsset.create", "2.x 3.x"), ("map.search", "2.x 3.x") })
        {
            var r = await c.SendAsync("POST", "/api/api-keys", new { name = "p", permissions = new[] { name } }, key);
            Assert.True(lines.Contains(line) ? r.Code == 201 : r.Code == 400, $"{line} {name}: {r}");
        }
    }

    private static void AssertValidationError(string line, Reply reply, string field)
    {
        var body = reply.Json;
        if (line == "3.x")
        {
            Assert.Equal("Validation failed", body.GetProperty("message").GetString());
            var errors = body.GetProperty("errors").EnumerateArray().ToArray();
            Assert.NotEmpty(errors);
            Assert.Contains(errors, e => e.GetProperty("path")[0].GetString() == field && e.TryGetProperty("message", out _));
        }
        else
        {
            Assert.Equal(JsonValueKind.Array, body.GetProperty("message").ValueKind);
            Assert.Contains(body.GetProperty("message").EnumerateArray(), m => m.GetString()!.Contains(field, StringComparison.Ordinal));
            Assert.Equal("Bad Request", body.GetProperty("error").GetString());
        }
    }
}
