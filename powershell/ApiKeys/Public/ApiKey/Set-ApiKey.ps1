function Set-ApiKey {
    <#
    .SYNOPSIS
    Changes API keys on any server: name, description, permissions, roles, allowlist, expiry.

    .DESCRIPTION
    Updates keys in place. Only the properties you give change; the rest are kept (for JIM the
    library reads the key and sends it back whole). -ExpiresAt $null removes the expiry; a date
    must be in the future. A property the server does not know is an InvalidArgument error
    naming the field, and nothing is sent. The
    secret never changes here: use Reset-ApiKey for a new secret. Keys come from -Id (with
    -Server, else the default session) or from the pipeline (Get-ApiKey output), each on its
    own server. A key that fails is a non-terminating error; the others are still updated.

    .PARAMETER Id
    The ids of the keys to change. Accepts pipeline input by property name.

    .PARAMETER Server
    The session the ids belong to. Default: the default session.

    .PARAMETER InputObject
    Keys from Get-ApiKey.

    .PARAMETER Name
    The new name.

    .PARAMETER Description
    The new description (JIM).

    .PARAMETER Permission
    The new permission list (Immich); it replaces the old one.

    .PARAMETER RoleId
    The new role ids (JIM); they replace the old ones.

    .PARAMETER ExpiresAt
    The new expiry, or $null to remove it (JIM, TrueNAS 25.04+).

    .PARAMETER Allowlist
    The new allowlist (TrueNAS 22.02 to 24.10); it replaces the old one. 'METHOD resource'
    strings or hashtables @{ method; resource }.

    .PARAMETER PassThru
    Returns the updated keys.

    .PARAMETER WhatIf
    Shows what would change without sending anything.

    .PARAMETER Confirm
    Asks before each change.

    .EXAMPLE
    Set-ApiKey -Id 'a1b2c3d4-e5f6-7890-abcd-ef1234567890' -Name 'CI v2' -PassThru

    Renames a key and shows the result.

    .EXAMPLE
    Get-ApiKey -Name 'kiosk*' | Set-ApiKey -Permission 'asset.view'

    Restricts every kiosk key to viewing assets.

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

        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [string]$Description,

        [ValidateNotNullOrEmpty()]
        [string[]]$Permission,

        [int[]]$RoleId,

        [Nullable[datetime]]$ExpiresAt,

        [AllowEmptyCollection()]
        [object[]]$Allowlist,

        [switch]$PassThru
    )
    begin {
        $update = [ordered]@{}
        if ($PSBoundParameters.ContainsKey('Name')) { $update.name = $Name }
        if ($PSBoundParameters.ContainsKey('Description')) { $update.description = $Description }
        if ($PSBoundParameters.ContainsKey('Permission')) { $update.permissions = [string[]]$Permission }
        if ($PSBoundParameters.ContainsKey('RoleId')) { $update.roleIds = [int[]]@($RoleId) }
        if ($PSBoundParameters.ContainsKey('ExpiresAt')) {
            Assert-ApiKeysFutureDate -Cmdlet $PSCmdlet -Date $ExpiresAt
            $update.expiresAt = if ($null -eq $ExpiresAt) { $null } else { ConvertTo-ApiKeysRfc3339 $ExpiresAt }
        }
        if ($PSBoundParameters.ContainsKey('Allowlist')) { $update.allowlist = ConvertTo-ApiKeysAllowlist -Cmdlet $PSCmdlet -Allowlist $Allowlist }
        if ($update.Count -eq 0) {
            $PSCmdlet.ThrowTerminatingError((New-ApiKeysErrorRecord -Kind invalid_argument -Message 'Nothing to change: give -Name, -Description, -Permission, -RoleId, -Allowlist or -ExpiresAt.' -ErrorId 'NothingToUpdate' -Category InvalidArgument))
        }
        $json = ConvertTo-ApiKeysJson $update
        $what = ($update.Keys -join ', ')
        $progress = [ApiKeys.Internal.ProgressState]::new('Updating API keys')
    }
    process {
        $targets = Resolve-ApiKeyTarget -Cmdlet $PSCmdlet -InputObject $InputObject -Id $Id -Server $Server
        Invoke-ApiKeyTargetUpdate -Cmdlet $PSCmdlet -Targets $targets -Json $json -Action "Set API key $what" -Progress $progress -PassThru:$PassThru
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
