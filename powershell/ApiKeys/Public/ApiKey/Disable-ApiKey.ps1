function Disable-ApiKey {
    <#
    .SYNOPSIS
    Disables API keys.

    .DESCRIPTION
    Disables keys on servers that can switch keys on and off (JIM). A disabled key rejects
    every request until it is enabled again; unlike removal, this can be undone. Servers
    without that feature (Immich, TrueNAS) give a NotImplemented error for the key. Keys come from -Id
    (with -Server, else the default session) or from the pipeline (Get-ApiKey output). A key
    that fails is a non-terminating error; the others are still processed.

    .PARAMETER Id
    The ids of the keys. Accepts pipeline input by property name.

    .PARAMETER Server
    The session the ids belong to. Default: the default session.

    .PARAMETER InputObject
    Keys from Get-ApiKey.

    .PARAMETER PassThru
    Returns the updated keys.

    .PARAMETER WhatIf
    Shows which keys would change without sending anything.

    .PARAMETER Confirm
    Asks before each change.

    .EXAMPLE
    Disable-ApiKey -Id 'a1b2c3d4-e5f6-7890-abcd-ef1234567890'

    Disables one key on the default server.

    .EXAMPLE
    Get-ApiKey | Where-Object { $_.LastUsedAt -and $_.LastUsedAt -lt (Get-Date).AddDays(-180) } | Disable-ApiKey

    Disables every key not used for 180 days.

    .OUTPUTS
    ApiKeys.ApiKey (with -PassThru)

    .LINK
    Get-ApiKey
    #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'ByInputObject')]
    [OutputType('ApiKeys.ApiKey')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'ById', ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string[]]$Id,

        [Parameter(ParameterSetName = 'ById', ValueFromPipelineByPropertyName)]
        [ApiKeys.ApiKeyServer]$Server,

        [Parameter(Mandatory, ParameterSetName = 'ByInputObject', ValueFromPipeline)]
        [ApiKeys.ApiKey[]]$InputObject,

        [switch]$PassThru
    )
    begin {
        $json = ConvertTo-ApiKeysJson ([ordered]@{ enabled = $false })
        $progress = [ApiKeys.Internal.ProgressState]::new('Disabling API keys')
    }
    process {
        $targets = Resolve-ApiKeyTarget -Cmdlet $PSCmdlet -InputObject $InputObject -Id $Id -Server $Server
        Invoke-ApiKeyTargetUpdate -Cmdlet $PSCmdlet -Targets $targets -Json $json -Action 'Disable API key' -Progress $progress -PassThru:$PassThru
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
