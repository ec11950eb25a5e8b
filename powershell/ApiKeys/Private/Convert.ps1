# Private/Convert.ps1: the library's unified JSON -> family objects, and back.
#
# Keys are read by System.Text.Json straight from the library's UTF-8 output into the types of
# Types.ps1 (Invoke-Native -Type; ApiKeys.Runtime/Json.cs):
#   PSImmich.ObjectType.IMAPIKey  camelCase (id, name, createdAt, updatedAt, permissions)
#   JIM.ApiKeyDto                 PascalCase (Id, Name, ..., KeyPrefix, IsEnabled, Roles)
#   ApiKeys.ApiKey                the cross-server view of every field
# Dates become [datetime] in UTC (ApiKeys.Internal.UtcDateTimeConverter), GUID ids become [guid].
# No per-key PowerShell code runs for Immich and JIM lists; the cross-server list only sets
# Server and Kind on each key.

$script:KindNames = @{ immich = 'Immich'; jim = 'JIM'; truenas = 'TrueNAS' }

function ConvertFrom-ApiKeysJson {
    # JSON object (or array with -Array) -> instance(s) of $Type.
    param([string]$Json, [type]$Type, [switch]$Array)
    try {
        $result = [ApiKeys.Internal.Json]::Read($Json, $Type, [bool]$Array)
    }
    catch {
        # Never include the JSON itself: a created key's JSON holds the secret.
        throw (New-ApiKeysErrorRecord -Kind protocol -Message "The library returned JSON this module cannot read as $($Type.FullName): $($_.Exception.GetBaseException().Message)" -TargetObject $null)
    }
    # An array comes back whole (one pipeline object): callers enumerate it with WriteObject.
    if ($Array) { , $result } else { $result }
}

function ConvertFrom-ApiKeysCatalogJson {
    # {"kind", "permissions"?: [...], "roles"?: [...]} -> @{ Kind; Permissions; Roles (JIM.RoleDto[]) }
    param([string]$Json)
    $doc = [System.Text.Json.JsonDocument]::Parse($Json)
    try {
        $root = $doc.RootElement
        $c = @{ Kind = $null; Permissions = [string[]]@(); Roles = @() }
        $p = [System.Text.Json.JsonElement]::new()
        if ($root.TryGetProperty('kind', [ref]$p)) { $c.Kind = $p.GetString() }
        if ($root.TryGetProperty('permissions', [ref]$p) -and $p.ValueKind -eq 'Array') {
            $c.Permissions = [string[]]@(foreach ($e in $p.EnumerateArray()) { $e.GetString() })
        }
        if ($root.TryGetProperty('roles', [ref]$p) -and $p.ValueKind -eq 'Array') {
            $c.Roles = ConvertFrom-ApiKeysJson -Json $p.GetRawText() -Type $script:Types.JimRole -Array
        }
        $c
    }
    finally { $doc.Dispose() }
}

function ConvertFrom-ApiKeysSmallJson {
    # Small JSON (server info, whoami, errors) -> hashtable.
    param([string]$Json)
    ConvertFrom-Json -InputObject $Json -AsHashtable
}

function ConvertTo-ApiKeysKindName {
    param([string]$Kind)
    $n = $script:KindNames[$Kind]
    if ($n) { $n } else { $Kind }
}

function Set-ApiKeysKeyServer {
    # Cross-server keys: attach the session they came from, and the kind's display name.
    param([ApiKeys.ApiKey[]]$Keys, [ApiKeys.ApiKeyServer]$Server)
    [ApiKeys.Internal.KeyServer]::Attach($Keys, $Server)
}

function ConvertTo-ApiKeysSecureString {
    param([string]$Secret)
    if ($null -eq $Secret) { return $null }
    $ss = [System.Security.SecureString]::new()
    foreach ($c in $Secret.ToCharArray()) { $ss.AppendChar($c) }
    $ss.MakeReadOnly()
    $ss
}

function ConvertFrom-ApiKeysSecureString {
    param([System.Security.SecureString]$Secure)
    [System.Net.NetworkCredential]::new('', $Secure).Password
}

function ConvertTo-ApiKeysRfc3339 {
    # [datetime] -> "2026-11-25T09:13:52.0000000Z". Local and unspecified times are taken as
    # local time and converted to UTC (as JIM's module does with ToUniversalTime()).
    param([datetime]$Date)
    $Date.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss.fffffffZ', [System.Globalization.CultureInfo]::InvariantCulture)
}

function ConvertTo-ApiKeysJson {
    param([System.Collections.IDictionary]$Object)
    ConvertTo-Json -InputObject $Object -Compress -Depth 6
}

