function Remove-JIMApiKey {
    <#
    .SYNOPSIS
    Permanently deletes an API key.

    .DESCRIPTION
    Deletes JIM API keys, with the parameters of JIM's own Remove-JIMApiKey. Any requests using
    a deleted key fail immediately afterwards. Supports ShouldProcess with High impact: you are
    prompted before each deletion unless you give -Force (or -Confirm:$false).

    -WhatIf always wins: with -WhatIf (even together with -Force) nothing is deleted and
    nothing is sent to the server. By id, the key is read first (for its name in the prompt and
    for -PassThru); an unknown id gives "API Key not found: <id>" as a non-terminating error.

    .PARAMETER Id
    Unique identifier of the API key to delete. Accepts pipeline input by property name.

    .PARAMETER InputObject
    API key object from the pipeline, as returned by Get-JIMApiKey.

    .PARAMETER ChangeReason
    A reason recorded in JIM's change history.

    .PARAMETER Force
    Suppresses the confirmation prompt.

    .PARAMETER PassThru
    Returns the deleted API key object.

    .PARAMETER WhatIf
    Shows which keys would be deleted without deleting them.

    .PARAMETER Confirm
    Prompts before each deletion (the default for this command).

    .EXAMPLE
    Remove-JIMApiKey -Id "a1b2c3d4-e5f6-7890-abcd-ef1234567890"

    Deletes one key after confirmation.

    .EXAMPLE
    Get-JIMApiKey | Where-Object { $_.Name -like "temp-*" } | Remove-JIMApiKey -Force

    Deletes every key whose name starts with temp- without prompting.

    .OUTPUTS
    JIM.ApiKeyDto (with -PassThru)

    .NOTES
    Deletion is permanent and cannot be undone.

    .LINK
    Get-JIMApiKey
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'ById')]
    [OutputType('JIM.ApiKeyDto')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'ById', ValueFromPipelineByPropertyName)]
        [guid]$Id,

        [Parameter(Mandatory, ParameterSetName = 'ByInputObject', ValueFromPipeline)]
        [PSCustomObject]$InputObject,

        [ValidateNotNullOrEmpty()]
        [string]$ChangeReason,

        [switch]$Force,

        [switch]$PassThru
    )
    begin {
        if ($Force -and -not $WhatIfPreference) { $ConfirmPreference = 'None' }
        $s = Resolve-JimConnection -Cmdlet $PSCmdlet
        $progress = [ApiKeys.Internal.ProgressState]::new('Deleting JIM API keys')
    }
    process {
        $key = $null
        if ($PSCmdlet.ParameterSetName -eq 'ByInputObject') {
            $idValue = $null
            if ($InputObject.PSObject.Properties['Id']) { $idValue = $InputObject.PSObject.Properties['Id'].Value }
            $parsed = [guid]::Empty
            if ($null -eq $idValue -or -not [guid]::TryParse("$idValue", [ref]$parsed)) {
                $PSCmdlet.WriteError((New-ApiKeysErrorRecord -Kind invalid_argument -Message 'The input object has no Id property with an API key id (use objects from Get-JIMApiKey).' -TargetObject $InputObject -ErrorId 'InputObjectWithoutId' -Category InvalidArgument))
                return
            }
            $keyId = $parsed
            $key = $InputObject
            $label = if ($InputObject.PSObject.Properties['Name']) { "$($InputObject.PSObject.Properties['Name'].Value) ($keyId)" } else { "$keyId" }
        }
        else {
            $keyId = $Id
            $label = "$keyId"
        }
        if ($progress.Due()) { Write-ApiKeysProgress $progress $label }
        if ($WhatIfPreference) {
            # -WhatIf wins over -Force and sends nothing, not even the read.
            $null = $PSCmdlet.ShouldProcess($label, 'Delete API Key')
            return
        }
        if ($null -eq $key) {
            $key = Invoke-Native -Cmdlet $PSCmdlet -Operation key_get -Type $script:Types.JimApiKey -Session $s -Id $keyId -TargetObject $keyId -Messages @{ not_found = "API Key not found: $keyId" }
            if ($null -eq $key) { return }
            $label = "$($key.Name) ($keyId)"
        }
        if (-not $PSCmdlet.ShouldProcess($label, 'Delete API Key')) { return }
        $reason = if ($ChangeReason) { $ChangeReason } else { $null }
        $ok = Invoke-Native -Cmdlet $PSCmdlet -Operation key_delete -Session $s -Id $keyId -Reason $reason -TargetObject $keyId -MessagePrefix 'Failed to delete API Key'
        if (-not $ok) { return }
        Clear-ApiKeysKeyNameCache $s
        Write-Verbose "Deleted API key $label."
        if ($PassThru) { $key }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
