// The module's output and session types. Plain classes with public fields: PowerShell shows
// fields as properties, System.Text.Json fills them (JsonOptions.IncludeFields), and scripts
// written for PSImmich and JIM's module see the type names and property names they know.
// ToString() gives the short form PowerShell prints when an object is shown in a string.

using System;
using System.Text.Json.Serialization;

/// <summary>An Immich connection, with PSImmich's property names (BaseUri ... SessionID).</summary>
public class ImmichSession
{
    public string BaseUri;
    public string AuthMethod;
    public bool AccessTokenValid;
    /// <summary>The PSCredential of a password login (typed object: this assembly does not
    /// reference System.Management.Automation).</summary>
    public object Credential;
    public string APIUri;
    public string ImmichVersion;
    public string SessionID;
    public bool Connected;
    public DateTime ConnectedAt;
    public ulong Handle;

    public override string ToString() => BaseUri ?? "";
}

namespace ApiKeys
{
    /// <summary>A connection to any kind of server (Connect-ApiKeyServer, Connect-JIM, Connect-TrueNas).</summary>
    public class ApiKeyServer
    {
        public string Kind;
        public string Family;
        public string Uri;
        public string Product;
        public string Version;
        public string AuthMethod;
        public string User;
        public string Generation;
        public string Transport;
        public bool Connected;
        public DateTime ConnectedAt;
        public Guid SessionId;
        public ulong Handle;

        public override string ToString() => Uri ?? "";
    }

    public class Role
    {
        public int Id;
        [JsonConverter(typeof(ApiKeys.Internal.SharedStringConverter))]
        public string Name;
        public bool? BuiltIn;
        public DateTime? Created;
        public int? StaticMemberCount;

        public override string ToString() => Name ?? "";
    }

    public class AllowlistEntry
    {
        public string Method;
        public string Resource;

        public override string ToString() => Resource ?? "";
    }

    /// <summary>The cross-server view of a key: every field any server has.</summary>
    public class ApiKey
    {
        [JsonConverter(typeof(ApiKeys.Internal.SharedStringConverter))]
        public string Kind;
        public string Id;
        public string Name;
        public string Description;
        public string Prefix;
        public bool? Enabled;
        public DateTime? CreatedAt;
        public DateTime? UpdatedAt;
        public DateTime? ExpiresAt;
        public DateTime? LastUsedAt;
        public string LastUsedFrom;
        [JsonConverter(typeof(ApiKeys.Internal.SharedStringArrayConverter))]
        public string[] Permissions;
        public Role[] Roles;
        public AllowlistEntry[] Allowlist;
        public string Username;
        public bool? Revoked;
        public string RevokedReason;
        [JsonIgnore]
        public ApiKeyServer Server;

        public override string ToString() => Name ?? "";
    }

    /// <summary>What New-ApiKey and Reset-ApiKey return: the key and its secret, shown once.</summary>
    public class CreatedApiKey
    {
        public string Kind;
        public string Id;
        public string Name;
        /// <summary>A SecureString, or the plain string with -AsPlainText.</summary>
        public object Secret;
        public string ReplacedId;
        public string Warning;
        public ApiKey Key;
        public ApiKeyServer Server;

        public override string ToString() => Name ?? "";
    }
}

namespace PSImmich.ObjectType
{
    /// <summary>An Immich key with the server's camelCase names, as PSImmich returns it.</summary>
    public class IMAPIKey
    {
        public Guid id;
        public string name;
        public DateTime? createdAt;
        public DateTime? updatedAt;
        [JsonConverter(typeof(ApiKeys.Internal.SharedStringArrayConverter))]
        public string[] permissions;

        public override string ToString() => name ?? "";
    }
}

namespace JIM
{
    public class RoleDto
    {
        public int Id;
        [JsonConverter(typeof(ApiKeys.Internal.SharedStringConverter))]
        public string Name;
        public bool BuiltIn;
        public DateTime? Created;
        public int StaticMemberCount;

        public override string ToString() => Name ?? "";
    }

    /// <summary>A JIM key with PascalCase names, as JIM's module renames the API's properties.</summary>
    public class ApiKeyDto
    {
        public Guid Id;
        public string Name;
        public string Description;
        [JsonPropertyName("prefix")]
        public string KeyPrefix;
        public DateTime? CreatedAt;
        public DateTime? ExpiresAt;
        public DateTime? LastUsedAt;
        [JsonPropertyName("lastUsedFrom")]
        public string LastUsedFromIp;
        [JsonPropertyName("enabled")]
        public bool IsEnabled;
        public RoleDto[] Roles;

        public override string ToString() => Name ?? "";
    }

    public class ApiKeyCreateResponseDto : ApiKeyDto
    {
        /// <summary>The secret, shown once (set by New-JIMApiKey, never read from JSON).</summary>
        [JsonIgnore]
        public string Key;
    }
}

namespace TrueNAS
{
    public class AllowlistItem
    {
        public string method;
        public string resource;

        public override string ToString() => resource ?? "";
    }

    /// <summary>A key as the TrueNAS CLI shows it (CORE 13 to 24.10: id, name, created_at, allowlist).</summary>
    public class ApiKeyEntry
    {
        [JsonPropertyName("id")]
        [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
        public long id;
        public string name;
        [JsonPropertyName("createdAt")]
        public DateTime? created_at;
        public AllowlistItem[] allowlist;
        public string username;
        [JsonPropertyName("expiresAt")]
        public DateTime? expires_at;
        public bool? revoked;
        [JsonPropertyName("revokedReason")]
        public string revoked_reason;

        public override string ToString() => name ?? "";
    }

    /// <summary>A user-linked key (25.04 and later): + username, expires_at, revoked, revoked_reason.</summary>
    public class UserApiKeyEntry : ApiKeyEntry
    {
    }

    public class ApiKeyEntryWithKey : ApiKeyEntry
    {
        /// <summary>The secret: a SecureString, or the plain string with -AsPlainText.</summary>
        [JsonIgnore]
        public object key;
    }
}
