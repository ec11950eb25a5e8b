namespace Sandbox.Immich;

/// <summary>
/// <c>isGranted</c> from <c>server/src/utils/access.ts</c>: a key with <c>all</c> may do anything,
/// otherwise its permissions must be a superset of what is requested. Used both for the route
/// check (403) and for "cannot grant what you lack" on create/update (400).
/// </summary>
public static class ImmichAccess
{
    public static bool IsGranted(IEnumerable<string> requested, string[] current)
    {
        if (Array.IndexOf(current, "all") >= 0) return true;
        foreach (var permission in requested)
            if (Array.IndexOf(current, permission) < 0) return false;
        return true;
    }
}
