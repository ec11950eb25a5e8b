function New-IMAPIKey {
    <#
    .SYNOPSIS
    Creates a new Immich API key.

    .DESCRIPTION
    Creates an API key on the Immich server, as PSImmich's New-IMAPIKey does. The key gets the
    permissions given with -Permission, 'all' by default. Immich refuses to grant permissions
    the calling key does not have ("Cannot grant permissions you do not have").

    The output is Immich's create response: 'secret' (the key itself, shown only this once)
    and 'apiKey' (id, name, createdAt, updatedAt, permissions). Store the secret securely.
    Tab completion on -Permission offers the permissions of the connected server's version.

    .PARAMETER Session
    The Immich session to use. Default: the session of the last Connect-Immich.

    .PARAMETER Name
    The name for the new API key. This should be descriptive to help identify the key's purpose.

    .PARAMETER Permission
    The permissions to assign, for example 'asset.read','album.read'. Defaults to 'all'.

    .PARAMETER WhatIf
    Shows what would be created without sending anything to the server.

    .PARAMETER Confirm
    Asks before creating the key.

    .EXAMPLE
    New-IMAPIKey -Name 'Automation Script'

    Creates a new API key with full permissions named 'Automation Script'.

    .EXAMPLE
    New-IMAPIKey -Name 'Read Only Access' -Permission 'asset.read','album.read','library.read'

    Creates a new API key with limited read-only permissions.

    .EXAMPLE
    $created = New-IMAPIKey -Name 'Backup job' -Permission 'asset.read','asset.download'
    $created.secret | Set-Content -Path ./backup-key.txt
    $created.apiKey.id

    Keeps the secret (shown only once) and prints the new key's id.

    .OUTPUTS
    System.Management.Automation.PSCustomObject with 'secret' and 'apiKey'.

    .NOTES
    The API key secret is only displayed once upon creation. Store it securely as it cannot be
    retrieved later.

    .LINK
    Get-IMAPIKey

    .LINK
    Remove-IMAPIKey
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Position = 0)]
        [ImmichSession]$Session,

        [Parameter(Mandatory, Position = 1)]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [Parameter(Position = 2)]
        [ValidateNotNullOrEmpty()]
        [string[]]$Permission = 'all'
    )
    $Session = Resolve-ImmichSession -Cmdlet $PSCmdlet -Session $Session
    if (-not $PSCmdlet.ShouldProcess("$Name on $($Session.BaseUri)", "Create API key with permissions $($Permission -join ', ')")) { return }
    $json = ConvertTo-ApiKeysJson ([ordered]@{ name = $Name; permissions = [string[]]$Permission })
    $created = Invoke-Native -Cmdlet $PSCmdlet -Operation key_create -Type $script:Types.IMAPIKey -Created -Session $Session -Json $json -TargetObject $Name
    if ($null -eq $created) { return }
    Clear-ApiKeysKeyNameCache $Session
    [pscustomobject]@{
        secret = $created.Secret
        apiKey = $created.Key
    }
}
