function New-TrueNasApiKey {
    <#
    .SYNOPSIS
    Creates a TrueNAS API key (the CLI's auth api_key create).

    .DESCRIPTION
    Creates an API key with the given name and returns it with its secret (property key, the
    CLI's "API Key: <id>-<64 characters>"). The secret is shown only this once: it is a
    SecureString unless -AsPlainText is given.

    What else a key takes depends on the server's generation; a parameter the generation does
    not know is an InvalidArgument error naming the field, and nothing is sent:
    - CORE 13: the name only (keys have full access).
    - SCALE 22.02 to 24.10: -Allowlist, default full access ('* *'). An empty allowlist
      authorizes nothing.
    - 25.04 and later: -Username (the key's owner, default the logged-in user; at most 10 keys a
      user on 25.04 and 25.10) and -ExpiresAt (sent in UTC; it must be in the future).

    .PARAMETER Session
    The TrueNAS session to use (Connect-TrueNas -PassThru). Default: the last Connect-TrueNas.

    .PARAMETER Name
    The new key's name (at most 200 characters, unique on the server).

    .PARAMETER Allowlist
    TrueNAS 22.02 to 24.10: what the key may call, as 'METHOD resource' strings ('CALL
    system.info', 'GET /pool', '* *'), hashtables @{ method = 'SUBSCRIBE'; resource =
    'certificate.query' }, or objects with method and resource. Methods: GET, POST, PUT, DELETE,
    CALL, SUBSCRIBE, *.

    .PARAMETER Username
    TrueNAS 25.04+: the user who owns the key. Default: the logged-in user.

    .PARAMETER ExpiresAt
    TrueNAS 25.04+: when the key stops working. Default: never.

    .PARAMETER AsPlainText
    Returns the secret as a plain string instead of a SecureString.

    .PARAMETER WhatIf
    Shows what would be created without sending anything.

    .PARAMETER Confirm
    Asks before creating the key.

    .EXAMPLE
    $new = New-TrueNasApiKey -Name 'apikey3'
    $new.key | ConvertFrom-SecureString -AsPlainText

    Creates a full-access key and shows its secret once, as auth api_key create name=apikey3 does.

    .EXAMPLE
    New-TrueNasApiKey -Name 'certs' -Allowlist 'SUBSCRIBE certificate.query', @{ method = 'CALL'; resource = 'certificate.*' } -AsPlainText

    Creates a key (SCALE 22.02 to 24.10) that may only watch and call the certificate methods.

    .EXAMPLE
    New-TrueNasApiKey -Name 'backup' -Username 'backup_user' -ExpiresAt (Get-Date).AddDays(90)

    Creates a key (25.04+) owned by backup_user that expires in 90 days.

    .OUTPUTS
    TrueNAS.ApiKeyEntryWithKey

    .LINK
    Get-TrueNasApiKey

    .LINK
    Set-TrueNasApiKey
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType('TrueNAS.ApiKeyEntryWithKey')]
    param(
        [ApiKeys.ApiKeyServer]$Session,

        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [AllowEmptyCollection()]
        [object[]]$Allowlist,

        [ValidateNotNullOrEmpty()]
        [string]$Username,

        [datetime]$ExpiresAt,

        [switch]$AsPlainText
    )
    $Session = Resolve-TrueNasSession -Cmdlet $PSCmdlet -Session $Session
    $body = [ordered]@{ name = $Name }
    if ($PSBoundParameters.ContainsKey('Allowlist')) { $body.allowlist = ConvertTo-ApiKeysAllowlist -Cmdlet $PSCmdlet -Allowlist $Allowlist }
    if ($PSBoundParameters.ContainsKey('Username')) { $body.username = $Username }
    if ($PSBoundParameters.ContainsKey('ExpiresAt')) {
        Assert-ApiKeysFutureDate -Cmdlet $PSCmdlet -Date $ExpiresAt
        $body.expiresAt = ConvertTo-ApiKeysRfc3339 $ExpiresAt
    }
    if (-not $PSCmdlet.ShouldProcess("$Name on $($Session.Uri)", 'Create API key')) { return }
    $out = Invoke-Native -Cmdlet $PSCmdlet -Operation key_create -Type $script:Types.TrueNasCreatedKey -Created -Session $Session -Json (ConvertTo-ApiKeysJson $body) -TargetObject $Name
    if ($null -eq $out) { return }
    Clear-ApiKeysKeyNameCache $Session
    ConvertTo-TrueNasCreatedKey -Created $out -AsPlainText:$AsPlainText
}
