function Connect-JIM {
    <#
    .SYNOPSIS
    Connects to a JIM server with an API key.

    .DESCRIPTION
    Opens the connection the JIM commands use (Get-JIMApiKey, New-JIMApiKey, ...), with the
    same parameters as JIM's own Connect-JIM. Unlike JIM's module, the key is checked before
    the command returns: a wrong, disabled or expired key is a terminating AuthenticationError,
    and a valid key without the Administrator role gives a warning (API key commands need it).
    A key sent over plain http:// to a host other than loopback gives a warning too.

    Connecting again replaces (and closes) the previous JIM connection. The key is kept only
    inside the native library, never in a PowerShell variable of the module, and the returned
    object shows only its first characters.

    Interactive (browser) sign-in is not supported by this module: use -ApiKey.

    .PARAMETER Url
    The JIM base URL, starting with http:// or https://, for example https://jim.example.org.

    .PARAMETER ApiKey
    A JIM API key (jim_ak_...). Create the first one with JIM_INFRASTRUCTURE_API_KEY or in JIM's
    web UI.

    .PARAMETER Force
    Interactive sign-in only; not supported by this module.

    .PARAMETER NoPersist
    Interactive sign-in only; not supported by this module.

    .PARAMETER TimeoutSeconds
    Interactive sign-in only; not supported by this module.

    .PARAMETER SkipCertificateCheck
    Does not check the server's TLS certificate (not in JIM's module). Unsafe: anyone on the network
    path can read the key. Prefer -CertificateAuthority. A warning is written when this is used.

    .PARAMETER CertificateAuthority
    Path to a PEM file with an extra certificate authority to trust, for a server with a
    self-signed certificate (not in JIM's module).

    .EXAMPLE
    Connect-JIM -Url 'https://jim.example.org' -ApiKey $env:JIM_API_KEY

    Connects and shows Url, AuthMethod, ServerVersion and Status.

    .EXAMPLE
    Connect-JIM 'http://localhost:5200' 'jim_ak_0123...'

    The same with positional parameters.

    .EXAMPLE
    Connect-JIM -Url 'https://jim.internal' -ApiKey $env:JIM_API_KEY -CertificateAuthority ./internal-ca.pem

    Connects to a server whose certificate comes from your own certificate authority.

    .OUTPUTS
    System.Management.Automation.PSCustomObject

    .LINK
    Test-JIMConnection

    .LINK
    Disconnect-JIM
    #>
    [CmdletBinding(DefaultParameterSetName = 'Interactive')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string]$Url,

        [Parameter(Mandatory, Position = 1, ParameterSetName = 'ApiKey')]
        [ValidateNotNullOrEmpty()]
        [string]$ApiKey,

        [Parameter(ParameterSetName = 'Interactive')]
        [switch]$Force,

        [Parameter(ParameterSetName = 'Interactive')]
        [switch]$NoPersist,

        [Parameter(ParameterSetName = 'Interactive')]
        [ValidateRange(30, 600)]
        [int]$TimeoutSeconds = 300,

        [switch]$SkipCertificateCheck,

        [ValidateNotNullOrEmpty()]
        [string]$CertificateAuthority
    )
    if ($Url -notmatch '^https?://') {
        $PSCmdlet.ThrowTerminatingError((New-ApiKeysErrorRecord -Kind invalid_argument -Message 'Invalid URL format. URL must start with http:// or https://' -TargetObject $Url -ErrorId 'InvalidUrl' -Category InvalidArgument))
    }
    if ($PSCmdlet.ParameterSetName -eq 'Interactive') {
        $PSCmdlet.ThrowTerminatingError((New-ApiKeysErrorRecord -Kind unsupported -Message 'Interactive (browser) sign-in is not supported by the ApiKeys module. Use Connect-JIM -Url <url> -ApiKey <key>.' -TargetObject $Url -ErrorId 'InteractiveSignInNotSupported' -Category NotImplemented))
    }
    $baseUrl = $Url.TrimEnd('/')
    $tls = New-ApiKeysTlsConfig -Cmdlet $PSCmdlet -BaseUrl $baseUrl -SkipCertificateCheck:$SkipCertificateCheck -CertificateAuthority $CertificateAuthority
    Test-ApiKeysPlainTransport -Uri $baseUrl
    $prefix = "Failed to connect to JIM at $baseUrl"
    $handle = Open-ApiKeysNativeSession -Cmdlet $PSCmdlet -Config ([ordered]@{ kind = 'jim'; baseUrl = $baseUrl; apiKey = $ApiKey; tls = $tls }) -TargetObject $baseUrl -MessagePrefix $prefix

    $session = [Activator]::CreateInstance($script:Types.ApiKeyServer)
    $session.Kind = 'JIM'
    $session.Family = 'JIM'
    $session.Uri = $baseUrl
    $session.Product = 'JIM'
    $session.AuthMethod = 'ApiKey'
    $session.SessionId = [guid]::NewGuid()
    $session.Handle = $handle
    $session.Connected = $true
    $session.ConnectedAt = [datetime]::UtcNow
    Register-ApiKeysSession $session

    $er = $null
    $info = Invoke-Native -Cmdlet $PSCmdlet -Operation server_info -Session $session -ErrorRecord ([ref]$er) -TargetObject $baseUrl -MessagePrefix $prefix
    if ($er) { Close-ApiKeysSession $session; $PSCmdlet.ThrowTerminatingError($er) }
    $info = ConvertFrom-ApiKeysSmallJson $info
    $session.Version = $info['version']

    # JIM's own Connect-JIM only calls the anonymous health route; we check the key.
    $authorised = $true
    $null = Invoke-Native -Cmdlet $PSCmdlet -Operation whoami -Session $session -ErrorRecord ([ref]$er) -TargetObject $baseUrl -MessagePrefix $prefix
    if ($er -and $er.Exception.Data['ApiKeys.Kind'] -eq 'permission') {
        $authorised = $false
        $er = $null
        Write-Warning "Connected to JIM at $baseUrl, but this API key lacks the Administrator role: the API key commands will fail with PermissionDenied."
    }
    if ($er) { Close-ApiKeysSession $session; $PSCmdlet.ThrowTerminatingError($er) }

    if ($script:DefaultSession.JIM) { Close-ApiKeysSession $script:DefaultSession.JIM }
    $script:DefaultSession.JIM = $session
    $status = if ($info['healthy'] -eq $true) { 'healthy' } elseif ($info['healthy'] -eq $false) { 'unhealthy' } else { 'unknown' }
    $shown = if ($ApiKey.Length -gt 12) { $ApiKey.Substring(0, 8) + '...' } else { '********' }
    Write-Verbose "Connected to JIM $($session.Version) at $baseUrl."
    [pscustomobject]@{
        Url           = $baseUrl
        AuthMethod    = 'ApiKey'
        ApiKey        = $shown
        Connected     = $true
        ServerVersion = $session.Version
        Authorised    = $authorised
        Status        = $status
    }
}
