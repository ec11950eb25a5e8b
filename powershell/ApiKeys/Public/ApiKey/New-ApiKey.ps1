function New-ApiKey {
    <#
    .SYNOPSIS
    Creates an API key on one or more servers.

    .DESCRIPTION
    Creates a key with the given name on the default server, or on each server given with
    -Server. What a key can do is server-specific: Immich keys take -Permission (default
    'all'), JIM keys take -RoleId, TrueNAS 22.02 to 24.10 keys take -Allowlist (default full
    access), TrueNAS 25.04+ keys take -Username (the owner, default the logged-in user); a
    parameter the server does not know is an InvalidArgument error naming the field, and
    nothing is sent. -ExpiresAt (JIM; TrueNAS 25.04+) is sent in UTC and must be in the future.

    The secret is shown only once, in this command's output: as a SecureString in the Secret
    property, or as plain text with -AsPlainText (as in SecretManagement's Get-Secret).

    .PARAMETER Name
    The new key's name.

    .PARAMETER Description
    A description (JIM).

    .PARAMETER Permission
    Permissions (Immich), e.g. 'asset.read','album.read'. Tab completion lists the server's.

    .PARAMETER RoleId
    Role ids (JIM). Tab completion lists the server's roles.

    .PARAMETER ExpiresAt
    When the key stops working (JIM, TrueNAS 25.04+). Must be in the future.

    .PARAMETER Allowlist
    What the key may call (TrueNAS 22.02 to 24.10): 'METHOD resource' strings such as
    'CALL system.info', or hashtables @{ method = 'GET'; resource = '/pool' }.

    .PARAMETER Username
    The key's owner (TrueNAS 25.04+). Default: the logged-in user.

    .PARAMETER Server
    The sessions (from Connect-ApiKeyServer -PassThru or Get-ApiKeyServer) to create the key
    on. Default: the default session.

    .PARAMETER AsPlainText
    Returns the secret as a plain string instead of a SecureString.

    .PARAMETER WhatIf
    Shows what would be created without sending anything.

    .PARAMETER Confirm
    Asks before creating each key.

    .EXAMPLE
    $new = New-ApiKey -Name 'photo-frame' -Permission 'asset.read','asset.view'
    $new.Secret | ConvertFrom-SecureString -AsPlainText

    Creates an Immich key with two permissions and shows its secret once.

    .EXAMPLE
    New-ApiKey -Name 'ci' -RoleId 1 -ExpiresAt (Get-Date).AddDays(30) -AsPlainText

    Creates a JIM key with role 1 that expires in 30 days; the secret is plain text.

    .EXAMPLE
    Get-ApiKeyServer -Kind Immich | ForEach-Object { New-ApiKey -Name 'backup' -Permission 'asset.download' -Server $_ }

    Creates the same key on every connected Immich server.

    .EXAMPLE
    New-ApiKey -Name 'metrics' -Allowlist 'CALL reporting.*', 'SUBSCRIBE reporting.realtime' -Server $nas

    Creates a TrueNAS 24.10 key that may only read the reporting data.

    .OUTPUTS
    ApiKeys.CreatedApiKey

    .LINK
    Get-ApiKey

    .LINK
    Reset-ApiKey
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType('ApiKeys.CreatedApiKey')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [string]$Description,

        [ValidateNotNullOrEmpty()]
        [string[]]$Permission,

        [int[]]$RoleId,

        [datetime]$ExpiresAt,

        [AllowEmptyCollection()]
        [object[]]$Allowlist,

        [ValidateNotNullOrEmpty()]
        [string]$Username,

        [ApiKeys.ApiKeyServer[]]$Server,

        [switch]$AsPlainText
    )
    $servers = @(Resolve-ApiKeyServer -Cmdlet $PSCmdlet -Server $Server)
    $body = [ordered]@{ name = $Name }
    if ($PSBoundParameters.ContainsKey('Description')) { $body.description = $Description }
    if ($PSBoundParameters.ContainsKey('Permission')) { $body.permissions = [string[]]$Permission }
    if ($PSBoundParameters.ContainsKey('RoleId')) { $body.roleIds = [int[]]@($RoleId) }
    if ($PSBoundParameters.ContainsKey('ExpiresAt')) {
        Assert-ApiKeysFutureDate -Cmdlet $PSCmdlet -Date $ExpiresAt
        $body.expiresAt = ConvertTo-ApiKeysRfc3339 $ExpiresAt
    }
    if ($PSBoundParameters.ContainsKey('Allowlist')) { $body.allowlist = ConvertTo-ApiKeysAllowlist -Cmdlet $PSCmdlet -Allowlist $Allowlist }
    if ($PSBoundParameters.ContainsKey('Username')) { $body.username = $Username }
    $json = ConvertTo-ApiKeysJson $body
    $progress = [ApiKeys.Internal.ProgressState]::new("Creating API key '$Name'", $servers.Count)
    foreach ($s in $servers) {
        if ($progress.Due()) { Write-ApiKeysProgress $progress $s.Uri }
        if (-not $PSCmdlet.ShouldProcess("$Name on $($s.Uri)", 'Create API key')) { continue }
        $created = Invoke-Native -Cmdlet $PSCmdlet -Operation key_create -Type $script:Types.ApiKey -Created -Session $s -Json $json -TargetObject $Name
        if ($null -eq $created) { continue }
        Clear-ApiKeysKeyNameCache $s
        Set-ApiKeysKeyServer -Keys @($created.Key) -Server $s
        $o = [Activator]::CreateInstance($script:Types.CreatedApiKey)
        $o.Kind = $s.Kind
        $o.Id = $created.Key.Id
        $o.Name = $created.Key.Name
        $o.Secret = if ($AsPlainText) { $created.Secret } else { ConvertTo-ApiKeysSecureString $created.Secret }
        $o.Key = $created.Key
        $o.Server = $s
        $o
    }
    Complete-ApiKeysProgress $progress
}
