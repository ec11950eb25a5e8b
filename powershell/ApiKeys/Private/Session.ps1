# Private/Session.ps1: session objects around native handles.
#
# - Every open session (any family) is in $script:Sessions; Remove-Module closes them all
#   (ApiKeys.psm1 sets OnRemove to Close-AllApiKeysSessions).
# - One default session per family: Immich (Connect-Immich), JIM (Connect-JIM), TrueNAS
#   (Connect-TrueNas), ApiKey (Connect-ApiKeyServer, the most recent one).
# - A closed session keeps its object but has Connected = $false and Handle = 0; using it is
#   a terminating 'SessionClosed' error that says how to reconnect.

$script:Sessions = [System.Collections.Generic.List[object]]::new()
$script:ApiKeyServers = [System.Collections.Generic.List[object]]::new()
$script:DefaultSession = @{ Immich = $null; JIM = $null; TrueNAS = $null; ApiKey = $null }
$script:CatalogCache = @{}
$script:KeyNameCache = @{}

$script:FamilyInfo = @{
    Immich  = @{ Product = 'Immich'; Connect = 'Connect-Immich' }
    JIM     = @{ Product = 'JIM'; Connect = 'Connect-JIM' }
    TrueNAS = @{ Product = 'TrueNAS'; Connect = 'Connect-TrueNas' }
    ApiKey  = @{ Product = 'API key server'; Connect = 'Connect-ApiKeyServer' }
}

function Get-ApiKeysSessionFamily {
    param([object]$Session)
    if ($Session -is $script:Types.ImmichSession) { return 'Immich' }
    if ($Session -is $script:Types.ApiKeyServer -and $Session.Family) { return $Session.Family }
    'ApiKey'
}

function Get-ApiKeysSessionKey {
    # A stable string per session, for caches.
    param([object]$Session)
    if ($Session -is $script:Types.ImmichSession) { return $Session.SessionID }
    [string]$Session.SessionId
}

function Get-ApiKeysSessionUri {
    param([object]$Session)
    if ($Session -is $script:Types.ImmichSession) { return $Session.BaseUri }
    $Session.Uri
}

function New-ApiKeysSessionError {
    param([string]$ErrorId, [string]$Message, [object]$Target, [string]$Category = 'InvalidOperation')
    [System.Management.Automation.ErrorRecord]::new(
        [System.InvalidOperationException]::new($Message), $ErrorId,
        [System.Management.Automation.ErrorCategory]$Category, $Target)
}

function Assert-ApiKeysSessionOpen {
    # Returns the native handle of an open session; a terminating error otherwise.
    param([System.Management.Automation.PSCmdlet]$Cmdlet, [object]$Session)
    if ($null -eq $Session) {
        $er = New-ApiKeysSessionError 'NoSession' 'No session was given. Connect first (Connect-ApiKeyServer, Connect-Immich, Connect-JIM or Connect-TrueNas).' $null
        if ($Cmdlet) { $Cmdlet.ThrowTerminatingError($er) }
        throw $er
    }
    if (-not $Session.Connected -or $Session.Handle -eq 0) {
        $family = Get-ApiKeysSessionFamily $Session
        $info = $script:FamilyInfo[$family]
        $uri = Get-ApiKeysSessionUri $Session
        $er = New-ApiKeysSessionError 'SessionClosed' ("The $($info.Product) session to $uri is closed (disconnected or the module was removed). Run $($info.Connect) to open a new one.") $Session
        if ($Cmdlet) { $Cmdlet.ThrowTerminatingError($er) }
        throw $er
    }
    $Session.Handle
}

function Open-ApiKeysNativeSession {
    # SessionConfig (interfaces.md) -> handle. Any failure is terminating.
    param(
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [System.Collections.IDictionary]$Config,
        [object]$TargetObject,
        [string]$MessagePrefix
    )
    $json = ConvertTo-Json -InputObject $Config -Compress -Depth 5
    Invoke-Native -Cmdlet $Cmdlet -Operation session_open -Json $json -Terminating -TargetObject $TargetObject -MessagePrefix $MessagePrefix
}

