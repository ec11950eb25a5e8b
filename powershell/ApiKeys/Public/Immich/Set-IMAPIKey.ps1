function Set-IMAPIKey {
    <#
    .SYNOPSIS
    Changes the name or permissions of Immich API keys.

    .DESCRIPTION
    Updates API keys in place: -Name renames, -Permission replaces the permission list
    (Immich 1.135 or later). Fields not given are kept. The secret does not change; to get a
    new secret use Reset-IMAPIKey. Immich 2.5 and later refuse to grant permissions the calling
    key does not have. PSImmich has no such command; this one follows its conventions.

    .PARAMETER Session
    The Immich session to use. Default: the session of the last Connect-Immich.

    .PARAMETER Id
    The id (GUID) of one or more keys. Accepts pipeline input by value and by property name.

    .PARAMETER Name
    The new name.

    .PARAMETER Permission
    The new permission list; it replaces the old one.

    .PARAMETER WhatIf
    Shows the change without sending anything.

    .PARAMETER Confirm
    Asks before each change.

    .EXAMPLE
    Set-IMAPIKey -Id 'a1c2b770-3c58-46d9-ac6d-2e6d03d870e2' -Permission 'asset.read','album.read'

    Reduces a key to read access on assets and albums.

    .EXAMPLE
    Get-IMAPIKey | Where-Object name -like 'kiosk*' | Set-IMAPIKey -Permission 'asset.view'

    Restricts every kiosk key to viewing assets.

    .OUTPUTS
    PSImmich.ObjectType.IMAPIKey

    .LINK
    Rename-IMAPIKey
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType('PSImmich.ObjectType.IMAPIKey')]
    param(
        [ImmichSession]$Session,

        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [guid[]]$Id,

        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [ValidateNotNullOrEmpty()]
        [string[]]$Permission
    )
    begin {
        if (-not $PSBoundParameters.ContainsKey('Name') -and -not $PSBoundParameters.ContainsKey('Permission')) {
            $PSCmdlet.ThrowTerminatingError((New-ApiKeysErrorRecord -Kind invalid_argument -Message 'Nothing to change: give -Name, -Permission or both.' -ErrorId 'NothingToUpdate' -Category InvalidArgument))
        }
        $Session = Resolve-ImmichSession -Cmdlet $PSCmdlet -Session $Session
        $update = [ordered]@{}
        if ($PSBoundParameters.ContainsKey('Name')) { $update.name = $Name }
        if ($PSBoundParameters.ContainsKey('Permission')) { $update.permissions = [string[]]$Permission }
        $json = ConvertTo-ApiKeysJson $update
        $what = ($update.Keys | ForEach-Object { if ($_ -eq 'name') { "name '$Name'" } else { "permissions $($Permission -join ', ')" } }) -join ' and '
        $progress = [ApiKeys.Internal.ProgressState]::new('Updating Immich API keys')
    }
    process {
        foreach ($keyId in $Id) {
            if ($progress.Due()) { Write-ApiKeysProgress $progress "$keyId" }
            if (-not $PSCmdlet.ShouldProcess("$keyId", "Set API key $what")) { continue }
            $out = Invoke-Native -Cmdlet $PSCmdlet -Operation key_update -Type $script:Types.IMAPIKey -Session $Session -Id $keyId -Json $json -TargetObject $keyId
            if ($null -eq $out) { continue }
            Clear-ApiKeysKeyNameCache $Session
            $out
        }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
