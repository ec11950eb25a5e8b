function Connect-Immich {
    <#
    .SYNOPSIS
    Connects to an Immich server and makes it the default Immich session.

    .DESCRIPTION
    Opens a session to an Immich server with an API key (-AccessToken) or with an account's
    email and password (-Credential), as PSImmich's Connect-Immich does. Unlike a plain
    HTTP call, the key or login is checked before the command returns: a wrong key is a
    terminating AuthenticationError. A key or password sent over plain http:// to a host other
    than loopback gives a warning (anyone on the network path can read it).

    The session becomes the default for the Immich commands (New-IMAPIKey, Get-IMAPIKey, ...).
    Use -PassThru to keep the session object and pass it to -Session when you work with several
    Immich servers at once. Secrets are held by the native library, not by the session object:
    with -Credential, the session's Credential property has the user name but no password.

    .PARAMETER BaseURL
    The server's base URL without the /api suffix, for example http://immich.local:2283.

    .PARAMETER AccessToken
    An Immich API key.

    .PARAMETER Credential
    The email (user name) and password of an Immich account. The session logs in and logs out
    again when it is closed (Disconnect-Immich or Remove-Module).

    .PARAMETER PassThru
    Returns the new ImmichSession object.

    .PARAMETER SkipCertificateCheck
    Does not check the server's TLS certificate (not in PSImmich). Unsafe: anyone on the network
    path can read the key. Prefer -CertificateAuthority. A warning is written when this is used.

    .PARAMETER CertificateAuthority
    Path to a PEM file with an extra certificate authority to trust, for a server with a
    self-signed certificate (not in PSImmich).

    .EXAMPLE
    Connect-Immich -BaseURL 'http://immich.local:2283' -AccessToken $env:IMMICH_API_KEY

    Connects with an API key; the session becomes the default.

    .EXAMPLE
    $home2 = Connect-Immich -BaseURL 'https://photos.example.org' -Credential (Get-Credential) -PassThru
    Get-IMAPIKey -Session $home2

    Logs in with email and password and lists that account's keys.

    .EXAMPLE
    Connect-Immich -BaseURL 'https://photos.home.arpa' -AccessToken $env:IMMICH_API_KEY -CertificateAuthority ./home-ca.pem

    Connects to a server whose certificate comes from your own certificate authority.

    .OUTPUTS
    ImmichSession (with -PassThru)

    .LINK
    Get-IMSession

    .LINK
    Disconnect-Immich
    #>
    [CmdletBinding()]
    [OutputType('ImmichSession')]
    param(
        [Parameter(Mandatory)]
        [ValidateNotNullOrEmpty()]
        [string]$BaseURL,

        [Parameter(Mandatory, ParameterSetName = 'AccessToken')]
        [ValidateNotNullOrEmpty()]
        [string]$AccessToken,

        [Parameter(Mandatory, ParameterSetName = 'Credentials')]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [switch]$SkipCertificateCheck,

        [ValidateNotNullOrEmpty()]
        [string]$CertificateAuthority,

        [switch]$PassThru
    )

    $config = [ordered]@{ kind = 'immich'; baseUrl = $BaseURL.TrimEnd('/') }
    if ($PSCmdlet.ParameterSetName -eq 'AccessToken') {
        $config.apiKey = $AccessToken
        $authMethod = 'AccessToken'
    }
    else {
        $config.email = $Credential.UserName
        $config.password = $Credential.GetNetworkCredential().Password
        $authMethod = 'Credential'
    }
    $config.tls = New-ApiKeysTlsConfig -Cmdlet $PSCmdlet -BaseUrl $config.baseUrl -SkipCertificateCheck:$SkipCertificateCheck -CertificateAuthority $CertificateAuthority
    Test-ApiKeysPlainTransport -Uri $config.baseUrl -What $(if ($authMethod -eq 'Credential') { 'password' } else { 'API key' })
    $prefix = "Failed to connect to Immich at $BaseURL"
    $handle = Open-ApiKeysNativeSession -Cmdlet $PSCmdlet -Config $config -TargetObject $BaseURL -MessagePrefix $prefix
    $config.Clear()

    $session = [Activator]::CreateInstance($script:Types.ImmichSession)
    $session.BaseUri = $BaseURL
    $session.AuthMethod = $authMethod
    $session.APIUri = "$BaseURL/api"
    $session.SessionID = [guid]::NewGuid().ToString()
    $session.Handle = $handle
    $session.Connected = $true
    $session.ConnectedAt = [datetime]::UtcNow
    if ($authMethod -eq 'Credential') {
        # PSImmich keeps the credential; we keep only the user name (the library holds the login).
        $session.Credential = [pscredential]::new($Credential.UserName, [securestring]::new())
    }
    Register-ApiKeysSession $session

    $er = $null
    $info = Invoke-Native -Cmdlet $PSCmdlet -Operation server_info -Session $session -ErrorRecord ([ref]$er) -TargetObject $BaseURL -MessagePrefix $prefix
    if ($er) { Close-ApiKeysSession $session; $PSCmdlet.ThrowTerminatingError($er) }
    $session.ImmichVersion = (ConvertFrom-ApiKeysSmallJson $info)['version']

    # Check the key (PSImmich validates the token at connect time too).
    $who = Invoke-Native -Cmdlet $PSCmdlet -Operation whoami -Session $session -ErrorRecord ([ref]$er) -TargetObject $BaseURL -MessagePrefix $prefix
    if ($er -and $er.Exception.Data['ApiKeys.Kind'] -eq 'unsupported') {
        # Immich before 1.139 has no /api-keys/me: listing keys proves the key works
        # (a permission error still proves it is a valid key).
        $er = $null
        $null = Invoke-Native -Cmdlet $PSCmdlet -Operation key_list -Session $session -ErrorRecord ([ref]$er) -TargetObject $BaseURL -MessagePrefix $prefix
        if ($er -and $er.Exception.Data['ApiKeys.Kind'] -eq 'permission') { $er = $null }
    }
    if ($er) { Close-ApiKeysSession $session; $PSCmdlet.ThrowTerminatingError($er) }
    $session.AccessTokenValid = $true

    $script:DefaultSession.Immich = $session
    Write-Verbose "Connected to Immich $($session.ImmichVersion) at $BaseURL ($authMethod); session $($session.SessionID)."
    if ($PassThru) { $session }
}
