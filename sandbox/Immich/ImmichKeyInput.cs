using System.Text.Json;

namespace Sandbox.Immich;

/// <summary>
/// The create and update DTOs (contracts-immich.md "Request and response shapes"), validated per
/// line: <c>name</c> optional (non-empty before 3.x); <c>permissions</c> required on create,
/// optional on update, at least one item, every item a member of the line's Permission enum.
/// </summary>
public sealed record ImmichKeyInput(string? Name, string[]? Permissions)
{
    public static ImmichKeyInput Validate(ImmichRequestBody.Result body, bool create, ImmichVersionLine line,
        List<ImmichValidationIssue> issues)
    {
        string? name = null;
        var nameValue = body.Property("name");
        if (nameValue is { } n)
        {
            if (n.ValueKind == JsonValueKind.String)
            {
                name = n.GetString();
                if (name!.Length == 0 && !line.EmptyNameAllowed)
                    issues.Add(new ImmichValidationIssue("name should not be empty", "too_small", ["name"],
                        "Too small: expected string to have >=1 characters"));
            }
            else if (n.ValueKind != JsonValueKind.Null || line.SlimErrors)
            {
                // class-validator's @IsOptional lets null through; zod's .optional() does not.
                issues.Add(ImmichValidationIssue.WrongType("name", "string", ImmichValidationIssue.Received(n),
                    "name must be a string"));
            }
        }

        string[]? permissions = null;
        var permissionsValue = body.Property("permissions");
        if (permissionsValue is not { ValueKind: not JsonValueKind.Null } p)
        {
            if (create)
            {
                // class-validator reports the enum and the size rule; zod only the missing array.
                issues.Add(ImmichValidationIssue.WrongType("permissions", "array",
                    ImmichValidationIssue.Received(permissionsValue), EnumMessage(line)));
                issues.Add(new ImmichValidationIssue("permissions must contain at least 1 elements", null,
                    ["permissions"], ""));
            }
        }
        else if (p.ValueKind != JsonValueKind.Array)
        {
            issues.Add(ImmichValidationIssue.WrongType("permissions", "array", ImmichValidationIssue.Received(p),
                "permissions must be an array"));
        }
        else
        {
            var list = new List<string>(p.GetArrayLength());
            var bad = false;
            var index = 0;
            foreach (var item in p.EnumerateArray())
            {
                var value = item.ValueKind == JsonValueKind.String ? item.GetString()! : null;
                if (value is null || !line.PermissionSet.Contains(value))
                {
                    // class-validator says it once for the array; zod once per bad item.
                    issues.Add(bad ? InvalidValue(line, index) with { LegacyMessage = null } : InvalidValue(line, index));
                    bad = true;
                }
                else
                {
                    list.Add(value);
                }
                index++;
            }
            if (list.Count == 0 && !bad)
                issues.Add(new ImmichValidationIssue("permissions must contain at least 1 elements", "too_small",
                    ["permissions"], "Too small: expected array to have >=1 items"));
            permissions = list.ToArray();
        }
        return new ImmichKeyInput(name, permissions);
    }

    private static string EnumMessage(ImmichVersionLine line) =>
        $"each value in permissions must be one of the following values: {string.Join(", ", line.Permissions)}";

    private static ImmichValidationIssue InvalidValue(ImmichVersionLine line, int index) =>
        new(EnumMessage(line), "invalid_value", ["permissions", index],
            "Invalid option: expected one of " + string.Join("|", line.Permissions.Select(v => $"\"{v}\"")),
            w =>
            {
                w.WriteStartArray("values");
                foreach (var v in line.Permissions) w.WriteStringValue(v);
                w.WriteEndArray();
            });
}
