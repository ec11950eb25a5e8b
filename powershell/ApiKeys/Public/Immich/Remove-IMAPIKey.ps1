function Remove-IMAPIKey {
    <#
    .SYNOPSIS
    Removes Immich API keys.

    .DESCRIPTION
    Deletes API keys by id. Programs using a removed key lose access at once. This is a
    high-impact change: you are asked to confirm each key unless you use -Force or
    -Confirm:$false. -WhatIf shows what would be removed and sends nothing, even with -Force.
    An unknown id is a non-terminating error; the other keys in the pipeline are still removed.

    .PARAMETER Session
    The Immich session to use. Default: the session of the last Connect-Immich.

    .PARAMETER Id
    The id (GUID) of one or more keys. Accepts pipeline input by value and by property name.

    .PARAMETER Force
    Removes without asking.

    .PARAMETER WhatIf
    Shows which keys would be removed without removing them.

    .PARAMETER Confirm
    Asks before each removal (the default for this command).

    .EXAMPLE
    Remove-IMAPIKey -Id 'a1c2b770-3c58-46d9-ac6d-2e6d03d870e2'

    Removes one key after asking.

    .EXAMPLE
    Get-IMAPIKey | Where-Object name -like 'test-*' | Remove-IMAPIKey -Confirm:$false

    Removes every key whose name starts with test- without asking.

    .OUTPUTS
    None

    .LINK
    Get-IMAPIKey
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType([void])]
    param(
        [ImmichSession]$Session,

        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [guid[]]$Id,

        [switch]$Force
    )
    begin {
        if ($Force -and -not $WhatIfPreference) { $ConfirmPreference = 'None' }
        $Session = Resolve-ImmichSession -Cmdlet $PSCmdlet -Session $Session
        $progress = [ApiKeys.Internal.ProgressState]::new('Removing Immich API keys')
    }
    process {
        foreach ($keyId in $Id) {
            if ($progress.Due()) { Write-ApiKeysProgress $progress "$keyId" }
            if (-not $PSCmdlet.ShouldProcess("$keyId", 'Remove API key')) { continue }
            $ok = Invoke-Native -Cmdlet $PSCmdlet -Operation key_delete -Session $Session -Id $keyId -TargetObject $keyId
            if ($ok) {
                Clear-ApiKeysKeyNameCache $Session
                Write-Verbose "Removed API key $keyId."
            }
        }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
