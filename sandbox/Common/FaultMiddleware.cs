using System.Text;

namespace Sandbox.Common;

/// <summary>
/// Applies the <see cref="FaultInjector"/>'s verdict to each non-control request. 503, 429 and the
/// HTML page answer instead of the handler (so a faulted create makes no key); a dropped body and
/// malformed JSON let the handler run first (the server did the work, the answer was lost),
/// which is what a client must be ready for.
/// </summary>
public sealed class FaultMiddleware(RequestDelegate next, FaultInjector faults, IFaultResponder responder)
{
    /// <summary>What nginx sends when its upstream is down (a reverse proxy in front of the server).</summary>
    private static readonly byte[] NginxBadGateway = Encoding.ASCII.GetBytes(
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
        "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");

    private static readonly byte[] FallbackTruncated = Encoding.ASCII.GetBytes("{\"message\":\"trunc");

    public async Task InvokeAsync(HttpContext context)
    {
        if (ControlPath.Is(context))
        {
            await next(context);
            return;
        }
        var decision = faults.Next(context.Request.Method, context.Request.Path.Value ?? "/");
        if (decision.LatencyMs > 0)
            await Task.Delay(decision.LatencyMs, context.RequestAborted);
        switch (decision.Kind)
        {
            case FaultKind.Status503:
                await responder.WriteServiceUnavailableAsync(context, decision.RetryAfterSeconds);
                return;
            case FaultKind.Status429:
                await responder.WriteTooManyRequestsAsync(context, decision.RetryAfterSeconds ?? 1);
                return;
            case FaultKind.HtmlError:
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                context.Response.ContentType = "text/html";
                context.Response.Headers.Server = "nginx";
                context.Response.ContentLength = NginxBadGateway.Length;
                await context.Response.Body.WriteAsync(NginxBadGateway, context.RequestAborted);
                return;
            case FaultKind.DropMidBody:
                await DropMidBodyAsync(context);
                return;
            case FaultKind.MalformedJson:
                await MalformedJsonAsync(context);
                return;
            default:
                await next(context);
                return;
        }
    }

    /// <summary>Runs the handler into a buffer and returns what it wrote.</summary>
    private async Task<byte[]> RunBufferedAsync(HttpContext context)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        return buffer.ToArray();
    }

    private async Task DropMidBodyAsync(HttpContext context)
    {
        var body = await RunBufferedAsync(context);
        if (body.Length > 1)
        {
            // Announce the full length, send half, then reset: the client sees a body cut short.
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2));
            await context.Response.Body.FlushAsync();
            await Task.Delay(50); // let the partial answer reach the socket before the reset
        }
        context.Abort();
    }

    private async Task MalformedJsonAsync(HttpContext context)
    {
        var body = await RunBufferedAsync(context);
        // Half of a JSON object or array is never valid JSON (the closing bracket is missing).
        var truncated = body.Length > 2 ? body.AsMemory(0, body.Length / 2) : FallbackTruncated;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = truncated.Length;
        context.Response.Headers.Remove("Location");
        await context.Response.Body.WriteAsync(truncated);
    }
}
