using Sandbox.Common;

namespace Sandbox.Jim;

/// <summary>
/// <c>/api/v1/apikeys</c> (contracts-jim.md section 1): Administrator only; list ordered by name;
/// 201 + Location on create; PUT is a full replacement; 204 on delete; 404 ApiErrorResponse with
/// <c>code</c> "". Ids must be GUIDs (<c>{id:guid}</c>), anything else falls through to the web UI.
/// </summary>
public sealed class JimApiKeyRoutes(JimKeyStore keys, IReadOnlyDictionary<int, JimRole> roles, JimAuthenticator auth)
{
    private const int MaxChangeReason = 1000;

    public void Map(WebApplication app)
    {
        app.Map("/api/v1/apikeys", context => context.Request.Method switch
        {
            "GET" => JimServer.ApiAsync(context, ListAsync),
            "POST" => JimServer.ApiAsync(context, CreateAsync),
            _ => JimServer.NoRouteAsync(context),
        });
        app.Map("/api/v1/apikeys/{id:guid}", context =>
        {
            var id = Guid.Parse((string)context.Request.RouteValues["id"]!);
            return context.Request.Method switch
            {
                "GET" => JimServer.ApiAsync(context, c => GetAsync(c, id)),
                "PUT" => JimServer.ApiAsync(context, c => UpdateAsync(c, id)),
                "DELETE" => JimServer.ApiAsync(context, c => DeleteAsync(c, id)),
                _ => JimServer.NoRouteAsync(context), // PATCH included: 400, empty body
            };
        });
    }

    private async Task ListAsync(HttpContext context)
    {
        if (await auth.RequireAdministratorAsync(context) is null) return;
        var list = keys.List();
        await JsonResponse.WriteAsync(context, 200, w => JimJson.WriteKeys(w, list, roles), JsonResponse.AspNet);
    }

    private async Task GetAsync(HttpContext context, Guid id)
    {
        if (await auth.RequireAdministratorAsync(context) is null) return;
        var key = keys.Find(id);
        if (key is null)
        {
            await NotFoundAsync(context, id);
            return;
        }
        await JsonResponse.WriteAsync(context, 200, w => JimJson.WriteKey(w, key, roles), JsonResponse.AspNet);
    }

    private async Task CreateAsync(HttpContext context)
    {
        if (await auth.RequireAdministratorAsync(context) is null) return;
        var bound = await JimBinder.BindAsync<JimCreateRequest>(context);
        if (!await BindingSucceededAsync(context, bound, bound.Value?.ChangeReason)) return;
        var request = bound.Value!;
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            await JimErrors.ApiErrorAsync(context, 400, "", "API key name is required");
            return;
        }
        var roleIds = request.RoleIds ?? [];
        if (!RolesExist(roleIds))
        {
            await JimErrors.ApiErrorAsync(context, 400, "", "One or more role IDs are invalid");
            return;
        }
        var plain = Secrets.JimKey();
        var key = new JimApiKey(Guid.NewGuid(), request.Name, request.Description, plain[..12], Secrets.Sha256Hex(plain),
            JimClock.Now(), request.ExpiresAt?.UtcDateTime, null, null, true, [.. roleIds], false);
        keys.Add(key);
        var r = context.Request;
        context.Response.Headers.Location = $"{r.Scheme}://{r.Host}/api/v1/apikeys/{key.Id}";
        await JsonResponse.WriteAsync(context, 201, w => JimJson.WriteKey(w, key, roles, plain), JsonResponse.AspNet);
    }

    private async Task UpdateAsync(HttpContext context, Guid id)
    {
        if (await auth.RequireAdministratorAsync(context) is null) return;
        var bound = await JimBinder.BindAsync<JimUpdateRequest>(context);
        if (!await BindingSucceededAsync(context, bound, bound.Value?.ChangeReason)) return;
        var request = bound.Value!;
        // The name check runs before the existence check: a blank name on an unknown id is 400.
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            await JimErrors.ApiErrorAsync(context, 400, "", "API key name is required");
            return;
        }
        if (keys.Find(id) is null)
        {
            await NotFoundAsync(context, id);
            return;
        }
        var roleIds = request.RoleIds ?? [];
        if (!RolesExist(roleIds))
        {
            await JimErrors.ApiErrorAsync(context, 400, "", "One or more role IDs are invalid");
            return;
        }
        // Full replacement: what the body leaves out takes the DTO default (isEnabled false, no roles, no expiry).
        var updated = keys.Replace(id, k => k with
        {
            Name = request.Name,
            Description = request.Description,
            ExpiresAt = request.ExpiresAt?.UtcDateTime,
            IsEnabled = request.IsEnabled,
            RoleIds = [.. roleIds],
        });
        if (updated is null)
        {
            await NotFoundAsync(context, id);
            return;
        }
        await JsonResponse.WriteAsync(context, 200, w => JimJson.WriteKey(w, updated, roles), JsonResponse.AspNet);
    }

    private async Task DeleteAsync(HttpContext context, Guid id)
    {
        if (await auth.RequireAdministratorAsync(context) is null) return;
        string? changeReason = context.Request.Query["changeReason"];
        if (changeReason is { Length: > MaxChangeReason })
        {
            await JimErrors.ValidationProblemAsync(context,
                [JimErrors.Error("changeReason", JimErrors.MaxLengthMessage("changeReason"))]);
            return;
        }
        if (!keys.Delete(id))
        {
            await NotFoundAsync(context, id);
            return;
        }
        context.Response.StatusCode = 204; // the change reason would go to the audit trail
    }

    /// <summary>The model-binding failures: 415, malformed or duplicate JSON, an over-long changeReason.</summary>
    private static async Task<bool> BindingSucceededAsync<T>(HttpContext context, JimBinder.Result<T> bound, string? changeReason)
    {
        if (bound.UnsupportedMediaType)
        {
            await JimErrors.UnsupportedMediaTypeAsync(context);
            return false;
        }
        if (bound.Errors.Count == 0 && changeReason is { Length: > MaxChangeReason })
            bound.Errors.Add(JimErrors.Error("ChangeReason", JimErrors.MaxLengthMessage("ChangeReason")));
        if (bound.Errors.Count == 0) return true;
        await JimErrors.ValidationProblemAsync(context, bound.Errors);
        return false;
    }

    /// <summary>JIM compares counts, so a repeated id (e.g. [1,1]) is invalid too.</summary>
    private bool RolesExist(List<int> roleIds) => roleIds.Count(roles.ContainsKey) == roleIds.Count &&
        roleIds.Distinct().Count() == roleIds.Count;

    private static Task NotFoundAsync(HttpContext context, Guid id) =>
        JimErrors.ApiErrorAsync(context, 404, "", $"API key not found: {id}");
}
