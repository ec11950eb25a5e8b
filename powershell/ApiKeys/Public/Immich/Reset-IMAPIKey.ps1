function Reset-IMAPIKey {
    <#
    .SYNOPSIS
    Rotates an Immich API key: a new secret with the same name and permissions.

    .DESCRIPTION
    Immich cannot change a key's secret, so rotating creates a new key with the old key's name
    and permissions and then deletes the old key. The output has the same shape as
    New-IMAPIKey's ('secret' and 'apiKey') plus 'replacedId', the old key's id. If the old key
    could not be deleted, a warning says so (the new key is still returned). This is a
    high-impact change: you are asked to confirm unless you use -Force or -Confirm:$false.

    .PARAMETER Session
    The Immich session to use. Default: the session of the last Connect-Immich.

    .PARAMETER Id
    The id (GUID) of the key to rotate. Accepts pipeline input by value and by property name.

    .PARAMETER Force
    Rotates without asking.

    .PARAMETER WhatIf
    Shows which keys would be rotated without sending anything.

    .PARAMETER Confirm
    Asks before each rotation (the default for this command).

    .EXAMPLE
    $new = Reset-IMAPIKey -Id 'a1c2b770-3c58-46d9-ac6d-2e6d03d870e2' -Force
    $new.secret

    Rotates one key and shows the new secret once.

    .EXAMPLE
    Get-IMAPIKey | Where-Object { $_.createdAt -lt (Get-Date).AddDays(-90) } | Reset-IMAPIKey -Confirm:$false

    Rotates every key older than 90 days.

    .OUTPUTS
    System.Management.Automation.PSCustomObject with 'secret', 'apiKey' and 'replacedId'.

    .LINK
    New-IMAPIKey
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType([pscustomobject])]
    param(
        [ImmichSession]$Session,

        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [guid[]]$Id,

        [switch]$Force
    )
    begin {
        if ($Force -and -not $WhatIfPreference) { $ConfirmPreference = 'None' }
        $Session = Resolve-ImmichSession -Cmdlet $PSCmdlet -Session $Session
        $progress = [ApiKeys.Internal.ProgressState]::new('Rotating Immich API keys')
    }
    process {
        foreach ($keyId in $Id) {
            if ($progress.Due()) { Write-ApiKeysProgress $progress "$keyId" }
            if (-not $PSCmdlet.ShouldProcess("$keyId", 'Rotate API key (create a new secret, delete the old key)')) { continue }
            $created = Invoke-Native -Cmdlet $PSCmdlet -Operation key_rotate -Type $script:Types.IMAPIKey -Created -Session $Session -Id $keyId -TargetObject $keyId
            if ($null -eq $created) { continue }
            Clear-ApiKeysKeyNameCache $Session
            if ($created.Warning) { Write-Warning $created.Warning }
            [pscustomobject]@{
                secret     = $created.Secret
                apiKey     = $created.Key
                replacedId = $created.ReplacedId
            }
        }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
