using System.Globalization;
using System.Text.RegularExpressions;

namespace Sandbox.Common;

/// <summary>
/// The sandbox's command line (docs/interfaces.md section 2). Parsing fails with a message on
/// stderr and exit code 2, never with output on stdout: stdout carries only the start-up line.
/// </summary>
public sealed partial class SandboxOptions
{
    public string Kind { get; private set; } = "all";
    public int Port { get; private set; }
    public string ImmichVersion { get; private set; } = "2.x";
    public bool Https { get; private set; }
    /// <summary>--cert-name NAME: the server certificate names only NAME (hostname-mismatch tests).</summary>
    public string? CertName { get; private set; }
    public int SeedKeys { get; private set; }
    public string? ImmichKey { get; private set; }
    public string? JimKey { get; private set; }
    public int LatencyMs { get; private set; }
    public string TrueNasVersion { get; private set; } = "25.10";
    public string? TrueNasKey { get; private set; }
    public bool TreatAsRemote { get; private set; }

    /// <summary>Keep running when stdin is at EOF (for starting it by hand in the background).</summary>
    public bool IgnoreStdin { get; private set; }

    public bool Runs(string kind) => Kind == "all" || Kind == kind;

    public const string Usage =
        "usage: dotnet Sandbox.dll [--kind immich|jim|truenas|all] [--port N] [--immich-version 1.x|2.x|3.x]\n" +
        "       [--truenas-version 13.3|24.10|25.04|25.10|26] [--treat-as-remote] [--truenas-key VALUE]\n" +
        "       [--https] [--seed-keys N] [--immich-key VALUE] [--jim-key VALUE] [--latency-ms N]\n" +
        "       [--ignore-stdin]\n" +
        "Prints one JSON start-up line on stdout, then serves on 127.0.0.1 until stdin closes or SIGTERM.";

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a user-facing message.</summary>
    public static SandboxOptions Parse(string[] args)
    {
        var o = new SandboxOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value()
            {
                if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value");
                return args[++i];
            }
            int Number(int min, int max)
            {
                var v = Value();
                if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
                    throw new ArgumentException($"{name}: expected an integer {min}..{max}, got '{v}'");
                return n;
            }
            switch (name)
            {
                case "--kind":
                    o.Kind = Value();
                    if (o.Kind is not ("immich" or "jim" or "truenas" or "all"))
                        throw new ArgumentException($"--kind: expected immich, jim, truenas or all, got '{o.Kind}'");
                    break;
                case "--port": o.Port = Number(0, 65534); break;
                case "--immich-version":
                    o.ImmichVersion = Value();
                    if (o.ImmichVersion is not ("1.x" or "2.x" or "3.x"))
                        throw new ArgumentException($"--immich-version: expected 1.x, 2.x or 3.x, got '{o.ImmichVersion}'");
                    break;
                case "--https": o.Https = true; break;
                case "--cert-name":
                    o.CertName = Value();
                    if (o.CertName.Length == 0) throw new ArgumentException("--cert-name must not be empty");
                    break;
                case "--seed-keys": o.SeedKeys = Number(0, 10_000_000); break;
                case "--immich-key":
                    o.ImmichKey = Value();
                    if (o.ImmichKey.Length == 0) throw new ArgumentException("--immich-key must not be empty");
                    break;
                case "--jim-key":
                    o.JimKey = Value();
                    // contracts-jim.md section 2: jim_ak_ + 64 lower-case hex characters.
                    if (!JimKeyFormat().IsMatch(o.JimKey))
                        throw new ArgumentException("--jim-key must be jim_ak_ followed by 64 lower-case hex characters");
                    break;
                case "--latency-ms": o.LatencyMs = Number(0, 600_000); break;
                case "--ignore-stdin": o.IgnoreStdin = true; break;
                // TrueNAS (docs/interfaces.md section 3).
                case "--truenas-version":
                    o.TrueNasVersion = Value();
                    if (o.TrueNasVersion is not ("13.3" or "24.10" or "25.04" or "25.10" or "26"))
                        throw new ArgumentException($"--truenas-version: expected 13.3, 24.10, 25.04, 25.10 or 26, got '{o.TrueNasVersion}'");
                    break;
                case "--truenas-key":
                    o.TrueNasKey = Value();
                    // contracts-truenas.md section 7: <decimal id>-<64 [A-Za-z0-9]>.
                    if (!TrueNasKeyFormat().IsMatch(o.TrueNasKey))
                        throw new ArgumentException("--truenas-key must be <id>-<64 letters or digits>");
                    break;
                case "--treat-as-remote": o.TreatAsRemote = true; break;
                default:
                    throw new ArgumentException($"unknown option '{name}'");
            }
        }
        return o;
    }

    [GeneratedRegex("^jim_ak_[0-9a-f]{64}$")]
    private static partial Regex JimKeyFormat();

    [GeneratedRegex("^[1-9][0-9]{0,8}-[A-Za-z0-9]{64}$")]
    private static partial Regex TrueNasKeyFormat();
}
