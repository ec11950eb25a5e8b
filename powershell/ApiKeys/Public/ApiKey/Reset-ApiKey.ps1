function Reset-ApiKey {
    <#
    .SYNOPSIS
    Rotates API keys: each gets a new secret.

    .DESCRIPTION
    Gives each key a new secret. TrueNAS keeps the key and its id (update with reset=true).
    Servers without a rotate operation (Immich, JIM) get a new key
    with the same name and access, then the old key is deleted; the output's ReplacedId is the
    old id, and Warning says when the old key could not be deleted (the new key is still
    returned: a rotation never loses a secret). The new secret is a SecureString unless
    -AsPlainText. High impact: you are asked to confirm unless you use -Force or
    -Confirm:$false.

    .PARAMETER Id
    The ids of the keys to rotate. Accepts pipeline input by property name.

    .PARAMETER Server
    The session the ids belong to. Default: the default session.

    .PARAMETER InputObject
    Keys from Get-ApiKey.

    .PARAMETER Force
    Rotates without asking.

    .PARAMETER AsPlainText
    Returns the new secrets as plain strings instead of SecureStrings.

    .PARAMETER WhatIf
    Shows which keys would be rotated without sending anything.

    .PARAMETER Confirm
    Asks before each rotation (the default for this command).

    .EXAMPLE
    $new = Reset-ApiKey -Id 'a1b2c3d4-e5f6-7890-abcd-ef1234567890' -Force
    $new.Secret | ConvertFrom-SecureString -AsPlainText

    Rotates one key and reads the new secret once.

    .EXAMPLE
    Get-ApiKey -ExpiringWithin (New-TimeSpan -Days 30) | Reset-ApiKey -Force -AsPlainText | Select-Object Name, Id, Secret

    Rotates every key that expires within 30 days and lists the new secrets.

    .OUTPUTS
    ApiKeys.CreatedApiKey

    .LINK
    New-ApiKey
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'ByInputObject')]
    [OutputType('ApiKeys.CreatedApiKey')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'ById', ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string[]]$Id,

        [Parameter(ParameterSetName = 'ById', ValueFromPipelineByPropertyName)]
        [ApiKeys.ApiKeyServer]$Server,

        [Parameter(Mandatory, ParameterSetName = 'ByInputObject', ValueFromPipeline)]
        [ApiKeys.ApiKey[]]$InputObject,

        [switch]$Force,

        [switch]$AsPlainText
    )
    begin {
        if ($Force -and -not $WhatIfPreference) { $ConfirmPreference = 'None' }
        $progress = [ApiKeys.Internal.ProgressState]::new('Rotating API keys')
    }
    process {
        foreach ($t in (Resolve-ApiKeyTarget -Cmdlet $PSCmdlet -InputObject $InputObject -Id $Id -Server $Server)) {
            if ($progress.Due()) { Write-ApiKeysProgress $progress $t.Label }
            if (-not $PSCmdlet.ShouldProcess($t.Label, 'Rotate API key (new secret)')) { continue }
            $created = Invoke-Native -Cmdlet $PSCmdlet -Operation key_rotate -Type $script:Types.ApiKey -Created -Session $t.Server -Id $t.Id -TargetObject $t.Id
            if ($null -eq $created) { continue }
            Clear-ApiKeysKeyNameCache $t.Server
            Set-ApiKeysKeyServer -Keys @($created.Key) -Server $t.Server
            if ($created.Warning) { Write-Warning "$($t.Label): $($created.Warning)" }
            $o = [Activator]::CreateInstance($script:Types.CreatedApiKey)
            $o.Kind = $t.Server.Kind
            $o.Id = $created.Key.Id
            $o.Name = $created.Key.Name
            $o.Secret = if ($AsPlainText) { $created.Secret } else { ConvertTo-ApiKeysSecureString $created.Secret }
            $o.ReplacedId = $created.ReplacedId
            $o.Warning = $created.Warning
            $o.Key = $created.Key
            $o.Server = $t.Server
            $o
        }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
