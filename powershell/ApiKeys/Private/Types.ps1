# Private/Types.ps1: the module's .NET types, emitted once per process with System.Reflection.Emit.
#
# Why emitted types and not [pscustomobject]: System.Text.Json fills them straight from the
# library's JSON (10,000 keys in well under a second, no per-item PowerShell work), and session
# parameters can be typed ([ImmichSession], as in PSImmich). Every type is a plain class with
# public fields (PowerShell shows fields as properties) and an optional ToString override.
#
# The types live in the AppDomain, so a second Import-Module (or -Force) must reuse them: the
# first import stores them in AppDomain data under $script:TypeCacheKey; later imports read
# them back. Bump the version in the key whenever a type's shape changes.

$script:TypeCacheKey = 'ApiKeys.PowerShell.Types.v2'
$script:ConverterCacheKey = 'ApiKeys.PowerShell.UtcDateTimeConverter.v1'

function New-ApiKeysDynamicClass {
    # Emits: public class <Name> : <Parent> { public <type> <field>; ...; ToString() => <field> }
    # $Fields: ordered hashtable name -> type, or name -> @(type, 'jsonName'), or
    # name -> @(type, $null, 'ignore') for a field System.Text.Json must not touch, or
    # name -> @(type, 'jsonName', 'numberFromString') for a number the JSON holds as a string.
    param(
        [System.Reflection.Emit.ModuleBuilder]$ModuleBuilder,
        [string]$Name,
        [System.Collections.Specialized.OrderedDictionary]$Fields,
        [type]$Parent = [object],
        [string]$ToStringField
    )
    $tb = $ModuleBuilder.DefineType($Name, 'Public, Class, BeforeFieldInit', $Parent)
    $nameCtor = [System.Text.Json.Serialization.JsonPropertyNameAttribute].GetConstructor([type[]]@([string]))
    $ignoreCtor = [System.Text.Json.Serialization.JsonIgnoreAttribute].GetConstructor([type[]]@())
    $numberCtor = [System.Text.Json.Serialization.JsonNumberHandlingAttribute].GetConstructor([type[]]@([System.Text.Json.Serialization.JsonNumberHandling]))
    $defined = @{}
    foreach ($fieldName in $Fields.Keys) {
        $spec = $Fields[$fieldName]
        $fieldType = $spec; $jsonName = $null; $ignore = $false; $fromString = $false
        if ($spec -is [array]) {
            $fieldType = $spec[0]
            $jsonName = $spec[1]
            $ignore = $spec.Count -gt 2 -and $spec[2] -eq 'ignore'
            $fromString = $spec.Count -gt 2 -and $spec[2] -eq 'numberFromString'
        }
        $fb = $tb.DefineField($fieldName, $fieldType, 'Public')
        if ($jsonName) {
            $fb.SetCustomAttribute([System.Reflection.Emit.CustomAttributeBuilder]::new($nameCtor, [object[]]@($jsonName)))
        }
        if ($ignore) {
            $fb.SetCustomAttribute([System.Reflection.Emit.CustomAttributeBuilder]::new($ignoreCtor, [object[]]@()))
        }
        if ($fromString) {
            $fb.SetCustomAttribute([System.Reflection.Emit.CustomAttributeBuilder]::new($numberCtor,
                    [object[]]@([System.Text.Json.Serialization.JsonNumberHandling]::AllowReadingFromString)))
        }
        $defined[$fieldName] = $fb
    }
    $null = $tb.DefineDefaultConstructor('Public')
    if ($ToStringField) {
        # public override string ToString() => Convert.ToString(this.<field>) ?? ""
        $m = $tb.DefineMethod('ToString', 'Public, Virtual, HideBySig', [string], [type[]]@())
        $il = $m.GetILGenerator()
        $il.Emit([System.Reflection.Emit.OpCodes]::Ldarg_0)
        $il.Emit([System.Reflection.Emit.OpCodes]::Ldfld, $defined[$ToStringField])
        $fieldType = $defined[$ToStringField].FieldType
        if ($fieldType.IsValueType) { $il.Emit([System.Reflection.Emit.OpCodes]::Box, $fieldType) }
        $il.Emit([System.Reflection.Emit.OpCodes]::Call, [System.Convert].GetMethod('ToString', [type[]]@([object])))
        $il.Emit([System.Reflection.Emit.OpCodes]::Ret)
        $tb.DefineMethodOverride($m, [object].GetMethod('ToString'))
    }
    $tb.CreateType()
}

