namespace Sandbox.TrueNas;

/// <summary>The errno values middlewared uses here, and <c>get_errname</c>.</summary>
public static class Errno
{
    public const int ENOENT = 2, EACCES = 13, EFAULT = 14, EBUSY = 16, EINVAL = 22, EOPNOTSUPP = 95;

    /// <summary>middlewared's own errno for unauthenticated calls (22.12+).</summary>
    public const int ENOTAUTHENTICATED = 207;

    public static string Name(int errno) => errno switch
    {
        ENOENT => "ENOENT",
        EACCES => "EACCES",
        EFAULT => "EFAULT",
        EBUSY => "EBUSY",
        EINVAL => "EINVAL",
        EOPNOTSUPP => "EOPNOTSUPP",
        ENOTAUTHENTICATED => "ENOTAUTHENTICATED",
        _ => "EUNKNOWN",
    };
}

/// <summary>One <c>ValidationError(attribute, errmsg, errno)</c>; the attribute may be null (InstanceNotFound).</summary>
public readonly record struct TrueNasFieldError(string? Attribute, string Message, int Errno = Errno.EINVAL)
{
    /// <summary><c>str(ValidationError)</c>: <c>[EINVAL] api_key_create: name must be unique</c>.</summary>
    public override string ToString() => $"[{TrueNas.Errno.Name(Errno)}] {Attribute ?? "None"}: {Message}";
}

/// <summary>
/// <c>ValidationErrors</c>: REST 422 <c>{"attr":[{"message","errno"}]}</c>; JSON-RPC -32602
/// <c>Invalid params</c> with <c>data.extra</c> = <c>[[attr, message, errno], ...]</c>.
/// </summary>
public sealed class TrueNasValidationException(IReadOnlyList<TrueNasFieldError> errors)
    : Exception(string.Concat(errors.Select(e => e + "\n")))
{
    public IReadOnlyList<TrueNasFieldError> Errors { get; } = errors;

    public TrueNasValidationException(string? attribute, string message, int errno = Errno.EINVAL)
        : this([new TrueNasFieldError(attribute, message, errno)])
    {
    }
}

/// <summary><c>CallError(errmsg, errno)</c>: REST 422 <c>{"message","errno"}</c>; JSON-RPC -32001 <c>Method call error</c>.</summary>
public sealed class TrueNasCallError(string errmsg, int errno = Errno.EFAULT) : Exception(errmsg)
{
    public string ErrMsg { get; } = errmsg;
    public int Errno { get; } = errno;

    /// <summary><c>str(CallError)</c>: <c>[ENOTAUTHENTICATED] Not authenticated</c>.</summary>
    public string Reason => $"[{TrueNas.Errno.Name(Errno)}] {ErrMsg}";
}

/// <summary><c>MatchNotFound</c> from a <c>get: true</c> query: REST 404; JSON-RPC -32001 with reason <c>MatchNotFound()</c>.</summary>
public sealed class TrueNasMatchNotFound() : Exception("MatchNotFound()");

/// <summary>Collects validation errors and throws them together (<c>verrors.check()</c>).</summary>
public sealed class TrueNasErrorList
{
    private readonly List<TrueNasFieldError> _errors = [];

    public bool Any => _errors.Count > 0;

    public void Add(string? attribute, string message, int errno = Errno.EINVAL) =>
        _errors.Add(new TrueNasFieldError(attribute, message, errno));

    public void Check()
    {
        if (_errors.Count > 0) throw new TrueNasValidationException(_errors.ToArray());
    }
}
