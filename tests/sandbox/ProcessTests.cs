using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sandbox.Tests;

/// <summary>
/// The command line and the process life cycle (docs/interfaces.md section 2): bulk seeding,
/// fixed ports, bad options, and exit on stdin EOF or SIGTERM.
/// </summary>
public sealed class ProcessTests
{
    [Fact]
    public void Fixed_port_gives_consecutive_ports_per_kind()
    {
        var port = FreePortRun();
        using var sb = SandboxProcess.Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal($"http://127.0.0.1:{port}", sb.Url("immich"));
        Assert.Equal($"http://127.0.0.1:{port + 1}", sb.Url("jim"));
    }

    [Fact]
    public void Only_the_requested_kind_is_started()
    {
        using var sb = SandboxProcess.Start("--kind", "jim");
        Assert.False(sb.Info.TryGetProperty("immich", out _));
        Assert.True(sb.Info.TryGetProperty("jim", out _));
    }

    [Theory]
    [InlineData("--kind", "nas")]
    [InlineData("--immich-version", "4.x")]
    [InlineData("--jim-key", "jim_ak_tooshort")]
    [InlineData("--seed-keys", "-1")]
    [InlineData("--bogus")]
    public async Task Bad_options_exit_2_with_nothing_on_stdout(params string[] args)
    {
        using var p = SandboxProcess.Launch(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(timeout.Token);
        Assert.Equal(2, p.ExitCode);
        Assert.Equal("", await stdout);
        Assert.Contains("sandbox:", await stderr);
    }

    [Fact]
    public void Exits_on_stdin_eof_and_on_sigterm()
    {
        using (var sb = SandboxProcess.Start("--kind", "immich"))
        {
            Assert.True(sb.Stop(TimeSpan.FromSeconds(10)));
            Assert.Equal(0, sb.Process.ExitCode);
        }
        using (var sb = SandboxProcess.Start("--kind", "jim"))
        {
            using var kill = Process.Start("kill", ["-TERM", sb.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            Assert.True(sb.Process.WaitForExit(TimeSpan.FromSeconds(10)));
            Assert.Equal(0, sb.Process.ExitCode);
        }
    }

    /// <summary>A port P with P, P+1 and P+2 free right now (--kind all may also start TrueNAS).</summary>
    private static int FreePortRun()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var listeners = new List<TcpListener>();
            try
            {
                var first = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(first);
                first.Start();
                var port = ((IPEndPoint)first.LocalEndpoint).Port;
                if (port > 65532) continue;
                for (var i = 1; i < 3; i++)
                {
                    var next = new TcpListener(IPAddress.Loopback, port + i);
                    listeners.Add(next);
                    next.Start();
                }
                return port;
            }
            catch (SocketException)
            {
                // taken; try another run
            }
            finally
            {
                foreach (var l in listeners) l.Dispose();
            }
        }
        throw new InvalidOperationException("no run of free ports");
    }
}