function Set-ApiKeysServerInfo {
    # server_info JSON -> Kind, Product, Version, Generation, Transport of a session object.
    param([object]$Session, [string]$Json)
    $info = ConvertFrom-ApiKeysSmallJson $Json
    $Session.Kind = ConvertTo-ApiKeysKindName $info['kind']
    $Session.Product = $info['product']
    $Session.Version = $info['version']
    $Session.Generation = $info['generation']
    $Session.Transport = $info['transport']
}

function Set-ApiKeysWhoami {
    # whoami JSON -> AuthMethod and User (e-mail, user name, TrueNAS pw_name, else the key name).
    param([object]$Session, [string]$Json)
    if (-not $Json) { return }
    $w = ConvertFrom-ApiKeysSmallJson $Json
    if ($w['authMethod']) { $Session.AuthMethod = $w['authMethod'] }
    $user = $w['user']
    if ($user -is [System.Collections.IDictionary]) {
        foreach ($f in 'email', 'username', 'pw_name', 'name') {
            if ($user.Contains($f) -and $user[$f]) { $Session.User = [string]$user[$f]; return }
        }
    }
    $key = $w['key']
    if ($key -is [System.Collections.IDictionary]) {
        if ($key.Contains('username') -and $key['username']) { $Session.User = [string]$key['username'] }
        elseif ($key['name']) { $Session.User = "key '$($key['name'])'" }
    }
}

function Close-ApiKeysNativeHandle {
    # Closes a raw handle (used when a connect fails after the session was opened).
    param([uint64]$Handle)
    if ($Handle -eq 0 -or $null -eq $script:Native) { return }
    $null = $script:Native.CloseSession($Handle)
}

function Register-ApiKeysSession {
    param([object]$Session)
    $script:Sessions.Add($Session)
}

function Close-ApiKeysSession {
    # Frees the native handle and forgets the session everywhere. Safe to call twice.
    param([object]$Session)
    if ($null -eq $Session) { return }
    $handle = $Session.Handle
    $Session.Handle = [uint64]0
    $Session.Connected = $false
    if ($Session -is $script:Types.ImmichSession) { $Session.AccessTokenValid = $false }
    Close-ApiKeysNativeHandle $handle
    $null = $script:Sessions.Remove($Session)
    $null = $script:ApiKeyServers.Remove($Session)
    foreach ($family in @($script:DefaultSession.Keys)) {
        if ([object]::ReferenceEquals($script:DefaultSession[$family], $Session)) { $script:DefaultSession[$family] = $null }
    }
    if ($null -eq $script:DefaultSession.ApiKey -and $script:ApiKeyServers.Count -gt 0) {
        $script:DefaultSession.ApiKey = $script:ApiKeyServers[$script:ApiKeyServers.Count - 1]
    }
    $key = Get-ApiKeysSessionKey $Session
    $script:CatalogCache.Remove($key)
    $script:KeyNameCache.Remove($key)
}

function Close-AllApiKeysSessions {
    foreach ($s in @($script:Sessions)) { Close-ApiKeysSession $s }
}

function Resolve-ImmichSession {
    param([System.Management.Automation.PSCmdlet]$Cmdlet, [object]$Session)
    if ($null -eq $Session) { $Session = $script:DefaultSession.Immich }
    if ($null -eq $Session) {
        $Cmdlet.ThrowTerminatingError((New-ApiKeysSessionError 'NoImmichSession' 'No Immich Session established, please call Connect-Immich' $null))
    }
    if (-not $Session.Connected -or $Session.Handle -eq 0) { $null = Assert-ApiKeysSessionOpen -Cmdlet $Cmdlet -Session $Session }
    $Session
}

$script:JimNotConnectedMessage = 'You are not connected to JIM. Run Connect-JIM -Url <your JIM URL> -ApiKey <key> to authenticate, then try again.'

function Resolve-JimConnection {
    param([System.Management.Automation.PSCmdlet]$Cmdlet)
    $s = $script:DefaultSession.JIM
    if ($null -eq $s) {
        $Cmdlet.ThrowTerminatingError((New-ApiKeysSessionError 'NotConnected' $script:JimNotConnectedMessage $null 'ConnectionError'))
    }
    if (-not $s.Connected -or $s.Handle -eq 0) { $null = Assert-ApiKeysSessionOpen -Cmdlet $Cmdlet -Session $s }
    $s
}

