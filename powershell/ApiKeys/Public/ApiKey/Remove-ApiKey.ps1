function Remove-ApiKey {
    <#
    .SYNOPSIS
    Removes API keys from any server.

    .DESCRIPTION
    Deletes keys by id (with -Server, else the default session) or the keys piped from
    Get-ApiKey (each on its own server). Programs using a removed key lose access at once.
    High impact: you are asked to confirm each key unless you use -Force or -Confirm:$false.
    -WhatIf always wins, even with -Force: it lists what would be removed and sends nothing.
    A key that fails is a non-terminating error; the others are still removed.

    .PARAMETER Id
    The ids of the keys to remove. Accepts pipeline input by property name.

    .PARAMETER Server
    The session the ids belong to. Default: the default session.

    .PARAMETER InputObject
    Keys from Get-ApiKey.

    .PARAMETER Force
    Removes without asking.

    .PARAMETER PassThru
    Returns the removed keys (only those given as objects).

    .PARAMETER WhatIf
    Shows which keys would be removed without removing them.

    .PARAMETER Confirm
    Asks before each removal (the default for this command).

    .EXAMPLE
    Remove-ApiKey -Id 'a1b2c3d4-e5f6-7890-abcd-ef1234567890'

    Removes one key from the default server after asking.

    .EXAMPLE
    Get-ApiKey -Expired -Server (Get-ApiKeyServer) | Remove-ApiKey -Force

    Removes every expired key on every connected server without asking.

    .OUTPUTS
    ApiKeys.ApiKey (with -PassThru)

    .LINK
    Get-ApiKey
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'ByInputObject')]
    [OutputType('ApiKeys.ApiKey')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'ById', ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string[]]$Id,

        [Parameter(ParameterSetName = 'ById', ValueFromPipelineByPropertyName)]
        [ApiKeys.ApiKeyServer]$Server,

        [Parameter(Mandatory, ParameterSetName = 'ByInputObject', ValueFromPipeline)]
        [ApiKeys.ApiKey[]]$InputObject,

        [switch]$Force,

        [switch]$PassThru
    )
    begin {
        if ($Force -and -not $WhatIfPreference) { $ConfirmPreference = 'None' }
        $progress = [ApiKeys.Internal.ProgressState]::new('Removing API keys')
    }
    process {
        $byObject = @{}
        foreach ($k in @($InputObject)) { if ($k) { $byObject[$k.Id] = $k } }
        foreach ($t in (Resolve-ApiKeyTarget -Cmdlet $PSCmdlet -InputObject $InputObject -Id $Id -Server $Server)) {
            if ($progress.Due()) { Write-ApiKeysProgress $progress $t.Label }
            if (-not $PSCmdlet.ShouldProcess($t.Label, 'Remove API key')) { continue }
            $ok = Invoke-Native -Cmdlet $PSCmdlet -Operation key_delete -Session $t.Server -Id $t.Id -TargetObject $t.Id
            if (-not $ok) { continue }
            Clear-ApiKeysKeyNameCache $t.Server
            Write-Verbose "Removed API key $($t.Label)."
            if ($PassThru -and $byObject.ContainsKey($t.Id)) { $byObject[$t.Id] }
        }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