function New-ApiKeysUtcDateTimeConverter {
    # Emits: class UtcDateTimeConverter : JsonConverter<DateTime>
    #   Read  => reader.GetDateTimeOffset().UtcDateTime     (any RFC 3339 offset -> UTC)
    #   Write => writer.WriteStringValue(value)
    param([System.Reflection.Emit.ModuleBuilder]$ModuleBuilder)
    $op = [System.Reflection.Emit.OpCodes]
    $base = [System.Text.Json.Serialization.JsonConverter[datetime]]
    $tb = $ModuleBuilder.DefineType('ApiKeys.Internal.UtcDateTimeConverter', 'Public, Class, Sealed', $base)
    $ctor = $tb.DefineConstructor('Public', 'Standard', [type[]]@())
    $il = $ctor.GetILGenerator()
    $il.Emit($op::Ldarg_0)
    $il.Emit($op::Call, $base.GetConstructor([System.Reflection.BindingFlags]'Instance, NonPublic, Public', $null, [type[]]@(), $null))
    $il.Emit($op::Ret)

    $readerRef = [System.Text.Json.Utf8JsonReader].MakeByRefType()
    $read = $tb.DefineMethod('Read', 'Public, Virtual, HideBySig', [datetime],
        [type[]]@($readerRef, [type], [System.Text.Json.JsonSerializerOptions]))
    $il = $read.GetILGenerator()
    $null = $il.DeclareLocal([DateTimeOffset])
    $il.Emit($op::Ldarg_1)
    $il.Emit($op::Call, [System.Text.Json.Utf8JsonReader].GetMethod('GetDateTimeOffset', [type[]]@()))
    $il.Emit($op::Stloc_0)
    $il.Emit($op::Ldloca_S, [byte]0)
    $il.Emit($op::Call, [DateTimeOffset].GetProperty('UtcDateTime').GetGetMethod())
    $il.Emit($op::Ret)

    $write = $tb.DefineMethod('Write', 'Public, Virtual, HideBySig', [void],
        [type[]]@([System.Text.Json.Utf8JsonWriter], [datetime], [System.Text.Json.JsonSerializerOptions]))
    $il = $write.GetILGenerator()
    $il.Emit($op::Ldarg_1)
    $il.Emit($op::Ldarg_2)
    $il.Emit($op::Callvirt, [System.Text.Json.Utf8JsonWriter].GetMethod('WriteStringValue', [type[]]@([datetime])))
    $il.Emit($op::Ret)
    $tb.CreateType()
}

