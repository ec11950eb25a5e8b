using System.Text.Json;

namespace Sandbox.Common;

/// <summary>
/// One stand-in server (Immich or JIM): its routes, its key store and its share of the start-up
/// line. <see cref="KindHost"/> wraps it in a web application with the common control routes,
/// request log and fault injection.
/// </summary>
public abstract class SandboxKind : IFaultResponder
{
    /// <summary>The start-up line's property name and the <c>--kind</c> value.</summary>
    public abstract string Name { get; }

    /// <summary>Keys stored now (<c>GET /_sandbox/state</c>).</summary>
    public abstract int KeyCount { get; }

    /// <summary>TrueNAS: receives the port's fault injector and request log (it logs WebSocket calls itself).</summary>
    public virtual void Attach(FaultInjector faults, RequestLog log)
    {
    }

    /// <summary>Middleware that must also shape injected faults (e.g. response headers every answer has).</summary>
    public virtual void UseKindMiddleware(WebApplication app)
    {
    }

    /// <summary>Maps the kind's routes and its answer for paths no route matches.</summary>
    public abstract void MapRoutes(WebApplication app);

    /// <summary>Writes this kind's object of the start-up line.</summary>
    public abstract void WriteStartupInfo(Utf8JsonWriter w, string baseUrl);

    public abstract Task WriteServiceUnavailableAsync(HttpContext context, int? retryAfterSeconds);

    public abstract Task WriteTooManyRequestsAsync(HttpContext context, int retryAfterSeconds);
}
