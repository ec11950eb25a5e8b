# PureWays.psm1: the pure-PowerShell ways ApiKeys is compared with (bench/README.md).
#
# 1. PIM*  - the PSImmich way (../shared/docs/anchor-psimmich.md): every call goes through one
#            wrapper that first POSTs /api/auth/validateToken (Invoke-RestMethod, piped to
#            Select-Object AuthStatus), then sends the real request with Invoke-RestMethod
#            (X-API-Key taken out of a SecureString each time, ContentType application/json,
#            bodies through ConvertTo-Json -Compress), and tags each result with a type name.
# 2. PJIM* - the JIM module way (contracts-jim.md section 4): one wrapper that sends
#            Accept + X-API-Key with Invoke-RestMethod -MaximumRedirection 0, bodies through
#            ConvertTo-Json -Depth 10, and rebuilds every answer with PascalCase property names
#            by a recursive advanced function (one call per object, property and array).
#            Remove first GETs the key, as JIM's Remove-JIMApiKey does.
# 3. Hc*   - the best a script module can do without compiled code: one reused
#            System.Net.Http.HttpClient per server and System.Text.Json deserialising the
#            response stream straight into PowerShell classes.
# These are re-implementations of the documented behaviour, written for the benchmark; they
# are not the published modules' code.
Set-StrictMode -Version 3.0

# ------------------------------------------------------------------------------------------
# 1. PSImmich way

function ConvertFrom-PIMSecure {
    param([securestring]$Secure)
    [System.Net.NetworkCredential]::new('', $Secure).Password
}

function Test-PIMToken {
    param($Session)
    $headers = @{ 'X-API-Key' = (ConvertFrom-PIMSecure $Session.AccessToken) }
    $r = Invoke-RestMethod -Method Post -Uri "$($Session.ApiUri)/auth/validateToken" -Headers $headers | Select-Object -Property AuthStatus
    if ($null -eq $r) { throw 'AccessToken is not valid, please reconnect' }
    $Session.AccessTokenValid = [bool]$r.AuthStatus
}

function Invoke-PIMRest {
    [CmdletBinding()]
    param(
        [string]$Method,
        $Session,
        [string]$RelativePath,
        [hashtable]$Body = @{}
    )
    if (-not $Session) { $Session = $script:PIMSession }
    if ($RelativePath -notlike '*auth/login*') { Test-PIMToken $Session }
    $splat = @{
        Method      = $Method
        Uri         = "$($Session.ApiUri)$RelativePath"
        Headers     = @{ 'X-API-Key' = (ConvertFrom-PIMSecure $Session.AccessToken) }
        ContentType = 'application/json'
    }
    if ($Method -in 'Post', 'Put', 'Delete') { $splat.Body = $Body | ConvertTo-Json -Compress }
    # Empty and null answers (a 204) are dropped, as PSImmich does.
    Invoke-RestMethod @splat -Verbose:$false | ForEach-Object { if ($null -ne $_ -and -not ($_ -is [string] -and $_.Length -eq 0)) { $_ } }
}

function Add-PIMType {
    param([Parameter(Mandatory, ValueFromPipeline)][object]$InputObject, [string]$Type)
    process {
        $InputObject | ForEach-Object {
            $name = "PSImmich.ObjectType.$Type"
            if ($_.PSObject.TypeNames -notcontains $name) { $_.PSObject.TypeNames.Insert(0, $name) }
            $_
        }
    }
}

function Connect-PIM {
    param([string]$BaseURL, [string]$AccessToken, [switch]$PassThru)
    $s = [pscustomobject]@{
        BaseUri          = $BaseURL
        AuthMethod       = 'AccessToken'
        AccessToken      = (ConvertTo-SecureString -String $AccessToken -AsPlainText -Force)
        AccessTokenValid = $false
        APIUri           = "$BaseURL/api"
        ImmichVersion    = $null
        SessionID        = [guid]::NewGuid().ToString()
    }
    Test-PIMToken $s
    $v = Invoke-PIMRest -Method Get -Session $s -RelativePath '/server/version'
    $s.ImmichVersion = "$($v.major).$($v.minor).$($v.patch)"
    $script:PIMSession = $s
    if ($PassThru) { $s }
}

