using System.Runtime.InteropServices;

namespace Sandbox.Common;

/// <summary>
/// Completes when the sandbox should exit: stdin reaches EOF (the test harness closed the pipe
/// or died) or SIGTERM/SIGINT arrives. Either way the process stops cleanly, so harnesses never
/// leave servers behind.
/// </summary>
public sealed class ShutdownSignal : IDisposable
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration _term;
    private readonly PosixSignalRegistration _int;

    public ShutdownSignal(bool watchStdin)
    {
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        _int = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        if (watchStdin)
        {
            var reader = new Thread(ReadStdinToEnd) { IsBackground = true, Name = "stdin-eof" };
            reader.Start();
        }
    }

    public Task Completion => _done.Task;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // stop through the normal path below instead of being killed mid-write
        _done.TrySetResult();
    }

    private void ReadStdinToEnd()
    {
        try
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (stdin.Read(buffer, 0, buffer.Length) > 0)
            {
                // Input is ignored; only its end matters.
            }
        }
        catch (IOException)
        {
            // A broken pipe is an end too.
        }
        _done.TrySetResult();
    }

    public void Dispose()
    {
        _term.Dispose();
        _int.Dispose();
    }
}
