using Sandbox.Common;

namespace Sandbox.Jim;

/// <summary>
/// The anonymous health endpoints (contracts-jim.md section 3). They answer 200 whatever key is
/// sent, so calling them proves nothing about a key.
/// </summary>
public static class JimHealthRoutes
{
    public const string Version = "0.14.0";

    public static void Map(WebApplication app)
    {
        MapStatus(app, "/api/v1/health", "healthy");
        MapStatus(app, "/api/v1/health/ready", "ready");
        MapStatus(app, "/api/v1/health/live", "alive");
        app.Map("/api/v1/health/version", context => context.Request.Method == "GET"
            ? JimServer.ApiAsync(context, c => JsonResponse.WriteAsync(c, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("product", "JIM");
                w.WriteString("version", Version);
                w.WriteEndObject();
            }, JsonResponse.AspNet))
            : JimServer.NoRouteAsync(context));
    }

    private static void MapStatus(WebApplication app, string path, string status) =>
        app.Map(path, context => context.Request.Method == "GET"
            ? JimServer.ApiAsync(context, c => JsonResponse.WriteAsync(c, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("status", status);
                JimClock.WriteFresh(w, "timestamp", JimClock.Now());
                w.WriteEndObject();
            }, JsonResponse.AspNet))
            : JimServer.NoRouteAsync(context));
}
