using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sandbox.Jim;

/// <summary>ApiKeyCreateRequestDto: roleIds defaults to [] when omitted.</summary>
public sealed class JimCreateRequest
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public List<int>? RoleIds { get; set; } = [];
    public DateTimeOffset? ExpiresAt { get; set; }
    public string? ChangeReason { get; set; }
}

/// <summary>
/// ApiKeyUpdateRequestDto: a full replacement. Omitted fields take their defaults:
/// <c>isEnabled</c> false, <c>roleIds</c> [] (every role removed), <c>expiresAt</c> null (contracts-jim.md section 1).
/// </summary>
public sealed class JimUpdateRequest
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public List<int>? RoleIds { get; set; } = [];
    public DateTimeOffset? ExpiresAt { get; set; }
    public bool IsEnabled { get; set; }
    public string? ChangeReason { get; set; }
}

/// <summary>Source-generated metadata for the request DTOs (no reflection at start-up).</summary>
[JsonSerializable(typeof(JimCreateRequest))]
[JsonSerializable(typeof(JimUpdateRequest))]
public sealed partial class JimJsonContext : JsonSerializerContext;

/// <summary>
/// Model binding as JIM's MVC input formatter does it: web defaults (camelCase, case-insensitive
/// names), duplicate properties rejected (<c>ApiJsonConfiguration.cs</c>), and a failure turned
/// into validation-problem errors keyed by the JSON path plus <c>request</c>.
/// </summary>
public static class JimBinder
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        AllowDuplicateProperties = false,
        TypeInfoResolver = JimJsonContext.Default,
    };

    public sealed record Result<T>(T? Value, List<KeyValuePair<string, string>> Errors, bool UnsupportedMediaType);

    public static async Task<Result<T>> BindAsync<T>(HttpContext context) where T : class
    {
        var errors = new List<KeyValuePair<string, string>>();
        var contentType = context.Request.ContentType;
        if (contentType is null || !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
            return new Result<T>(null, errors, true);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        if (body.Length == 0)
        {
            errors.Add(JimErrors.Error("", "A non-empty request body is required."));
            errors.Add(JimErrors.Error("request", "The request field is required."));
            return new Result<T>(null, errors, false);
        }
        try
        {
            var value = (T?)JsonSerializer.Deserialize(body.GetBuffer().AsSpan(0, (int)body.Length), typeof(T), Options);
            if (value is null) errors.Add(JimErrors.Error("request", "The request field is required."));
            return new Result<T>(value, errors, false);
        }
        catch (JsonException e)
        {
            errors.Add(JimErrors.Error(e.Path ?? "$", e.Message));
            errors.Add(JimErrors.Error("request", "The request field is required."));
            return new Result<T>(null, errors, false);
        }
    }
}
