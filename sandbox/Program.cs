// The sandbox: stand-ins for the Immich and JIM API-key endpoints, for the Rust and PowerShell
// tests (docs/interfaces.md section 2; behaviour from shared/docs/contracts-immich.md and
// contracts-jim.md). One process, one web application per kind, each on its own 127.0.0.1 port.
using Sandbox.Common;
using Sandbox.Immich;
using Sandbox.Jim;
using Sandbox.TrueNas;

SandboxOptions options;
try
{
    options = SandboxOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"sandbox: {e.Message}");
    Console.Error.WriteLine(SandboxOptions.Usage);
    return 2;
}

using var shutdown = new ShutdownSignal(watchStdin: !options.IgnoreStdin);
using var tls = options.Https ? TlsMaterial.Create(options.CertName) : null;

// Each kind seeds its keys in its constructor: build them side by side (--seed-keys 100000).
var building = new List<Task<SandboxKind>>();
if (options.Runs("immich")) building.Add(Task.Run(SandboxKind () => new ImmichServer(options)));
if (options.Runs("jim")) building.Add(Task.Run(SandboxKind () => new JimServer(options)));
// TrueNAS (issue 10): its own flags are parsed by SandboxOptions.
if (options.Runs("truenas"))
    building.Add(Task.Run(SandboxKind () => new TrueNasServer(new TrueNasSettings(options.TrueNasVersion,
        options.TreatAsRemote, options.TrueNasKey, options.SeedKeys, options.LatencyMs))));
var kinds = await Task.WhenAll(building);

var hosts = new List<KindHost>();
try
{
    for (var i = 0; i < kinds.Length; i++)
    {
        // --port N gives the kinds N, N+1, ... in start-up line order; 0 lets the OS choose each.
        var port = options.Port == 0 ? 0 : options.Port + i;
        var host = KindHost.Create(kinds[i], options, tls, port);
        hosts.Add(host);
        await host.StartAsync();
    }
}
catch (IOException e)
{
    Console.Error.WriteLine($"sandbox: cannot listen: {e.Message}");
    return 1;
}

StartupLine.Write(hosts, tls);
await shutdown.Completion;

foreach (var host in hosts)
{
    await host.StopAsync();
    await host.DisposeAsync();
}
return 0;