function Get-PIMAPIKey {
    [CmdletBinding(DefaultParameterSetName = 'list')]
    param(
        $Session = $null,
        [Parameter(Mandatory, ParameterSetName = 'id', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidatePattern('^[0-9a-fA-F]{8}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{12}$')]
        [string[]]$Id
    )
    process {
        if ($PSCmdlet.ParameterSetName -eq 'list') {
            Invoke-PIMRest -Method Get -Session $Session -RelativePath '/api-keys' | Add-PIMType -Type IMAPIKey
        }
        else {
            foreach ($i in $Id) {
                Invoke-PIMRest -Method Get -Session $Session -RelativePath "/api-keys/$i" | Add-PIMType -Type IMAPIKey
            }
        }
    }
}

function New-PIMAPIKey {
    [CmdletBinding()]
    param($Session = $null, [Parameter(Mandatory)][string]$Name, [string[]]$Permission = 'all')
    Invoke-PIMRest -Method Post -Session $Session -RelativePath '/api-keys' -Body @{ name = $Name; permissions = $Permission }
}

function Remove-PIMAPIKey {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        $Session = $null,
        [Parameter(Mandatory, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidatePattern('^[0-9a-fA-F]{8}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{12}$')]
        [string[]]$Id
    )
    process {
        foreach ($i in $Id) {
            if ($PSCmdlet.ShouldProcess($i, 'DELETE')) {
                Invoke-PIMRest -Method Delete -Session $Session -RelativePath "/api-keys/$i"
            }
        }
    }
}

# ------------------------------------------------------------------------------------------
# 2. JIM module way

$script:PJIMConnection = $null

function ConvertTo-PJIMName {
    [CmdletBinding()]
    param([Parameter(Mandatory)][AllowEmptyString()][string]$Name)
    if ([string]::IsNullOrEmpty($Name) -or [char]::IsUpper($Name[0])) { return $Name }
    [char]::ToUpperInvariant($Name[0]) + $Name.Substring(1)
}

function ConvertTo-PJIMObject {
    # Rebuilds what ConvertFrom-Json made with PascalCase names, one call per node.
    [CmdletBinding()]
    param([Parameter(Position = 0)][AllowNull()][object]$InputObject)
    if ($null -eq $InputObject) { return $null }
    if ($InputObject -is [string] -or $InputObject -is [System.ValueType]) { return $InputObject }
    if ($InputObject -is [System.Management.Automation.PSCustomObject]) {
        $copy = [ordered]@{}
        foreach ($p in $InputObject.PSObject.Properties) {
            $copy[(ConvertTo-PJIMName -Name $p.Name)] = ConvertTo-PJIMObject -InputObject $p.Value
        }
        return [pscustomobject]$copy
    }
    if ($InputObject -is [System.Collections.IEnumerable]) {
        $list = [System.Collections.Generic.List[object]]::new()
        foreach ($item in $InputObject) { $list.Add((ConvertTo-PJIMObject -InputObject $item)) }
        return , $list.ToArray()
    }
    $InputObject
}

function Invoke-PJIMApi {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Endpoint, [string]$Method = 'GET', [object]$Body)
    if (-not $script:PJIMConnection) { Write-Error 'You are not connected to JIM.'; return }
    $params = @{
        Uri         = "$($script:PJIMConnection.Url.TrimEnd('/'))$Endpoint"
        Method      = $Method
        ContentType = 'application/json'
        Headers     = @{ 'Accept' = 'application/json'; 'X-API-Key' = $script:PJIMConnection.ApiKey }
    }
    if ($Body) { $params.Body = $Body | ConvertTo-Json -Depth 10 }
    try {
        $response = Invoke-RestMethod @params -ErrorAction Stop -MaximumRedirection 0
    }
    catch {
        $code = $_.Exception.Response.StatusCode.value__
        if ($code -eq 404) { throw "Resource not found: $($_.ErrorDetails.Message)" }
        throw "JIM API error ($code): $($_.ErrorDetails.Message)"
    }
    if ($null -eq $response) { return }
    $normalised = ConvertTo-PJIMObject -InputObject $response
    $normalised
}

