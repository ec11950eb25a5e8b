namespace Sandbox.Common;

/// <summary>What the fault injector does to one request instead of (or around) the real answer.</summary>
public enum FaultKind
{
    None,
    /// <summary>503 from the server, before the handler runs (nothing is created).</summary>
    Status503,
    /// <summary>429 with Retry-After, before the handler runs.</summary>
    Status429,
    /// <summary>The handler runs, then the connection is cut after the headers and half the body.</summary>
    DropMidBody,
    /// <summary>The handler runs, then 200 with the first half of its JSON body.</summary>
    MalformedJson,
    /// <summary>502 text/html, as an nginx reverse proxy answers when its upstream fails.</summary>
    HtmlError,
}

/// <summary>The injector's verdict for one request.</summary>
public readonly record struct FaultDecision(int LatencyMs, FaultKind Kind, int? RetryAfterSeconds);
