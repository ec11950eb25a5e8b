namespace Sandbox.Jim;

/// <summary>
/// A JIM role (RoleDto / RoleHeader: id, name, builtIn, created, staticMemberCount). The real
/// server stores only <c>Administrator</c> as built-in; the sandbox adds three ordinary roles so
/// clients can test role assignment and the 403 of a key without Administrator.
/// </summary>
public sealed record JimRole(int Id, string Name, bool BuiltIn, DateTime Created, int StaticMemberCount)
{
    public const string Administrator = "Administrator";

    public static JimRole[] Seed(DateTime created) =>
    [
        new(1, Administrator, true, created, 0),
        new(2, "Auditor", false, created, 0),
        new(3, "Operator", false, created, 0),
        new(4, "Reader", false, created, 0),
    ];
}
