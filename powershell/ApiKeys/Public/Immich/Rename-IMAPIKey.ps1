function Rename-IMAPIKey {
    <#
    .SYNOPSIS
    Renames an Immich API key.

    .DESCRIPTION
    Changes the name of an API key, as PSImmich's Rename-IMAPIKey does (PUT /api/api-keys/{id}
    with the new name). The key's secret and permissions stay as they are. Returns the updated
    key.

    .PARAMETER Session
    The Immich session to use. Default: the session of the last Connect-Immich.

    .PARAMETER Id
    The id (GUID) of the key. Accepts pipeline input by value and by property name.

    .PARAMETER Name
    The new name.

    .PARAMETER WhatIf
    Shows the rename without sending anything.

    .PARAMETER Confirm
    Asks before renaming.

    .EXAMPLE
    Rename-IMAPIKey -Id 'a1c2b770-3c58-46d9-ac6d-2e6d03d870e2' -Name 'Photo frame'

    Renames one key.

    .EXAMPLE
    Get-IMAPIKey | Where-Object name -eq 'API Key' | Rename-IMAPIKey -Name 'Unnamed key'

    Gives every key with Immich's default name a clearer one.

    .OUTPUTS
    PSImmich.ObjectType.IMAPIKey

    .LINK
    Set-IMAPIKey
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType('PSImmich.ObjectType.IMAPIKey')]
    param(
        [ImmichSession]$Session,

        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [guid]$Id,

        [Parameter(Mandatory, Position = 1)]
        [ValidateNotNullOrEmpty()]
        [string]$Name
    )
    begin {
        $Session = Resolve-ImmichSession -Cmdlet $PSCmdlet -Session $Session
        $progress = [ApiKeys.Internal.ProgressState]::new('Renaming Immich API keys')
    }
    process {
        if ($progress.Due()) { Write-ApiKeysProgress $progress "$Id" }
        if (-not $PSCmdlet.ShouldProcess("$Id", "Rename API key to '$Name'")) { return }
        $json = ConvertTo-ApiKeysJson ([ordered]@{ name = $Name })
        $out = Invoke-Native -Cmdlet $PSCmdlet -Operation key_update -Type $script:Types.IMAPIKey -Session $Session -Id $Id -Json $json -TargetObject $Id
        if ($null -eq $out) { return }
        Clear-ApiKeysKeyNameCache $Session
        $out
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
