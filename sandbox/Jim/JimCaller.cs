namespace Sandbox.Jim;

/// <summary>An authenticated JIM API-key caller and its role names (plus the virtual role User).</summary>
public sealed record JimCaller(JimApiKey Key, IReadOnlySet<string> Roles)
{
    public bool IsAdministrator => Roles.Contains(JimRole.Administrator);
}