function Connect-PJIM {
    param([string]$Url, [string]$ApiKey)
    $script:PJIMConnection = [pscustomobject]@{ Url = $Url.TrimEnd('/'); ApiKey = $ApiKey; AuthMethod = 'ApiKey'; Connected = $true; ServerVersion = $null }
    $null = Invoke-PJIMApi -Endpoint '/api/v1/health'
    $script:PJIMConnection.ServerVersion = (Invoke-PJIMApi -Endpoint '/api/v1/health/version').Version
}

function Get-PJIMApiKey {
    [CmdletBinding(DefaultParameterSetName = 'List')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'ById', ValueFromPipelineByPropertyName)][guid]$Id,
        [Parameter(ParameterSetName = 'List')][string]$Name
    )
    process {
        if ($PSCmdlet.ParameterSetName -eq 'ById') { return Invoke-PJIMApi -Endpoint "/api/v1/apikeys/$Id" }
        $all = Invoke-PJIMApi -Endpoint '/api/v1/apikeys'
        if ($Name) { $all = $all | Where-Object { $_.Name -like $Name } }
        foreach ($k in $all) { $k }
    }
}

function New-PJIMApiKey {
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)][string]$Name, [int[]]$RoleIds = @(), [switch]$PassThru)
    if (-not $PSCmdlet.ShouldProcess($Name, 'Create API Key')) { return }
    $r = Invoke-PJIMApi -Endpoint '/api/v1/apikeys' -Method POST -Body @{ name = $Name; roleIds = $RoleIds }
    if ($PassThru) { $r }
}

function Remove-PJIMApiKey {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    param([Parameter(Mandatory, ValueFromPipelineByPropertyName)][guid]$Id, [switch]$Force)
    process {
        $existing = Invoke-PJIMApi -Endpoint "/api/v1/apikeys/$Id"
        if ($Force -or $PSCmdlet.ShouldProcess($existing.Name, 'Delete API Key')) {
            $null = Invoke-PJIMApi -Endpoint "/api/v1/apikeys/$Id" -Method DELETE
        }
    }
}

# ------------------------------------------------------------------------------------------
# 3. HttpClient + System.Text.Json

class HcImmichKey {
    [string]$id
    [string]$name
    [datetime]$createdAt
    [datetime]$updatedAt
    [string[]]$permissions
}

class HcJimRole {
    [int]$id
    [string]$name
    [bool]$builtIn
    [datetime]$created
    [int]$staticMemberCount
}

class HcJimKey {
    [string]$id
    [string]$name
    [string]$description
    [string]$keyPrefix
    [datetime]$createdAt
    [Nullable[datetime]]$expiresAt
    [Nullable[datetime]]$lastUsedAt
    [string]$lastUsedFromIp
    [bool]$isEnabled
    [HcJimRole[]]$roles
}

class HcImmichCreated { [string]$secret; [HcImmichKey]$apiKey }
class HcJimCreated : HcJimKey { [string]$key }

function Connect-Hc {
    # One HttpClient per server; returns the connection object (thread-safe, share it).
    param([ValidateSet('immich', 'jim')][string]$Kind, [string]$BaseUrl, [string]$ApiKey)
    $handler = [System.Net.Http.SocketsHttpHandler]::new()
    $handler.UseProxy = $false
    $handler.AllowAutoRedirect = $false
    $client = [System.Net.Http.HttpClient]::new($handler)
    $client.BaseAddress = [uri]$BaseUrl
    $client.DefaultRequestHeaders.Add('X-API-Key', $ApiKey)
    $client.DefaultRequestHeaders.Add('Accept', 'application/json')
    $o = [System.Text.Json.JsonSerializerOptions]::new([System.Text.Json.JsonSerializerDefaults]::Web)
    $im = $Kind -eq 'immich'
    [pscustomobject]@{
        Kind     = $Kind
        Client   = $client
        Options  = $o
        KeysPath = if ($im) { 'api/api-keys' } else { 'api/v1/apikeys' }
        KeyType  = if ($im) { [HcImmichKey] } else { [HcJimKey] }
        ListType = if ($im) { [HcImmichKey[]] } else { [HcJimKey[]] }
        NewType  = if ($im) { [HcImmichCreated] } else { [HcJimCreated] }
    }
}

