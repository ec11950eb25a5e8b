using System.Net;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Sandbox.Common;

/// <summary>
/// One web application per kind, each on its own loopback port, all in one process. Built from
/// the empty builder: no configuration files, file watchers or console lifetime, which keeps
/// start-up fast and stdout clean. Pipeline: request log, kind middleware, faults, routes.
/// </summary>
public sealed class KindHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    public SandboxKind Kind { get; }

    private KindHost(SandboxKind kind, WebApplication app)
    {
        Kind = kind;
        _app = app;
    }

    public static KindHost Create(SandboxKind kind, SandboxOptions options, TlsMaterial? tls, int port)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "Sandbox",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore();
        if (tls is not null) builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Loopback only: the sandbox holds test secrets and must never be reachable from elsewhere.
            k.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (tls is not null) listen.UseHttps(tls.ServerCertificate);
            });
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        // Warnings and errors go to stderr; stdout carries only the start-up line. Kestrel and
        // routing never log header or body values at these levels.
        builder.Logging.AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        var app = builder.Build();
        var faults = new FaultInjector(options.LatencyMs);
        var log = new RequestLog();
        app.UseMiddleware<RequestLogMiddleware>(log);
        kind.Attach(faults, log); // TrueNAS: WebSocket calls go into the same request log
        kind.UseKindMiddleware(app);
        app.UseMiddleware<FaultMiddleware>(faults, (IFaultResponder)kind);
        app.UseRouting();
        ControlRoutes.Map(app, faults, log, () => kind.KeyCount);
        kind.MapRoutes(app);
        return new KindHost(kind, app);
    }

    public Task StartAsync() => _app.StartAsync();

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:41001</c> (port 0 resolved).</summary>
    public string BaseUrl
    {
        get
        {
            var feature = _app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<IServerAddressesFeature>() ?? throw new InvalidOperationException("no server addresses");
            return feature.Addresses.First().TrimEnd('/');
        }
    }

    public async Task StopAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(cts.Token);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
