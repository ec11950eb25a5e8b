function Connect-TrueNas {
    <#
    .SYNOPSIS
    Connects to a TrueNAS server (CORE 13 to 26) and makes it the default TrueNAS session.

    .DESCRIPTION
    Opens a session for the TrueNAS commands (Get-TrueNasApiKey, New-TrueNasApiKey,
    Set-TrueNasApiKey, Remove-TrueNasApiKey), with an API key (-ApiKey) or a user's password
    (-Credential). The library finds the server's generation and transport itself: REST
    (/api/v2.0) up to 24.10, JSON-RPC over one kept-open WebSocket (/api/current) from 25.04 on
    (the only way on 26). -Transport forces one.

    The credentials are checked before the command returns: a wrong or revoked key is a
    terminating AuthenticationError. Secrets stay in the native library; the session object
    holds none.

    TrueNAS 25.04 and later revoke an API key that is used over plain http:// or ws:// from
    another machine. The library therefore refuses to send a key that way (an InvalidArgument
    error naming baseUrl, before anything is sent) unless -AllowInsecureKeyTransport is given.
    Any key or password sent over plain http:// to a host other than loopback gives a warning.

    Several sessions can be open at once: keep them with -PassThru and pass them to -Session.
    The session works with the cross-server commands too (Get-ApiKey -Server $session).

    .PARAMETER Uri
    The server's base URL, for example https://truenas.local (no /api suffix).

    .PARAMETER ApiKey
    The API key (<id>-<64 characters>), as a SecureString (recommended, e.g. from
    Read-Host -AsSecureString or Get-Secret) or as a plain string.

    .PARAMETER Username
    With -ApiKey: the key's owner (TrueNAS 25.04+ logs in with the owner's name). Without it the
    library asks the server (auth.login_with_api_key).

    .PARAMETER Credential
    A TrueNAS user name and password, for a password login instead of an API key.

    .PARAMETER Transport
    Auto (default: probe /api/versions), Rest (/api/v2.0; up to 25.10) or WebSocket (JSON-RPC,
    25.04 and later).

    .PARAMETER AllowInsecureKeyTransport
    Sends the API key over plain http:// or ws:// even to a TrueNAS 25.04+ host that is not
    loopback, which revokes the key on the server. Only for test systems.

    .PARAMETER SkipCertificateCheck
    Does not check the server's TLS certificate. Unsafe: anyone on the network path can read the
    key. Prefer -CertificateAuthority. A warning is written when this is used.

    .PARAMETER CertificateAuthority
    Path to a PEM file with an extra certificate authority to trust (e.g. TrueNAS's own CA).

    .PARAMETER TimeoutSec
    How long to wait for each answer from the server, in seconds. Default 30.

    .PARAMETER PassThru
    Returns the session object (ApiKeys.ApiKeyServer).

    .EXAMPLE
    Connect-TrueNas -Uri 'https://truenas.local' -ApiKey (Read-Host -AsSecureString 'TrueNAS key') -CertificateAuthority ./truenas-ca.pem

    Connects with a key typed at the prompt, trusting the server's own certificate authority.

    .EXAMPLE
    $nas = Connect-TrueNas -Uri 'https://nas2.example.org' -Credential (Get-Credential truenas_admin) -PassThru
    Get-TrueNasApiKey -Session $nas

    Logs in with a password and lists the keys of that server.

    .EXAMPLE
    Connect-TrueNas -Uri 'https://truenas.local' -ApiKey $env:TRUENAS_KEY -Transport Rest -PassThru | Format-List Version, Generation, Transport

    Forces the REST transport and shows what the server is.

    .OUTPUTS
    ApiKeys.ApiKeyServer (with -PassThru)

    .LINK
    Get-TrueNasApiKey

    .LINK
    Disconnect-TrueNas
    #>
    [CmdletBinding(DefaultParameterSetName = 'ApiKey')]
    [OutputType('ApiKeys.ApiKeyServer')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [Alias('Url', 'BaseUrl')]
        [string]$Uri,

        [Parameter(Mandatory, Position = 1, ParameterSetName = 'ApiKey')]
        [ValidateNotNull()]
        [object]$ApiKey,

        [Parameter(ParameterSetName = 'ApiKey')]
        [ValidateNotNullOrEmpty()]
        [string]$Username,

        [Parameter(Mandatory, ParameterSetName = 'Credential')]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [ValidateSet('Auto', 'Rest', 'WebSocket')]
        [string]$Transport = 'Auto',

        [switch]$AllowInsecureKeyTransport,

        [switch]$SkipCertificateCheck,

        [ValidateNotNullOrEmpty()]
        [string]$CertificateAuthority,

        [ValidateRange(1, 3600)]
        [int]$TimeoutSec = 30,

        [switch]$PassThru
    )
    if ($Uri -notmatch '^https?://') {
        $PSCmdlet.ThrowTerminatingError((New-ApiKeysErrorRecord -Kind invalid_argument -Message "Invalid URI '$Uri': it must start with http:// or https://." -TargetObject $Uri -ErrorId 'InvalidUri' -Category InvalidArgument))
    }
    $baseUrl = $Uri.TrimEnd('/')
    $config = [ordered]@{ kind = 'truenas'; baseUrl = $baseUrl }
    if ($PSCmdlet.ParameterSetName -eq 'ApiKey') {
        $ApiKey = $ApiKey.psobject.BaseObject
        if ($ApiKey -is [securestring]) { $config.apiKey = ConvertFrom-ApiKeysSecureString $ApiKey }
        elseif ($ApiKey -is [string] -and $ApiKey) { $config.apiKey = $ApiKey }
        if (-not $config.Contains('apiKey') -or -not $config.apiKey) {
            $PSCmdlet.ThrowTerminatingError((New-ApiKeysErrorRecord -Kind invalid_argument -Message "-ApiKey must be a non-empty SecureString or string, not $($ApiKey.GetType().FullName)." -TargetObject $Uri -ErrorId 'InvalidApiKeyType' -Category InvalidArgument))
        }
        if ($Username) { $config.username = $Username }
    }
    else {
        $config.username = $Credential.UserName
        $config.password = $Credential.GetNetworkCredential().Password
    }
    $config.tls = New-ApiKeysTlsConfig -Cmdlet $PSCmdlet -BaseUrl $baseUrl -SkipCertificateCheck:$SkipCertificateCheck -CertificateAuthority $CertificateAuthority
    $config.timeoutMs = $TimeoutSec * 1000
    $config.truenasTransport = $Transport.ToLowerInvariant()
    if ($AllowInsecureKeyTransport) { $config.allowInsecureKeyTransport = $true }
    $usedPassword = $config.Contains('password')
    Test-ApiKeysPlainTransport -Uri $baseUrl -What $(if ($usedPassword) { 'password' } else { 'API key' })

    $prefix = "Failed to connect to TrueNAS at $baseUrl"
    $handle = Open-ApiKeysNativeSession -Cmdlet $PSCmdlet -Config $config -TargetObject $baseUrl -MessagePrefix $prefix
    $config.Clear()

    $session = [Activator]::CreateInstance($script:Types.ApiKeyServer)
    $session.Kind = 'TrueNAS'
    $session.Family = 'TrueNAS'
    $session.Uri = $baseUrl
    $session.Product = 'TrueNAS'
    $session.SessionId = [guid]::NewGuid()
    $session.Handle = $handle
    $session.Connected = $true
    $session.ConnectedAt = [datetime]::UtcNow
    Register-ApiKeysSession $session

    # On TrueNAS, server_info is an authenticated call: it checks the credentials too.
    $er = $null
    $info = Invoke-Native -Cmdlet $PSCmdlet -Operation server_info -Session $session -ErrorRecord ([ref]$er) -TargetObject $baseUrl -MessagePrefix $prefix
    if ($er) { Close-ApiKeysSession $session; $PSCmdlet.ThrowTerminatingError($er) }
    Set-ApiKeysServerInfo -Session $session -Json $info

    $who = Invoke-Native -Cmdlet $PSCmdlet -Operation whoami -Session $session -ErrorRecord ([ref]$er) -TargetObject $baseUrl -MessagePrefix $prefix
    if ($er -and $er.Exception.Data['ApiKeys.Kind'] -eq 'permission') {
        $er = $null
        Write-Warning "Connected to TrueNAS at $baseUrl, but these credentials may not manage API keys there (permission denied)."
    }
    if ($er) { Close-ApiKeysSession $session; $PSCmdlet.ThrowTerminatingError($er) }
    $session.AuthMethod = if ($usedPassword) { 'password' } else { 'apiKey' }
    Set-ApiKeysWhoami -Session $session -Json $who
    if (-not $session.User -and $Credential) { $session.User = $Credential.UserName }
    elseif (-not $session.User -and $Username) { $session.User = $Username }

    $script:DefaultSession.TrueNAS = $session
    Write-Verbose "Connected to TrueNAS $($session.Version) (generation $($session.Generation), $($session.Transport)) at $baseUrl."
    if ($PassThru) { $session }
}
