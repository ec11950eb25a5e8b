using System.Text.Json;

namespace Sandbox.Common;

/// <summary>
/// The one JSON line the sandbox prints on stdout once every port listens
/// (docs/interfaces.md section 2). Nothing else is ever written to stdout.
/// </summary>
public static class StartupLine
{
    public static void Write(IReadOnlyList<KindHost> hosts, TlsMaterial? tls)
    {
        var json = JsonResponse.Build(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("ready", true);
            w.WriteNumber("pid", Environment.ProcessId);
            if (tls is null) w.WriteNull("caFile");
            else w.WriteString("caFile", tls.CaFile);
            foreach (var host in hosts)
            {
                w.WritePropertyName(host.Kind.Name);
                host.Kind.WriteStartupInfo(w, host.BaseUrl);
            }
            w.WriteEndObject();
        }, JsonResponse.Relaxed);
        var stdout = Console.OpenStandardOutput(); // not disposed: stdout stays open for the process
        stdout.Write(json);
        stdout.Write("\n"u8);
        stdout.Flush();
    }
}
