function Set-JIMApiKey {
    <#
    .SYNOPSIS
    Updates an existing API key's name, description, roles, expiry, or enabled status.

    .DESCRIPTION
    Changes a JIM API key, with the parameters of JIM's own Set-JIMApiKey. The key value itself
    cannot be changed. JIM replaces the whole key on update, so the library reads the key first
    and sends it back with only the given changes: parameters you leave out keep their values.
    Supports ShouldProcess; use -WhatIf or -Confirm to preview or confirm the operation.

    In a pipeline, a key that fails (for example, deleted meanwhile) is reported as a
    non-terminating error and the other keys are still updated.

    .PARAMETER Id
    Unique identifier of the API key to update. Accepts pipeline input by property name.

    .PARAMETER Name
    New display name for the key.

    .PARAMETER Description
    New description.

    .PARAMETER RoleIds
    New set of role IDs. Replaces all existing role assignments.

    .PARAMETER ExpiresAt
    New expiry date and time, in the future. Pass $null to remove the expiry entirely.

    .PARAMETER Enable
    Enables the API key.

    .PARAMETER Disable
    Disables the API key. Disabled keys reject all authentication attempts.

    .PARAMETER ChangeReason
    A reason recorded in JIM's change history.

    .PARAMETER PassThru
    Returns the updated API key object.

    .PARAMETER WhatIf
    Shows what would change without sending anything.

    .PARAMETER Confirm
    Asks before each change.

    .EXAMPLE
    Set-JIMApiKey -Id "a1b2c3d4-e5f6-7890-abcd-ef1234567890" -Name "CI Pipeline v2"

    Renames a key.

    .EXAMPLE
    Set-JIMApiKey -Id "a1b2c3d4-e5f6-7890-abcd-ef1234567890" -Enable `
        -ExpiresAt (Get-Date).AddDays(30)

    Enables a key and makes it expire in 30 days.

    .EXAMPLE
    Get-JIMApiKey | Where-Object { $_.ExpiresAt -and $_.ExpiresAt -lt (Get-Date) } |
        Set-JIMApiKey -Disable

    Disables every expired key.

    .OUTPUTS
    JIM.ApiKeyDto (with -PassThru)

    .NOTES
    -Enable and -Disable are mutually exclusive. -ExpiresAt $null removes the expiry.
    -RoleIds replaces all existing role assignments; to keep current roles, include them.

    .LINK
    Get-JIMApiKey
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType('JIM.ApiKeyDto')]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [guid]$Id,

        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [string]$Description,

        [int[]]$RoleIds,

        [Nullable[datetime]]$ExpiresAt,

        [switch]$Enable,

        [switch]$Disable,

        [ValidateNotNullOrEmpty()]
        [string]$ChangeReason,

        [switch]$PassThru
    )
    begin {
        if ($PSBoundParameters.ContainsKey('ExpiresAt')) { Assert-ApiKeysFutureDate -Cmdlet $PSCmdlet -Date $ExpiresAt }
        $s = Resolve-JimConnection -Cmdlet $PSCmdlet
        $progress = [ApiKeys.Internal.ProgressState]::new('Updating JIM API keys')
    }
    process {
        if ($progress.Due()) { Write-ApiKeysProgress $progress "$Id" }
        if ($Enable -and $Disable) {
            $PSCmdlet.WriteError((New-ApiKeysErrorRecord -Kind invalid_argument -Message 'Cannot specify both -Enable and -Disable' -TargetObject $Id -ErrorId 'EnableDisableConflict' -Category InvalidArgument))
            return
        }
        if (-not $PSCmdlet.ShouldProcess("$Id", 'Update API Key')) { return }
        $update = [ordered]@{}
        if ($Name) { $update.name = $Name }
        if ($PSBoundParameters.ContainsKey('Description')) { $update.description = $Description }
        if ($PSBoundParameters.ContainsKey('RoleIds')) { $update.roleIds = [int[]]@($RoleIds) }
        if ($PSBoundParameters.ContainsKey('ExpiresAt')) {
            $update.expiresAt = if ($null -eq $ExpiresAt) { $null } else { ConvertTo-ApiKeysRfc3339 $ExpiresAt }
        }
        if ($Enable) { $update.enabled = $true }
        if ($Disable) { $update.enabled = $false }
        if ($ChangeReason) { $update.changeReason = $ChangeReason }
        $out = Invoke-Native -Cmdlet $PSCmdlet -Operation key_update -Type $script:Types.JimApiKey -Session $s -Id $Id -Json (ConvertTo-ApiKeysJson $update) -TargetObject $Id -MessagePrefix 'Failed to update API Key'
        if ($null -eq $out) { return }
        if ($update.Contains('name')) { Clear-ApiKeysKeyNameCache $s }
        if ($PassThru) { $out }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
