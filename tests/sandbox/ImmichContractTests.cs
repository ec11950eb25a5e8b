using System.Text.Json;

namespace Sandbox.Tests;

/// <summary>
/// Every Immich key-route answer, for each line, checked against the saved OpenAPI spec
/// (shared/contracts/immich-openapi.json) and the statuses of contracts-immich.md.
/// </summary>
[Collection("immich")]
public sealed class ImmichContractTests(ImmichSandboxes sandboxes)
{
    private static readonly OpenApiSchema Spec = OpenApiSchema.Immich;

    [Theory]
    [MemberData(nameof(ImmichLines.All), MemberType = typeof(ImmichLines))]
    public async Task Startup_line_and_server_version(string line)
    {
        var sb = sandboxes.For(line);
        var info = sb.Kind("immich");
        Assert.Equal(ImmichLines.Version(line), info.GetProperty("version").GetString());
        Assert.Equal("admin@immich.local", info.GetProperty("email").GetString());
        Assert.False(string.IsNullOrEmpty(info.GetProperty("password").GetString()));
        Assert.Matches("^[A-Za-z0-9]{30,43}$", sb.Key("immich"));
        Assert.Equal("a1c2b770-3c58-46d9-ac6d-2e6d03d870e2", info.GetProperty("fixedKeyId").GetString());
        Assert.True(Guid.TryParse(info.GetProperty("apiKeyId").GetString(), out _));
        Assert.Equal(JsonValueKind.Null, sb.Info.GetProperty("caFile").ValueKind);
        Assert.Equal(sb.Process.Id, sb.Info.GetProperty("pid").GetInt32());

        using var c = sb.Client("immich");
        var version = await c.FetchAsync("/api/server/version"); // no authentication
        Assert.Equal(200, version.Code);
        Spec.AssertValid(version.Json, Spec.ResponseSchema("/server/version", "get", 200), ImmichLines.SchemaOptions(line));
        var parts = ImmichLines.Version(line).Split('.').Select(int.Parse).ToArray();
        Assert.Equal(parts, new[] { version.Json.GetProperty("major").GetInt32(), version.Json.GetProperty("minor").GetInt32(), version.Json.GetProperty("patch").GetInt32() });
        Assert.Equal(line == "3.x", version.Json.TryGetProperty("prerelease", out var pre));
        if (line == "3.x") Assert.Equal(JsonValueKind.Null, pre.ValueKind);
    }

    [Theory]
    [MemberData(nameof(ImmichLines.All), MemberType = typeof(ImmichLines))]
    public async Task Key_lifecycle_answers_match_the_spec(string line)
    {
        var sb = sandboxes.For(line);
        var key = sb.Key("immich");
        var options = ImmichLines.SchemaOptions(line);
        using var c = sb.Client("immich");

        var created = await c.SendAsync("POST", "/api/api-keys", new { name = "life-" + line, permissions = new[] { "all" } }, key);
        Assert.Equal(201, created.Code);
        Assert.Equal("application/json", created.MediaType);
        Spec.AssertValid(created.Json, Spec.ResponseSchema("/api-keys", "post", 201), options);
        var secret = created.Json.GetProperty("secret").GetString()!;
        Assert.Matches("^[A-Za-z0-9]{30,43}$", secret);
        var id = created.Json.GetProperty("apiKey").GetProperty("id").GetString()!;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", created.Json.GetProperty("apiKey").GetProperty("createdAt").GetString()!);

        var list = await c.FetchAsync("/api/api-keys", key);
        Assert.Equal(200, list.Code);
        Spec.AssertValid(list.Json, Spec.ResponseSchema("/api-keys", "get", 200), options);
        var items = list.Json.EnumerateArray().ToArray();
        Assert.Contains(items, k => k.GetProperty("id").GetString() == id);
        Assert.All(items, k => Assert.False(k.TryGetProperty("secret", out _) || k.TryGetProperty("key", out _)));
        var created_ = items.Select(k => DateTimeOffset.Parse(k.GetProperty("createdAt").GetString()!)).ToArray();
        Assert.Equal(created_.OrderByDescending(d => d), created_); // newest first

        var got = await c.FetchAsync($"/api/api-keys/{id}", key);
        Assert.Equal(200, got.Code);
        Spec.AssertValid(got.Json, Spec.ResponseSchema("/api-keys/{id}", "get", 200), options);

        var renamed = await c.SendAsync("PUT", $"/api/api-keys/{id}", new { name = "renamed" }, key);
        Assert.Equal(200, renamed.Code);
        Spec.AssertValid(renamed.Json, Spec.ResponseSchema("/api-keys/{id}", "put", 200), options);
        Assert.Equal("renamed", renamed.Json.GetProperty("name").GetString());
        Assert.Equal(["all"], renamed.Json.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));

        // 3.x has a hidden PATCH with PUT's behaviour; before, PATCH is an unknown route (404).
        var patched = await c.SendAsync("PATCH", $"/api/api-keys/{id}", new { permissions = new[] { "asset.read" } }, key);
        if (line == "3.x")
        {
            Assert.Equal(200, patched.Code);
            Spec.AssertValid(patched.Json, Spec.Component("ApiKeyResponseDto"), options);
            Assert.Equal("renamed", patched.Json.GetProperty("name").GetString());
        }
        else
        {
            Assert.Equal(404, patched.Code);
        }

        var me = await c.FetchAsync("/api/api-keys/me", key);
        if (line == "1.x")
        {
            Assert.Equal(400, me.Code); // no /me before 1.139: "me" reaches /:id and is not a UUID
        }
        else
        {
            Assert.Equal(200, me.Code);
            Spec.AssertValid(me.Json, Spec.ResponseSchema("/api-keys/me", "get", 200), options);
            Assert.Equal(sb.Kind("immich").GetProperty("apiKeyId").GetString(), me.Json.GetProperty("id").GetString());
        }

