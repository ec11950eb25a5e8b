using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Sandbox.Tests;

/// <summary>
/// A running sandbox: <c>dotnet Sandbox.dll --port 0 args</c>, its start-up line parsed, the rest
/// of stdout and all of stderr captured (the secrets tests read them). Disposing closes stdin,
/// which is how the sandbox is told to exit.
/// </summary>
public sealed class SandboxProcess : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _stdoutPump;

    public Process Process { get; }
    public JsonElement Info { get; }
    public string StartupLine { get; }
    public TimeSpan StartupTime { get; }

    private SandboxProcess(Process process, string line, TimeSpan startup, Task pump, StringBuilder stdout, StringBuilder stderr)
    {
        Process = process;
        StartupLine = line;
        StartupTime = startup;
        Info = JsonDocument.Parse(line).RootElement.Clone();
        _stdoutPump = pump;
        _stdout = stdout;
        _stderr = stderr;
    }

    public static SandboxProcess Start(params string[] args)
    {
        var p = Launch(["--port", "0", .. args]);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginErrorReadLine();
        var first = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Stopwatch.StartNew();
        var pump = Task.Run(async () =>
        {
            first.TrySetResult(await p.StandardOutput.ReadLineAsync());
            string? more;
            while ((more = await p.StandardOutput.ReadLineAsync()) is not null)
                lock (stdout) stdout.AppendLine(more);
        });
        if (!first.Task.Wait(TimeSpan.FromSeconds(60)) || first.Task.Result is null)
        {
            try { p.Kill(true); } catch (InvalidOperationException) { }
            string err;
            lock (stderr) err = stderr.ToString();
            throw new InvalidOperationException($"the sandbox printed no start-up line; stderr: {err}");
        }
        var sandbox = new SandboxProcess(p, first.Task.Result, watch.Elapsed, pump, stdout, stderr);
        if (!sandbox.Info.GetProperty("ready").GetBoolean()) throw new InvalidOperationException(first.Task.Result);
        return sandbox;
    }

    /// <summary>Starts the sandbox without waiting for anything (for the command-line tests).</summary>
    public static Process Launch(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(TestPaths.SandboxDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        if (!File.Exists(TestPaths.SandboxDll)) throw new FileNotFoundException("build the sandbox first", TestPaths.SandboxDll);
        return Process.Start(psi)!;
    }

    public static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host
        ? host
        : "dotnet";

    public JsonElement Kind(string kind) => Info.GetProperty(kind);

    public string Url(string kind) => Kind(kind).GetProperty("baseUrl").GetString()!;

    public string Key(string kind) => Kind(kind).GetProperty("apiKey").GetString()!;

    /// <summary>A client for one kind: no proxy, no cookies (Immich's login sets them), no redirects.</summary>
    public HttpClient Client(string kind, HttpMessageHandler? handler = null) => new(handler ?? NewHandler())
    {
        BaseAddress = new Uri(Url(kind)),
        Timeout = TimeSpan.FromSeconds(60),
    };

    public static SocketsHttpHandler NewHandler() => new()
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
    };

    public string Stdout
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>Closes stdin and waits for a clean exit; returns whether it exited in time.</summary>
    public bool Stop(TimeSpan timeout)
    {
        try { Process.StandardInput.Close(); } catch (IOException) { }
        var exited = Process.WaitForExit(timeout);
        if (exited) _stdoutPump.Wait(TimeSpan.FromSeconds(5));
        return exited;
    }

    public void Dispose()
    {
        if (!Process.HasExited && !Stop(TimeSpan.FromSeconds(5)))
        {
            try { Process.Kill(true); } catch (InvalidOperationException) { }
        }
        Process.Dispose();
    }
}
