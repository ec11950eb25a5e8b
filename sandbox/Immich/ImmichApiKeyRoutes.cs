using System.Text.RegularExpressions;
using Sandbox.Common;

namespace Sandbox.Immich;

/// <summary>
/// <c>/api/api-keys</c> (contracts-immich.md "Endpoints (API keys)"). Order of checks as in
/// NestJS: the auth guard (401/403), then validation of the id and the body (400), then the
/// service: "API Key not found" (400, never 404) and "Cannot grant permissions you do not have".
/// </summary>
public sealed partial class ImmichApiKeyRoutes(
    ImmichVersionLine line, ImmichKeyStore keys, ImmichAuthenticator auth, ImmichErrors errors)
{
    public void Map(WebApplication app)
    {
        app.Map("/api/api-keys", context => context.Request.Method switch
        {
            "GET" => ListAsync(context),
            "POST" => CreateAsync(context),
            _ => ImmichServer.NoRouteAsync(context, errors),
        });
        app.Map("/api/api-keys/{id}", context =>
        {
            var id = (string)context.Request.RouteValues["id"]!;
            return context.Request.Method switch
            {
                // Before 1.139 there is no /me route: "me" reaches /:id and fails the UUID check.
                "GET" when id == "me" && line.HasMeRoute => MeAsync(context),
                "GET" => GetAsync(context, id),
                "PUT" => UpdateAsync(context, id),
                "PATCH" when line.HasPatch => UpdateAsync(context, id),
                "DELETE" => DeleteAsync(context, id),
                _ => ImmichServer.NoRouteAsync(context, errors),
            };
        });
    }

    private async Task ListAsync(HttpContext context)
    {
        var caller = await auth.RequireAsync(context, "apiKey.read");
        if (caller is null) return;
        var list = keys.List(caller.User.Id);
        await JsonResponse.WriteAsync(context, 200, w => ImmichJson.WriteKeys(w, list), JsonResponse.Relaxed);
    }

    private async Task CreateAsync(HttpContext context)
    {
        var caller = await auth.RequireAsync(context, "apiKey.create");
        if (caller is null) return;
        var input = await ReadInputAsync(context, create: true);
        if (input is null) return;
        if (caller.ApiKey is not null && !ImmichAccess.IsGranted(input.Permissions!, caller.ApiKey.Permissions))
        {
            await errors.WriteAsync(context, 400, "Cannot grant permissions you do not have");
            return;
        }
        var secret = Secrets.ImmichSecret();
        // name: dto.name || 'API Key'
        var name = string.IsNullOrEmpty(input.Name) ? "API Key" : input.Name;
        var key = keys.Add(Guid.NewGuid(), name, input.Permissions!, Secrets.Sha256Hex(secret), caller.User.Id);
        await JsonResponse.WriteAsync(context, 201, w => ImmichJson.WriteCreated(w, secret, key), JsonResponse.Relaxed);
    }

    private async Task MeAsync(HttpContext context)
    {
        var caller = await auth.RequireAsync(context, permission: null);
        if (caller is null) return;
        if (caller.ApiKey is null)
        {
            await errors.WriteAsync(context, 403, "Not authenticated with an API Key");
            return;
        }
        var key = keys.Find(caller.User.Id, caller.ApiKey.Id);
        if (key is null)
        {
            await errors.WriteAsync(context, 400, "API Key not found");
            return;
        }
        await JsonResponse.WriteAsync(context, 200, w => ImmichJson.WriteKey(w, key), JsonResponse.Relaxed);
    }

    private async Task GetAsync(HttpContext context, string rawId)
    {
        var caller = await auth.RequireAsync(context, "apiKey.read");
        if (caller is null) return;
        if (await ParseIdAsync(context, rawId) is not { } id) return;
        var key = keys.Find(caller.User.Id, id);
        if (key is null)
        {
            await errors.WriteAsync(context, 400, "API Key not found");
            return;
        }
        await JsonResponse.WriteAsync(context, 200, w => ImmichJson.WriteKey(w, key), JsonResponse.Relaxed);
    }

    private async Task UpdateAsync(HttpContext context, string rawId)
    {
        var caller = await auth.RequireAsync(context, "apiKey.update");
        if (caller is null) return;
        if (await ParseIdAsync(context, rawId) is not { } id) return;
        var input = await ReadInputAsync(context, create: false);
        if (input is null) return;
        if (keys.Find(caller.User.Id, id) is null)
        {
            await errors.WriteAsync(context, 400, "API Key not found");
            return;
        }
        // 1.135 accepts permissions on update but checks the grant rule only on create (2.5.0 added it).
        if (line.UpdateChecksGrant && caller.ApiKey is not null && input.Permissions is not null &&
            !ImmichAccess.IsGranted(input.Permissions, caller.ApiKey.Permissions))
        {
            await errors.WriteAsync(context, 400, "Cannot grant permissions you do not have");
            return;
        }
        var updated = keys.Update(caller.User.Id, id, input.Name, input.Permissions);
        if (updated is null)
        {
            await errors.WriteAsync(context, 400, "API Key not found");
            return;
        }
        await JsonResponse.WriteAsync(context, 200, w => ImmichJson.WriteKey(w, updated), JsonResponse.Relaxed);
    }

    private async Task DeleteAsync(HttpContext context, string rawId)
    {
        var caller = await auth.RequireAsync(context, "apiKey.delete");
        if (caller is null) return;
        if (await ParseIdAsync(context, rawId) is not { } id) return;
        if (!keys.Delete(caller.User.Id, id))
        {
            await errors.WriteAsync(context, 400, "API Key not found");
            return;
        }
        context.Response.StatusCode = 204; // since 1.113.0 (PR #11811)
    }

    /// <summary>The id must be a version-4 UUID (<c>@IsUUID('4')</c> / <c>z.uuidv4()</c>), else 400 validation.</summary>
    private async Task<Guid?> ParseIdAsync(HttpContext context, string rawId)
    {
        if (UuidV4().IsMatch(rawId) && Guid.TryParse(rawId, out var id)) return id;
        await errors.WriteValidationAsync(context, [ImmichValidationIssue.NotUuid("id")]);
        return null;
    }

    private async Task<ImmichKeyInput?> ReadInputAsync(HttpContext context, bool create)
    {
        var body = await ImmichRequestBody.ReadAsync(context);
        if (body.Error is not null)
        {
            await errors.WriteAsync(context, 400, body.Error);
            return null;
        }
        using var document = body.Document;
        var issues = new List<ImmichValidationIssue>();
        var input = ImmichKeyInput.Validate(body, create, line, issues);
        if (issues.Count == 0) return input;
        await errors.WriteValidationAsync(context, issues);
        return null;
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", RegexOptions.IgnoreCase)]
    private static partial Regex UuidV4();
}
