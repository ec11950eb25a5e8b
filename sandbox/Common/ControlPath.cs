namespace Sandbox.Common;

/// <summary>The <c>/_sandbox</c> control routes are never faulted, delayed or logged.</summary>
public static class ControlPath
{
    public static readonly PathString Prefix = new("/_sandbox");

    public static bool Is(HttpContext context) =>
        context.Request.Path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);
}
