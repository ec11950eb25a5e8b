function New-JIMApiKey {
    <#
    .SYNOPSIS
    Creates a new API key for non-interactive authentication.

    .DESCRIPTION
    Creates an API key on the connected JIM server, with the parameters of JIM's own
    New-JIMApiKey. Supports ShouldProcess; use -WhatIf or -Confirm to preview or confirm the
    operation.

    The full key value is returned only in the creation response, so use -PassThru to get it
    (property Key). Without -PassThru this command writes nothing to the pipeline, as JIM's does,
    but it warns that the key value is not shown (the warning never contains the key).

    .PARAMETER Name
    Display name for the API key.

    .PARAMETER Description
    Optional description of the key's purpose.

    .PARAMETER RoleIds
    Role IDs to assign to the key (see Get-JIMRole). If omitted, the key has no role
    assignments and so no administrative access.

    .PARAMETER ExpiresAt
    Optional expiry date and time, in the future. If omitted, the key does not expire. Sent in
    UTC. (JIM itself would store a past date, making a key that never works: this module
    refuses it before sending.)

    .PARAMETER ChangeReason
    A reason recorded in JIM's change history.

    .PARAMETER PassThru
    Returns the created API key object, including the full key value (Key).

    .PARAMETER WhatIf
    Shows what would be created without sending anything.

    .PARAMETER Confirm
    Asks before creating the key.

    .EXAMPLE
    New-JIMApiKey -Name "Monitoring Service" -Description "Read-only monitoring" `
        -RoleIds @(1, 3) -ExpiresAt (Get-Date).AddDays(90)

    Creates a key with two roles that expires in 90 days.

    .EXAMPLE
    $key = New-JIMApiKey -Name "Deployment Automation" -PassThru
    $key.Key # Full key value; store this securely

    Creates a key and keeps its value.

    .OUTPUTS
    JIM.ApiKeyCreateResponseDto (with -PassThru)

    .NOTES
    The full API key is returned only in the creation response when -PassThru is specified.
    Store it securely; it cannot be retrieved again.

    .LINK
    Get-JIMApiKey

    .LINK
    Get-JIMRole
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType('JIM.ApiKeyCreateResponseDto')]
    param(
        [Parameter(Mandatory)]
        [string]$Name,

        [string]$Description,

        [int[]]$RoleIds = @(),

        [datetime]$ExpiresAt,

        [ValidateNotNullOrEmpty()]
        [string]$ChangeReason,

        [switch]$PassThru
    )
    if ($PSBoundParameters.ContainsKey('ExpiresAt')) { Assert-ApiKeysFutureDate -Cmdlet $PSCmdlet -Date $ExpiresAt }
    $s = Resolve-JimConnection -Cmdlet $PSCmdlet
    if (-not $PSCmdlet.ShouldProcess($Name, 'Create API Key')) { return }
    $body = [ordered]@{ name = $Name; roleIds = [int[]]@($RoleIds) }
    if ($Description) { $body.description = $Description }
    if ($PSBoundParameters.ContainsKey('ExpiresAt')) { $body.expiresAt = ConvertTo-ApiKeysRfc3339 $ExpiresAt }
    if ($ChangeReason) { $body.changeReason = $ChangeReason }
    $created = Invoke-Native -Cmdlet $PSCmdlet -Operation key_create -Type $script:Types.JimCreatedKey -Created -Session $s -Json (ConvertTo-ApiKeysJson $body) -TargetObject $Name -MessagePrefix 'Failed to create API Key'
    if ($null -eq $created) { return }
    Clear-ApiKeysKeyNameCache $s
    $created.Key.Key = $created.Secret
    if ($PassThru) {
        return $created.Key
    }
    Write-Warning ("API key '$Name' was created (id $($created.Key.Id), prefix $($created.Key.KeyPrefix)), but its value is shown only " +
        "in the creation response and -PassThru was not given, so it cannot be retrieved. Use New-JIMApiKey -PassThru to keep the " +
        "value, and remove this key with Remove-JIMApiKey -Id $($created.Key.Id) if it is not needed.")
}
