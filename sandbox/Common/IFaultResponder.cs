namespace Sandbox.Common;

/// <summary>
/// Writes the server-shaped error bodies for injected 503 and 429 answers: each kind answers in
/// its own error format (Immich per version line, JIM's ApiErrorResponse).
/// </summary>
public interface IFaultResponder
{
    Task WriteServiceUnavailableAsync(HttpContext context, int? retryAfterSeconds);

    Task WriteTooManyRequestsAsync(HttpContext context, int retryAfterSeconds);
}
