function Remove-TrueNasApiKey {
    <#
    .SYNOPSIS
    Removes TrueNAS API keys (the CLI's auth api_key delete).

    .DESCRIPTION
    Deletes keys by id, or the keys piped from Get-TrueNasApiKey. Programs using a removed key
    lose access at once. High impact: you are asked to confirm each key unless you use -Force or
    -Confirm:$false. -WhatIf always wins, even with -Force: it lists what would be removed and
    sends nothing. An unknown id is a non-terminating ObjectNotFound error; the other keys are
    still removed. Nothing is returned (the CLI prints nothing either).

    .PARAMETER Session
    The TrueNAS session to use (Connect-TrueNas -PassThru). Default: the last Connect-TrueNas.

    .PARAMETER Id
    The ids of the keys to remove. Accepts pipeline input by value and by property name.

    .PARAMETER InputObject
    Keys from Get-TrueNasApiKey.

    .PARAMETER Force
    Removes without asking.

    .PARAMETER WhatIf
    Shows which keys would be removed without removing them.

    .PARAMETER Confirm
    Asks before each removal (the default for this command).

    .EXAMPLE
    Remove-TrueNasApiKey -Id 1

    Removes key 1 after asking, as auth api_key delete id=1 does.

    .EXAMPLE
    Get-TrueNasApiKey -Name 'test-*' | Remove-TrueNasApiKey -Force

    Removes every key whose name starts with test- without asking.

    .OUTPUTS
    None

    .LINK
    Get-TrueNasApiKey
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'ByInputObject')]
    [OutputType([void])]
    param(
        [ApiKeys.ApiKeyServer]$Session,

        [Parameter(Mandatory, Position = 0, ParameterSetName = 'ById', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidateRange(1, [long]::MaxValue)]
        [long[]]$Id,

        [Parameter(Mandatory, ParameterSetName = 'ByInputObject', ValueFromPipeline)]
        [TrueNAS.ApiKeyEntry[]]$InputObject,

        [switch]$Force
    )
    begin {
        if ($Force -and -not $WhatIfPreference) { $ConfirmPreference = 'None' }
        $Session = Resolve-TrueNasSession -Cmdlet $PSCmdlet -Session $Session
        $progress = [ApiKeys.Internal.ProgressState]::new('Removing TrueNAS API keys')
    }
    process {
        $targets = if ($PSCmdlet.ParameterSetName -eq 'ByInputObject') {
            foreach ($k in $InputObject) { @{ Id = $k.id; Label = "$($k.name) ($($k.id)) on $($Session.Uri)" } }
        }
        else {
            foreach ($i in $Id) { @{ Id = $i; Label = "$i on $($Session.Uri)" } }
        }
        foreach ($t in $targets) {
            if ($progress.Due()) { Write-ApiKeysProgress $progress $t.Label }
            if (-not $PSCmdlet.ShouldProcess($t.Label, 'Remove API key')) { continue }
            $ok = Invoke-Native -Cmdlet $PSCmdlet -Operation key_delete -Session $Session -Id $t.Id -TargetObject $t.Id
            if (-not $ok) { continue }
            Clear-ApiKeysKeyNameCache $Session
            Write-Verbose "Removed API key $($t.Label)."
        }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
