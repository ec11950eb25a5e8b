function Connect-ApiKeyServer {
    <#
    .SYNOPSIS
    Connects to a server whose API keys you manage (Immich, JIM, TrueNAS).

    .DESCRIPTION
    Opens a session to a server and makes it the default for the cross-server commands
    (Get-ApiKey, New-ApiKey, Set-ApiKey, Remove-ApiKey, Reset-ApiKey, Enable-ApiKey,
    Disable-ApiKey). You can keep several sessions open and pass them to -Server.

    -Kind Auto (the default) lets the library find out what the server is. The credentials
    are checked before the command returns: a wrong key is a terminating AuthenticationError.
    The secret is handed to the native library and not kept by the session object.

    A key or password sent over plain http:// to a host other than loopback gives a warning.
    TrueNAS 25.04 and later revoke a key used that way, so for them the library refuses to send
    it (InvalidArgument naming baseUrl) unless -AllowInsecureKeyTransport is given.

    .PARAMETER Uri
    The server's base URL, for example http://immich.local:2283 or https://jim.example.org.

    .PARAMETER Kind
    The kind of server: Auto (default), Immich, JIM or TrueNAS.

    .PARAMETER ApiKey
    The API key, as a SecureString (recommended, e.g. from Read-Host -AsSecureString or
    Get-Secret) or as a plain string.

    .PARAMETER Credential
    A user name (Immich: the account's email) and password, for servers that allow password
    login. With -ApiKey on TrueNAS, the user name is the key's owner.

    .PARAMETER Username
    TrueNAS, with -ApiKey: the key's owner (25.04+ logs in with the owner's name). Without it
    the library asks the server.

    .PARAMETER AllowInsecureKeyTransport
    TrueNAS 25.04+: sends the key over plain http:// or ws:// to a host that is not loopback
    even though the server then revokes it. Only for test systems.

    .PARAMETER SkipCertificateCheck
    Does not check the server's TLS certificate. Unsafe: anyone on the network path can read
    the key. Prefer -CertificateAuthority. A warning is written when this is used.

    .PARAMETER CertificateAuthority
    Path to a PEM file with an extra certificate authority to trust (e.g. a self-signed CA).

    .PARAMETER TimeoutSec
    How long to wait for each answer from the server, in seconds. Default 30.

    .PARAMETER PassThru
    Returns the session object (ApiKeys.ApiKeyServer).

    .EXAMPLE
    Connect-ApiKeyServer -Uri 'http://immich.local:2283' -ApiKey (Read-Host -AsSecureString 'Immich key')

    Connects to an Immich server with a key typed at the prompt.

    .EXAMPLE
    $jim = Connect-ApiKeyServer -Uri 'https://jim.example.org' -Kind JIM -ApiKey $env:JIM_KEY -CertificateAuthority ./ca.pem -PassThru
    $immich = Connect-ApiKeyServer -Uri 'http://immich.local:2283' -ApiKey $env:IMMICH_KEY -PassThru
    Get-ApiKey -Server $jim, $immich

    Keeps two sessions and lists the keys of both servers at once.

    .EXAMPLE
    Connect-ApiKeyServer -Uri 'https://truenas.local' -ApiKey $env:TRUENAS_KEY -Username truenas_admin -CertificateAuthority ./truenas-ca.pem
    New-ApiKey -Name 'backup' -ExpiresAt (Get-Date).AddDays(90) -AsPlainText

    Connects to a TrueNAS 25.04+ server as the key's owner and creates a key that expires in 90 days.

    .OUTPUTS
    ApiKeys.ApiKeyServer (with -PassThru)

    .LINK
    Get-ApiKeyServer

    .LINK
    Disconnect-ApiKeyServer
    #>
    [CmdletBinding()]
    [OutputType('ApiKeys.ApiKeyServer')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [Alias('Url', 'BaseUrl')]
        [string]$Uri,

        [ValidateSet('Auto', 'Immich', 'JIM', 'TrueNAS')]
        [string]$Kind = 'Auto',

        [Parameter(Position = 1)]
        [ValidateNotNull()]
        [object]$ApiKey,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [ValidateNotNullOrEmpty()]
        [string]$Username,

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
    $config = [ordered]@{ kind = $Kind.ToLowerInvariant(); baseUrl = $baseUrl }
    if ($PSBoundParameters.ContainsKey('ApiKey')) {
        $ApiKey = $ApiKey.psobject.BaseObject
        if ($ApiKey -is [securestring]) { $config.apiKey = ConvertFrom-ApiKeysSecureString $ApiKey }
        elseif ($ApiKey -is [string] -and $ApiKey) { $config.apiKey = $ApiKey }
        if (-not $config.Contains('apiKey') -or -not $config.apiKey) {
            $PSCmdlet.ThrowTerminatingError((New-ApiKeysErrorRecord -Kind invalid_argument -Message "-ApiKey must be a non-empty SecureString or string, not $($ApiKey.GetType().FullName)." -TargetObject $Uri -ErrorId 'InvalidApiKeyType' -Category InvalidArgument))
        }
    }
    if ($Credential) {
        if ($Kind -eq 'Immich') { $config.email = $Credential.UserName } else { $config.username = $Credential.UserName }
        if (-not $config.Contains('apiKey')) { $config.password = $Credential.GetNetworkCredential().Password }
    }
    if ($Username) { $config.username = $Username }
    if (-not $config.Contains('apiKey') -and -not $config.Contains('password')) {
        $PSCmdlet.ThrowTerminatingError((New-ApiKeysErrorRecord -Kind invalid_argument -Message 'Give -ApiKey or -Credential.' -TargetObject $Uri -ErrorId 'MissingCredential' -Category InvalidArgument))
    }
    $config.tls = New-ApiKeysTlsConfig -Cmdlet $PSCmdlet -BaseUrl $baseUrl -SkipCertificateCheck:$SkipCertificateCheck -CertificateAuthority $CertificateAuthority
    $config.timeoutMs = $TimeoutSec * 1000
    if ($AllowInsecureKeyTransport) { $config.allowInsecureKeyTransport = $true }

    $prefix = "Failed to connect to $baseUrl"
    $usedPassword = $config.Contains('password')
    Test-ApiKeysPlainTransport -Uri $baseUrl -What $(if ($usedPassword) { 'password' } else { 'API key' })
    $handle = Open-ApiKeysNativeSession -Cmdlet $PSCmdlet -Config $config -TargetObject $baseUrl -MessagePrefix $prefix
    $config.Clear()

    $session = [Activator]::CreateInstance($script:Types.ApiKeyServer)
    $session.Family = 'ApiKey'
    $session.Uri = $baseUrl
    $session.SessionId = [guid]::NewGuid()
    $session.Handle = $handle
    $session.Connected = $true
    $session.ConnectedAt = [datetime]::UtcNow
    Register-ApiKeysSession $session

    $er = $null
    $info = Invoke-Native -Cmdlet $PSCmdlet -Operation server_info -Session $session -ErrorRecord ([ref]$er) -TargetObject $baseUrl -MessagePrefix $prefix
    if ($er) { Close-ApiKeysSession $session; $PSCmdlet.ThrowTerminatingError($er) }
    Set-ApiKeysServerInfo -Session $session -Json $info

    $who = Invoke-Native -Cmdlet $PSCmdlet -Operation whoami -Session $session -ErrorRecord ([ref]$er) -TargetObject $baseUrl -MessagePrefix $prefix
    if ($er -and $er.Exception.Data['ApiKeys.Kind'] -eq 'unsupported') {
        # e.g. Immich before 1.139 cannot say which key is calling: listing proves the key works.
        $er = $null
        $null = Invoke-Native -Cmdlet $PSCmdlet -Operation key_list -Session $session -ErrorRecord ([ref]$er) -TargetObject $baseUrl -MessagePrefix $prefix
    }
    if ($er -and $er.Exception.Data['ApiKeys.Kind'] -eq 'permission') {
        $er = $null
        Write-Warning "Connected to $baseUrl, but these credentials may not manage API keys there (permission denied)."
    }
    if ($er) { Close-ApiKeysSession $session; $PSCmdlet.ThrowTerminatingError($er) }
    $session.AuthMethod = if ($usedPassword) { 'password' } else { 'apiKey' }
    Set-ApiKeysWhoami -Session $session -Json $who
    if (-not $session.User -and $Username) { $session.User = $Username }
    elseif (-not $session.User -and $Credential) { $session.User = $Credential.UserName }

    $script:ApiKeyServers.Add($session)
    $script:DefaultSession.ApiKey = $session
    Write-Verbose "Connected to $($session.Product) $($session.Version) at $baseUrl."
    if ($PassThru) { $session }
}
