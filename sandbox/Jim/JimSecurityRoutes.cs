using Sandbox.Common;

namespace Sandbox.Jim;

/// <summary>
/// <c>/api/v1/security/roles</c> and <c>/roles/{roleId:int}</c> (contracts-jim.md section 3):
/// Administrator only; an unknown role is 404 ApiErrorResponse <c>NOT_FOUND</c>.
/// </summary>
public sealed class JimSecurityRoutes(IReadOnlyDictionary<int, JimRole> roles, JimAuthenticator auth)
{
    public void Map(WebApplication app)
    {
        app.Map("/api/v1/security/roles", context => context.Request.Method == "GET"
            ? JimServer.ApiAsync(context, ListAsync)
            : JimServer.NoRouteAsync(context));
        app.Map("/api/v1/security/roles/{roleId:int}", context => context.Request.Method == "GET"
            ? JimServer.ApiAsync(context, c => GetAsync(c, int.Parse((string)c.Request.RouteValues["roleId"]!,
                System.Globalization.CultureInfo.InvariantCulture)))
            : JimServer.NoRouteAsync(context));
    }

    private async Task ListAsync(HttpContext context)
    {
        if (await auth.RequireAdministratorAsync(context) is null) return;
        await JsonResponse.WriteAsync(context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var role in roles.Values.OrderBy(r => r.Id)) JimJson.WriteRole(w, role);
            w.WriteEndArray();
        }, JsonResponse.AspNet);
    }

    private async Task GetAsync(HttpContext context, int roleId)
    {
        if (await auth.RequireAdministratorAsync(context) is null) return;
        if (!roles.TryGetValue(roleId, out var role))
        {
            await JimErrors.ApiErrorAsync(context, 404, "NOT_FOUND", $"Role not found: {roleId}");
            return;
        }
        await JsonResponse.WriteAsync(context, 200, w => JimJson.WriteRole(w, role), JsonResponse.AspNet);
    }
}