$script:AllowlistMethods = @('GET', 'POST', 'PUT', 'DELETE', 'CALL', 'SUBSCRIBE', '*')

function ConvertTo-ApiKeysAllowlist {
    <#
    -Allowlist values (TrueNAS 22.02-24.10) -> a list of ordered @{ method; resource } for the
    library. Each item is a 'METHOD resource' string ('CALL system.info', '* *'), a hashtable
    @{ method = 'GET'; resource = '/pool' }, or an object with Method and Resource properties
    (e.g. the allowlist of a key from Get-TrueNasApiKey). A malformed item is a terminating
    InvalidArgument error naming -Allowlist: nothing is sent.
    #>
    param(
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [object[]]$Allowlist,
        [string]$Parameter = 'Allowlist'
    )
    $list = [System.Collections.Generic.List[object]]::new()
    $i = 0
    foreach ($item in @($Allowlist)) {
        $i++
        $method = $null; $resource = $null
        $item = if ($null -ne $item) { $item.psobject.BaseObject } else { $null }
        if ($item -is [string]) {
            $parts = $item.Trim() -split '\s+', 2
            if ($parts.Count -eq 2) { $method = $parts[0]; $resource = $parts[1] }
        }
        elseif ($item -is [System.Collections.IDictionary]) {
            foreach ($k in $item.Keys) {
                if ("$k" -eq 'method') { $method = $item[$k] }
                elseif ("$k" -eq 'resource') { $resource = $item[$k] }
            }
        }
        elseif ($null -ne $item) {
            $po = [psobject]$item
            if ($po.PSObject.Properties['method']) { $method = $po.PSObject.Properties['method'].Value }
            if ($po.PSObject.Properties['resource']) { $resource = $po.PSObject.Properties['resource'].Value }
        }
        $shown = if ($item -is [string]) { "'$item'" } elseif ($null -eq $item) { '$null' } else { "'$method $resource'" }
        $problem = if ($null -eq $method -or $null -eq $resource) {
            "is not 'METHOD resource', @{ method = ...; resource = ... } or an object with Method and Resource"
        }
        elseif ("$method" -notin $script:AllowlistMethods) {
            "has method '$method'; the method must be one of $($script:AllowlistMethods -join ', ')"
        }
        elseif ([string]::IsNullOrWhiteSpace("$resource")) {
            'has an empty resource'
        }
        if ($problem) {
            $Cmdlet.ThrowTerminatingError((New-ApiKeysErrorRecord -Kind invalid_argument -ErrorId 'InvalidAllowlist' -Category InvalidArgument -TargetObject $item `
                        -Message "-${Parameter}: item $i ($shown) $problem."))
        }
        $list.Add([ordered]@{ method = "$method".ToUpperInvariant(); resource = "$resource" })
    }
    , $list.ToArray()
}

function Assert-ApiKeysFutureDate {
    # A key that expires before it is made is never usable (JIM even stores it), so an expiry in
    # the past is a terminating InvalidArgument error naming the parameter; nothing is sent.
    param(
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [Nullable[datetime]]$Date,
        [string]$Parameter = 'ExpiresAt'
    )
    if ($null -eq $Date) { return }
    $d = [datetime]$Date
    if ($d.ToUniversalTime() -gt [datetime]::UtcNow) { return }
    $Cmdlet.ThrowTerminatingError((New-ApiKeysErrorRecord -Kind invalid_argument -ErrorId 'ExpiryInPast' -Category InvalidArgument -TargetObject $d `
                -Message "-${Parameter}: $(ConvertTo-ApiKeysRfc3339 $d) is in the past; a key must expire in the future. Leave -$Parameter out for a key that does not expire."))
}

function Get-TrueNasKeyType {
    # The key class of a TrueNAS session's generation: UserApiKeyEntry from 25.04 on (user-linked
    # keys), else ApiKeyEntry.
    param([object]$Session)
    $major = 0
    if ($Session.Generation -and [int]::TryParse(($Session.Generation -split '\.')[0], [ref]$major) -and $major -ge 25) {
        return $script:Types.TrueNasUserApiKey
    }
    $script:Types.TrueNasApiKey
}

function ConvertTo-TrueNasCreatedKey {
    # A CreatedKey (create, rotate; Key read as TrueNAS.ApiKeyEntryWithKey) -> its key, whose
    # key property holds the secret: a SecureString unless -AsPlainText.
    param([ApiKeys.Internal.CreatedKey]$Created, [switch]$AsPlainText)
    if ($null -eq $Created) { return }
    $Created.Key.key = if ($AsPlainText) { $Created.Secret } else { ConvertTo-ApiKeysSecureString $Created.Secret }
    $Created.Key
}