function Resolve-TrueNasSession {
    # -Session, else the default TrueNAS session. Any session whose server is a TrueNAS will do
    # (Connect-TrueNas, or Connect-ApiKeyServer to a TrueNAS); another kind is refused before
    # anything is sent.
    param([System.Management.Automation.PSCmdlet]$Cmdlet, [object]$Session)
    if ($null -eq $Session) { $Session = $script:DefaultSession.TrueNAS }
    if ($null -eq $Session) {
        $Cmdlet.ThrowTerminatingError((New-ApiKeysSessionError 'NoTrueNasSession' 'No TrueNAS session established. Run Connect-TrueNas -Uri <url> -ApiKey <key> first, or pass -Session.' $null 'ConnectionError'))
    }
    if ($Session.Kind -ne 'TrueNAS') {
        $what = if ($Session.Kind) { "a $($Session.Kind) session" } else { 'a session of another kind' }
        $er = New-ApiKeysErrorRecord -Kind invalid_argument -ErrorId 'SessionKindMismatch' -Category InvalidArgument -TargetObject $Session `
            -Message "-Session: $what to $(Get-ApiKeysSessionUri $Session) was given, but $($Cmdlet.MyInvocation.MyCommand.Name) needs a TrueNAS session (from Connect-TrueNas, or Connect-ApiKeyServer to a TrueNAS server)."
        $Cmdlet.ThrowTerminatingError($er)
    }
    if (-not $Session.Connected -or $Session.Handle -eq 0) { $null = Assert-ApiKeysSessionOpen -Cmdlet $Cmdlet -Session $Session }
    $Session
}

function New-ApiKeysTlsConfig {
    # -SkipCertificateCheck / -CertificateAuthority -> SessionConfig.tls. Verification is on
    # unless skipped, which warns; a CA file that does not exist is a terminating error.
    param(
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [string]$BaseUrl,
        [switch]$SkipCertificateCheck,
        [string]$CertificateAuthority
    )
    $tls = [ordered]@{ verify = -not $SkipCertificateCheck }
    if ($CertificateAuthority) {
        $caPath = $Cmdlet.GetUnresolvedProviderPathFromPSPath($CertificateAuthority)
        if (-not [System.IO.File]::Exists($caPath)) {
            $Cmdlet.ThrowTerminatingError((New-ApiKeysErrorRecord -Kind invalid_argument -Message "-CertificateAuthority: the certificate authority file '$caPath' does not exist." -TargetObject $caPath -ErrorId 'CertificateAuthorityNotFound' -Category ObjectNotFound))
        }
        $tls.caFile = $caPath
    }
    if ($SkipCertificateCheck) {
        Write-Warning "Certificate checks are off for $BaseUrl (-SkipCertificateCheck): anyone on the network path could read the API key. Prefer -CertificateAuthority <ca.pem>."
    }
    $tls
}

function Test-ApiKeysPlainTransport {
    # Warns (before connecting) when a secret would travel over plain http:// to a host other
    # than loopback: anyone on the network path could read it. Decided from the URI alone (no
    # DNS lookup); the connection itself may still fail afterwards.
    param([string]$Uri, [string]$What = 'API key')
    $u = $null
    if (-not [System.Uri]::TryCreate($Uri, [System.UriKind]::Absolute, [ref]$u)) { return }
    if ($u.Scheme -ne 'http' -or $u.IsLoopback) { return }
    Write-Warning "The $What for $($u.Host) will be sent over plain http://, unencrypted: anyone on the network path can read it. Use an https:// URL."
}

function Resolve-ApiKeyServer {
    # -Server values, or the default cross-server session. Returns one or more open sessions.
    param([System.Management.Automation.PSCmdlet]$Cmdlet, [object[]]$Server)
    if (-not $Server) {
        if ($null -eq $script:DefaultSession.ApiKey) {
            $Cmdlet.ThrowTerminatingError((New-ApiKeysSessionError 'NoApiKeyServer' 'Not connected to any server. Run Connect-ApiKeyServer -Uri <url> -ApiKey <key> first, or pass -Server.' $null 'ConnectionError'))
        }
        $Server = @($script:DefaultSession.ApiKey)
    }
    foreach ($s in $Server) {
        # An open session passes without a call: this runs on every command's hot path.
        if ($null -eq $s -or -not $s.Connected -or $s.Handle -eq 0) { $null = Assert-ApiKeysSessionOpen -Cmdlet $Cmdlet -Session $s }
        $s
    }
}

function Get-ApiKeysCatalog {
    # The server's permission list (Immich) or roles (JIM), cached per session.
    param([System.Management.Automation.PSCmdlet]$Cmdlet, [object]$Session, [switch]$NoCache)
    $key = Get-ApiKeysSessionKey $Session
    if (-not $NoCache -and $script:CatalogCache.ContainsKey($key)) { return $script:CatalogCache[$key] }
    $json = Invoke-Native -Cmdlet $Cmdlet -Operation catalog -Session $Session -TargetObject (Get-ApiKeysSessionUri $Session) -MessagePrefix 'Failed to read the server catalog'
    if ($null -eq $json) { return }
    $catalog = ConvertFrom-ApiKeysCatalogJson -Json $json
    $script:CatalogCache[$key] = $catalog
    $catalog
}

function Get-ApiKeysKeyNameCache {
    # Key ids and names for tab completion, cached per session for 60 seconds.
    param([object]$Session)
    if ($null -eq $Session -or -not $Session.Connected) { return @() }
    $key = Get-ApiKeysSessionKey $Session
    $entry = $script:KeyNameCache[$key]
    if ($entry -and ([datetime]::UtcNow - $entry.Time).TotalSeconds -lt 60) { return $entry.Keys }
    $er = $null
    $keys = Invoke-Native -Operation key_list -Type $script:Types.ApiKey -Array -Session $Session -ErrorRecord ([ref]$er)
    if ($null -eq $keys) { return @() }
    $script:KeyNameCache[$key] = @{ Time = [datetime]::UtcNow; Keys = $keys }
    $keys
}

function Clear-ApiKeysKeyNameCache {
    param([object]$Session)
    if ($null -ne $Session) { $script:KeyNameCache.Remove((Get-ApiKeysSessionKey $Session)) }
}

function Resolve-ApiKeyTarget {
    # Cross-server key commands: -InputObject keys or -Id (+ -Server) -> @{ Id; Server; Label }.
    # The server of a key comes from the key itself, else -Server, else the default session.
    param(
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [object[]]$InputObject,
        [string[]]$Id,
        [object]$Server
    )
    if ($InputObject) {
        foreach ($k in $InputObject) {
            $s = if ($k.Server) { $k.Server } else { @(Resolve-ApiKeyServer -Cmdlet $Cmdlet)[0] }
            $null = Assert-ApiKeysSessionOpen -Cmdlet $Cmdlet -Session $s
            @{ Id = $k.Id; Server = $s; Label = "$($k.Name) ($($k.Id)) on $($s.Uri)" }
        }
        return
    }
    $s = @(Resolve-ApiKeyServer -Cmdlet $Cmdlet -Server $(if ($Server) { @($Server) } else { $null }))[0]
    foreach ($i in $Id) {
        @{ Id = $i; Server = $s; Label = "$i on $($s.Uri)" }
    }
}

function Invoke-ApiKeyTargetUpdate {
    # The shared body of Set-, Enable- and Disable-ApiKey: one KeyUpdate JSON sent to each
    # resolved target, with per-item ShouldProcess (so -WhatIf lists exactly what would change),
    # progress, name-cache refresh and -PassThru.
    param(
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [object[]]$Targets,
        [string]$Json,
        [string]$Action,
        [object]$Progress,
        [switch]$PassThru
    )
    foreach ($t in $Targets) {
        if ($Progress.Due()) { Write-ApiKeysProgress $Progress $t.Label }
        if (-not $Cmdlet.ShouldProcess($t.Label, $Action)) { continue }
        $key = Invoke-Native -Cmdlet $Cmdlet -Operation key_update -Type $script:Types.ApiKey -Session $t.Server -Id $t.Id -Json $Json -TargetObject $t.Id
        if ($null -eq $key) { continue }
        Clear-ApiKeysKeyNameCache $t.Server
        if ($PassThru) {
            Set-ApiKeysKeyServer -Keys @($key) -Server $t.Server
            $key
        }
    }
}