function Initialize-ApiKeysTypes {
    $domain = [AppDomain]::CurrentDomain
    [System.Threading.Monitor]::Enter($domain)
    try {
        $cached = $domain.GetData($script:TypeCacheKey)
        if ($null -ne $cached) { return $cached }

        $asm = [System.Reflection.Emit.AssemblyBuilder]::DefineDynamicAssembly(
            [System.Reflection.AssemblyName]::new('ApiKeys.PowerShell.Types'),
            [System.Reflection.Emit.AssemblyBuilderAccess]::Run)
        $mb = $asm.DefineDynamicModule('ApiKeys.PowerShell.Types')
        $t = @{}
        $ndt = [Nullable[datetime]]

        # Sessions. ImmichSession keeps PSImmich's property names (BaseUri ... SessionID).
        $t.ImmichSession = New-ApiKeysDynamicClass $mb 'ImmichSession' ([ordered]@{
                BaseUri          = [string]
                AuthMethod       = [string]
                AccessTokenValid = [bool]
                Credential       = [pscredential]
                APIUri           = [string]
                ImmichVersion    = [string]
                SessionID        = [string]
                Connected        = [bool]
                ConnectedAt      = [datetime]
                Handle           = [uint64]
            }) -ToStringField 'BaseUri'
        $t.ApiKeyServer = New-ApiKeysDynamicClass $mb 'ApiKeys.ApiKeyServer' ([ordered]@{
                Kind        = [string]
                Family      = [string]
                Uri         = [string]
                Product     = [string]
                Version     = [string]
                AuthMethod  = [string]
                User        = [string]
                Generation  = [string]
                Transport   = [string]
                Connected   = [bool]
                ConnectedAt = [datetime]
                SessionId   = [guid]
                Handle      = [uint64]
            }) -ToStringField 'Uri'

        # Immich family: the server's camelCase names (PSImmich.ObjectType.IMAPIKey).
        $t.IMAPIKey = New-ApiKeysDynamicClass $mb 'PSImmich.ObjectType.IMAPIKey' ([ordered]@{
                id          = [guid]
                name        = [string]
                createdAt   = $ndt
                updatedAt   = $ndt
                permissions = [string[]]
            }) -ToStringField 'name'

        # JIM family: PascalCase, as JIM's module renames the API's properties.
        $t.JimRole = New-ApiKeysDynamicClass $mb 'JIM.RoleDto' ([ordered]@{
                Id                = [int]
                Name              = [string]
                BuiltIn           = [bool]
                Created           = $ndt
                StaticMemberCount = [int]
            }) -ToStringField 'Name'
        $t.JimApiKey = New-ApiKeysDynamicClass $mb 'JIM.ApiKeyDto' ([ordered]@{
                Id             = [guid]
                Name           = [string]
                Description    = [string]
                KeyPrefix      = @([string], 'prefix')
                CreatedAt      = $ndt
                ExpiresAt      = $ndt
                LastUsedAt     = $ndt
                LastUsedFromIp = @([string], 'lastUsedFrom')
                IsEnabled      = @([bool], 'enabled')
                Roles          = $t.JimRole.MakeArrayType()
            }) -ToStringField 'Name'
        $t.JimCreatedKey = New-ApiKeysDynamicClass $mb 'JIM.ApiKeyCreateResponseDto' ([ordered]@{
                Key = @([string], $null, 'ignore')
            }) -Parent $t.JimApiKey

        # TrueNAS family: the API's snake_case names (ApiKeyEntry, ApiKeyEntryWithKey), as the
        # TrueNAS CLI shows them. One class per key model so that each gets the CLI's columns:
        # ApiKeyEntry (CORE 13 to 24.10: id, name, created_at, allowlist) and UserApiKeyEntry
        # (25.04+: + username, expires_at, revoked, revoked_reason).
        $t.TrueNasAllowlistItem = New-ApiKeysDynamicClass $mb 'TrueNAS.AllowlistItem' ([ordered]@{
                method   = [string]
                resource = [string]
            }) -ToStringField 'resource'
        $t.TrueNasApiKey = New-ApiKeysDynamicClass $mb 'TrueNAS.ApiKeyEntry' ([ordered]@{
                id             = @([long], 'id', 'numberFromString')
                name           = [string]
                created_at     = @($ndt, 'createdAt')
                allowlist      = $t.TrueNasAllowlistItem.MakeArrayType()
                username       = [string]
                expires_at     = @($ndt, 'expiresAt')
                revoked        = [Nullable[bool]]
                revoked_reason = @([string], 'revokedReason')
            }) -ToStringField 'name'
        $t.TrueNasUserApiKey = New-ApiKeysDynamicClass $mb 'TrueNAS.UserApiKeyEntry' ([ordered]@{}) -Parent $t.TrueNasApiKey
        $t.TrueNasCreatedKey = New-ApiKeysDynamicClass $mb 'TrueNAS.ApiKeyEntryWithKey' ([ordered]@{
                key = @([object], $null, 'ignore')
            }) -Parent $t.TrueNasApiKey

        # Cross-server family.
        $t.Role = New-ApiKeysDynamicClass $mb 'ApiKeys.Role' ([ordered]@{
                Id                = [int]
                Name              = [string]
                BuiltIn           = [Nullable[bool]]
                Created           = $ndt
                StaticMemberCount = [Nullable[int]]
            }) -ToStringField 'Name'
        $t.AllowlistEntry = New-ApiKeysDynamicClass $mb 'ApiKeys.AllowlistEntry' ([ordered]@{
                Method   = [string]
                Resource = [string]
            }) -ToStringField 'Resource'
        $t.ApiKey = New-ApiKeysDynamicClass $mb 'ApiKeys.ApiKey' ([ordered]@{
                Kind          = [string]
                Id            = [string]
                Name          = [string]
                Description   = [string]
                Prefix        = [string]
                Enabled       = [Nullable[bool]]
                CreatedAt     = $ndt
                UpdatedAt     = $ndt
                ExpiresAt     = $ndt
                LastUsedAt    = $ndt
                LastUsedFrom  = [string]
                Permissions   = [string[]]
                Roles         = $t.Role.MakeArrayType()
                Allowlist     = $t.AllowlistEntry.MakeArrayType()
                Username      = [string]
                Revoked       = [Nullable[bool]]
                RevokedReason = [string]
                Server        = @($t.ApiKeyServer, $null, 'ignore')
            }) -ToStringField 'Name'
        $t.CreatedApiKey = New-ApiKeysDynamicClass $mb 'ApiKeys.CreatedApiKey' ([ordered]@{
                Kind       = [string]
                Id         = [string]
                Name       = [string]
                Secret     = [object]
                ReplacedId = [string]
                Warning    = [string]
                Key        = $t.ApiKey
                Server     = $t.ApiKeyServer
            }) -ToStringField 'Name'

        $domain.SetData($script:TypeCacheKey, $t)
        $t
    }
    finally {
        [System.Threading.Monitor]::Exit($domain)
    }
}

function Get-ApiKeysUtcDateTimeConverterType {
    # The JSON date converter is only needed when the first key is read: emitted then, not at
    # import (emitting IL costs about 100 ms the first time).
    $domain = [AppDomain]::CurrentDomain
    [System.Threading.Monitor]::Enter($domain)
    try {
        $type = $domain.GetData($script:ConverterCacheKey)
        if ($null -eq $type) {
            $asm = [System.Reflection.Emit.AssemblyBuilder]::DefineDynamicAssembly(
                [System.Reflection.AssemblyName]::new('ApiKeys.PowerShell.Converters'),
                [System.Reflection.Emit.AssemblyBuilderAccess]::Run)
            $type = New-ApiKeysUtcDateTimeConverter -ModuleBuilder $asm.DefineDynamicModule('ApiKeys.PowerShell.Converters')
            $domain.SetData($script:ConverterCacheKey, $type)
        }
        $type
    }
    finally {
        [System.Threading.Monitor]::Exit($domain)
    }
}
