namespace Sandbox.Common;

/// <summary>
/// Records each non-control request in the <see cref="RequestLog"/>. The entry is written when
/// the response headers go out (OnStarting), so it is in the log before the client has its
/// answer: a test may read the log right after a call without racing the server. A request whose
/// connection was cut before any answer is recorded when the pipeline ends.
/// </summary>
public sealed class RequestLogMiddleware(RequestDelegate next, RequestLog log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (ControlPath.Is(context))
        {
            await next(context);
            return;
        }
        var method = context.Request.Method;
        var path = context.Request.PathBase.Add(context.Request.Path).Value ?? "/";
        var recorded = 0;
        context.Response.OnStarting(() =>
        {
            if (Interlocked.Exchange(ref recorded, 1) == 0) log.Add(method, path, context.Response.StatusCode);
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            if (!context.Response.HasStarted && context.RequestAborted.IsCancellationRequested &&
                Interlocked.Exchange(ref recorded, 1) == 0)
                log.Add(method, path, context.Response.StatusCode);
        }
    }
}
