using System.Text.Json;

namespace Sandbox.Common;

/// <summary>
/// The <c>/_sandbox/*</c> routes on each kind's port (docs/interfaces.md section 2): fault
/// injection, the request log and the number of stored keys.
/// </summary>
public static class ControlRoutes
{
    public static void Map(WebApplication app, FaultInjector faults, RequestLog log, Func<int> keyCount)
    {
        app.Map("/_sandbox/faults", async context =>
        {
            switch (context.Request.Method)
            {
                case "POST":
                    FaultRule rule;
                    try
                    {
                        using var doc = await JsonResponse.ReadDocumentAsync(context)
                            ?? throw new FormatException("the fault body is empty");
                        rule = FaultRule.Parse(doc.RootElement);
                    }
                    catch (Exception e) when (e is FormatException or JsonException)
                    {
                        await JsonResponse.WriteAsync(context, 400, w =>
                        {
                            w.WriteStartObject();
                            w.WriteString("error", e.Message);
                            w.WriteEndObject();
                        }, JsonResponse.Relaxed);
                        return;
                    }
                    faults.Add(rule);
                    context.Response.StatusCode = 204;
                    return;
                case "DELETE":
                    faults.Clear();
                    context.Response.StatusCode = 204;
                    return;
                default:
                    context.Response.StatusCode = 405;
                    return;
            }
        });
        app.Map("/_sandbox/requests", async context =>
        {
            switch (context.Request.Method)
            {
                case "GET":
                    await JsonResponse.WriteAsync(context, 200, log.WriteJson, JsonResponse.Relaxed);
                    return;
                case "DELETE":
                    log.Clear();
                    context.Response.StatusCode = 204;
                    return;
                default:
                    context.Response.StatusCode = 405;
                    return;
            }
        });
        app.Map("/_sandbox/state", async context =>
        {
            if (context.Request.Method != "GET")
            {
                context.Response.StatusCode = 405;
                return;
            }
            await JsonResponse.WriteAsync(context, 200, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("keys", keyCount());
                w.WriteEndObject();
            }, JsonResponse.Relaxed);
        });
    }
}