function Invoke-Hc {
    # Sends one request; returns the answer deserialised as $Type (or nothing).
    param($Conn, [System.Net.Http.HttpMethod]$Method, [string]$Path, [string]$Body, [type]$Type)
    $req = [System.Net.Http.HttpRequestMessage]::new($Method, $Path)
    if ($Body) { $req.Content = [System.Net.Http.StringContent]::new($Body, [System.Text.Encoding]::UTF8, 'application/json') }
    $resp = $Conn.Client.SendAsync($req, [System.Net.Http.HttpCompletionOption]::ResponseHeadersRead).GetAwaiter().GetResult()
    try {
        if (-not $resp.IsSuccessStatusCode) { throw "HTTP $([int]$resp.StatusCode) for $Method $Path" }
        if ($Type) {
            $stream = $resp.Content.ReadAsStream()
            [System.Text.Json.JsonSerializer]::Deserialize($stream, $Type, $Conn.Options)
        }
    }
    finally { $resp.Dispose(); $req.Dispose() }
}

function Get-HcKey {
    param($Conn, [string]$Id, [string]$Name)
    if ($Id) { return Invoke-Hc $Conn ([System.Net.Http.HttpMethod]::Get) "$($Conn.KeysPath)/$Id" -Type $Conn.KeyType }
    $all = Invoke-Hc $Conn ([System.Net.Http.HttpMethod]::Get) $Conn.KeysPath -Type $Conn.ListType
    if ($Name) { $all.Where({ $_.name -like $Name }) } else { $all }
}

function New-HcKey {
    # Returns the new key's id.
    param($Conn, [string]$Name, [object[]]$RoleIds = @(), [string[]]$Permissions = @('all'))
    $body = if ($Conn.Kind -eq 'immich') { @{ name = $Name; permissions = $Permissions } } else { @{ name = $Name; roleIds = $RoleIds } }
    $json = [System.Text.Json.JsonSerializer]::Serialize($body, [hashtable])
    $c = Invoke-Hc $Conn ([System.Net.Http.HttpMethod]::Post) $Conn.KeysPath $json $Conn.NewType
    if ($Conn.Kind -eq 'immich') { $c.apiKey.id } else { $c.id }
}

function Remove-HcKey {
    param($Conn, [string]$Id)
    Invoke-Hc $Conn ([System.Net.Http.HttpMethod]::Delete) "$($Conn.KeysPath)/$Id"
}

function Reset-HcKey {
    # Rotation as a script does it: read the key, create one like it, delete the old one.
    param($Conn, [string]$Id)
    $old = Get-HcKey -Conn $Conn -Id $Id
    $new = if ($Conn.Kind -eq 'immich') {
        New-HcKey -Conn $Conn -Name $old.name -Permissions $old.permissions
    }
    else {
        New-HcKey -Conn $Conn -Name $old.name -RoleIds @($old.roles | ForEach-Object id)
    }
    Remove-HcKey -Conn $Conn -Id $Id
    $new
}

Export-ModuleMember -Function Connect-PIM, Get-PIMAPIKey, New-PIMAPIKey, Remove-PIMAPIKey,
    Connect-PJIM, Get-PJIMApiKey, New-PJIMApiKey, Remove-PJIMApiKey,
    Connect-Hc, Get-HcKey, New-HcKey, Remove-HcKey, Reset-HcKey
