using Sandbox.Common;

namespace Sandbox.Immich;

/// <summary>
/// <c>GET /api/server/version</c> (no authentication; 3.x adds <c>prerelease</c>, nullable) and
/// <c>GET /api/server/ping</c>. Clients use the version to pick routes and permission names.
/// </summary>
public sealed class ImmichServerRoutes(ImmichVersionLine line, ImmichErrors errors)
{
    public void Map(WebApplication app)
    {
        app.Map("/api/server/version", context =>
            context.Request.Method == "GET"
                ? JsonResponse.WriteAsync(context, 200, w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("major", line.Major);
                    w.WriteNumber("minor", line.Minor);
                    w.WriteNumber("patch", line.Patch);
                    if (line.HasPrerelease) w.WriteNull("prerelease");
                    w.WriteEndObject();
                }, JsonResponse.Relaxed)
                : ImmichServer.NoRouteAsync(context, errors));
        app.Map("/api/server/ping", context =>
            context.Request.Method == "GET"
                ? JsonResponse.WriteAsync(context, 200, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("res", "pong");
                    w.WriteEndObject();
                }, JsonResponse.Relaxed)
                : ImmichServer.NoRouteAsync(context, errors));
    }
}