        var deleted = await c.SendAsync("DELETE", $"/api/api-keys/{id}", apiKey: key);
        Assert.Equal(204, deleted.Code);
        Assert.Equal("", deleted.Body);
        var gone = await c.FetchAsync($"/api/api-keys/{id}", key);
        Assert.Equal(400, gone.Code);
        Assert.Equal("API Key not found", gone.Json.GetProperty("message").GetString());
        Expect.ImmichError(line, gone, 400);
    }

    [Theory]
    [MemberData(nameof(ImmichLines.All), MemberType = typeof(ImmichLines))]
    public async Task Login_validate_and_logout(string line)
    {
        var sb = sandboxes.For(line);
        var info = sb.Kind("immich");
        using var c = sb.Client("immich");
        var login = await c.SendAsync("POST", "/api/auth/login",
            new { email = info.GetProperty("email").GetString(), password = info.GetProperty("password").GetString() });
        Assert.Equal(201, login.Code);
        Spec.AssertValid(login.Json, Spec.ResponseSchema("/auth/login", "post", 201), ImmichLines.SchemaOptions(line));
        var token = login.Json.GetProperty("accessToken").GetString()!;
        Assert.True(login.Json.GetProperty("isAdmin").GetBoolean());

        var valid = await c.SendAsync("POST", "/api/auth/validateToken", bearer: token);
        Assert.Equal(200, valid.Code);
        Spec.AssertValid(valid.Json, Spec.ResponseSchema("/auth/validateToken", "post", 200));
        Assert.True(valid.Json.GetProperty("authStatus").GetBoolean());

        // A key made with a session belongs to the admin, like every other key.
        var made = await c.SendAsync("POST", "/api/api-keys", new { name = "by-session", permissions = new[] { "asset.read" } }, bearer: token);
        Assert.Equal(201, made.Code);
        var list = await c.FetchAsync("/api/api-keys", sb.Key("immich"));
        Assert.Contains(list.Json.EnumerateArray(), k => k.GetProperty("id").GetString() == made.Json.GetProperty("apiKey").GetProperty("id").GetString());

        if (line != "1.x")
        {
            var me = await c.FetchAsync("/api/api-keys/me", bearer: token);
            Assert.Equal(403, me.Code);
            Assert.Equal("Not authenticated with an API Key", me.Json.GetProperty("message").GetString());
        }

        var logout = await c.SendAsync("POST", "/api/auth/logout", bearer: token);
        Assert.Equal(200, logout.Code);
        Spec.AssertValid(logout.Json, Spec.ResponseSchema("/auth/logout", "post", 200));
        Assert.True(logout.Json.GetProperty("successful").GetBoolean());
        Assert.Equal("/auth/login?autoLaunch=0", logout.Json.GetProperty("redirectUri").GetString());

        var after = await c.FetchAsync("/api/api-keys", bearer: token);
        Assert.Equal(401, after.Code);
        Assert.Equal("Invalid user token", after.Json.GetProperty("message").GetString());

        var wrong = await c.SendAsync("POST", "/api/auth/login", new { email = "admin@immich.local", password = "wrong" });
        Assert.Equal(401, wrong.Code);
        Assert.Equal("Incorrect email or password", wrong.Json.GetProperty("message").GetString());
        Expect.ImmichError(line, wrong, 401);

        // PSImmich's Disconnect-Immich logs out with the API key itself: allowed for a key with "all".
        var keyLogout = await c.SendAsync("POST", "/api/auth/logout", apiKey: sb.Key("immich"));
        Assert.Equal(200, keyLogout.Code);
        Assert.Equal(200, (await c.FetchAsync("/api/api-keys", sb.Key("immich"))).Code);
    }

    [Theory]
    [MemberData(nameof(ImmichLines.All), MemberType = typeof(ImmichLines))]
    public async Task Authentication_failures_and_the_psimmich_fixed_key(string line)
    {
        var sb = sandboxes.For(line);
        using var c = sb.Client("immich");
        var none = await c.FetchAsync("/api/api-keys");
        Assert.Equal(401, none.Code);
        Assert.Equal("Authentication required", none.Json.GetProperty("message").GetString());
        Expect.ImmichError(line, none, 401);
        var bad = await c.FetchAsync("/api/api-keys", "not-a-key");
        Assert.Equal(401, bad.Code);
        Assert.Equal("Invalid API key", bad.Json.GetProperty("message").GetString());

        // The key also works as the apiKey query parameter, and X-API-Key in any case.
        Assert.Equal(200, (await c.FetchAsync($"/api/api-keys?apiKey={sb.Key("immich")}")).Code);
        Assert.Equal(200, (await c.SendAsync("GET", "/api/api-keys", apiKey: sb.Key("immich"), apiKeyHeader: "X-API-Key")).Code);

        var fixedKey = await c.FetchAsync("/api/api-keys/a1c2b770-3c58-46d9-ac6d-2e6d03d870e2", sb.Key("immich"));
        Assert.Equal(200, fixedKey.Code);
        Assert.Equal("a1c2b770-3c58-46d9-ac6d-2e6d03d870e2", fixedKey.Json.GetProperty("id").GetString());

        var valid = await c.SendAsync("POST", "/api/auth/validateToken", apiKey: sb.Key("immich"));
        Assert.Equal(200, valid.Code);
        Assert.Equal("""{"authStatus":true}""", valid.Body);
    }
}
