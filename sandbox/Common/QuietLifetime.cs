namespace Sandbox.Common;

/// <summary>
/// Replaces the console lifetime: one process runs several web applications, and
/// <see cref="ShutdownSignal"/> decides for all of them when to stop (stdin EOF or SIGTERM).
/// The console lifetime would also print status lines, and stdout is reserved for the start-up line.
/// </summary>
public sealed class QuietLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
