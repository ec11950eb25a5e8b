function Get-JIMApiKey {
    <#
    .SYNOPSIS
    Retrieves API key information from JIM.

    .DESCRIPTION
    Lists the API keys of the connected JIM server, optionally filtered by name (wildcards),
    or gets one key by id. The full key value is never returned; only the key prefix
    (KeyPrefix, e.g. jim_ak_519c7) identifies a key. Properties are PascalCase, as in JIM's
    module: Id, Name, Description, KeyPrefix, CreatedAt, ExpiresAt, LastUsedAt, LastUsedFromIp,
    IsEnabled, Roles. Dates are [datetime] in UTC.

    .PARAMETER Id
    Unique identifier of the API key to retrieve. Accepts pipeline input by property name.

    .PARAMETER Name
    Filter API keys by name. Supports wildcards (e.g., "CI*").

    .EXAMPLE
    Get-JIMApiKey

    Lists all API keys.

    .EXAMPLE
    Get-JIMApiKey -Name "CI*"

    Lists the keys whose names start with CI.

    .EXAMPLE
    Get-JIMApiKey -Id "a1b2c3d4-e5f6-7890-abcd-ef1234567890"

    Gets one key.

    .EXAMPLE
    Get-JIMApiKey | Where-Object { $_.ExpiresAt -and $_.ExpiresAt -lt (Get-Date).AddDays(30) } | Select-Object Name, ExpiresAt

    Keys that expire within 30 days (or have expired).

    .EXAMPLE
    Import-Csv ./keys-to-check.csv | Get-JIMApiKey

    Gets every key whose id is in the Id column of a CSV file (pipeline input by property name).

    .OUTPUTS
    JIM.ApiKeyDto

    .LINK
    New-JIMApiKey

    .LINK
    Set-JIMApiKey

    .LINK
    Remove-JIMApiKey
    #>
    [CmdletBinding(DefaultParameterSetName = 'List')]
    [OutputType('JIM.ApiKeyDto')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'ById', ValueFromPipelineByPropertyName)]
        [guid]$Id,

        [Parameter(ParameterSetName = 'List')]
        [SupportsWildcards()]
        [string]$Name
    )
    begin {
        # The library, and the session check inlined: a PowerShell function call costs 20-40 µs,
        # as much as the rest of a get-by-id (bench/README.md, "Where a call's time goes").
        $native = $script:Native
        if ($null -eq $native) { $native = Get-ApiKeysNative -Cmdlet $PSCmdlet }
        $s = $script:DefaultSession.JIM
        if ($null -eq $s -or -not $s.Connected -or $s.Handle -eq 0) { $s = Resolve-JimConnection -Cmdlet $PSCmdlet }
        $progress = [ApiKeys.Internal.ProgressState]::new('Getting JIM API keys')
    }
    process {
        if ($PSCmdlet.ParameterSetName -eq 'List') {
            $filter = if ($Name) { ConvertTo-ApiKeysJson ([ordered]@{ name = $Name }) } else { $null }
            $keys = Invoke-Native -Cmdlet $PSCmdlet -Operation key_list -Type $script:Types.JimApiKey -Array -Session $s -Json $filter -TargetObject $s.Uri -MessagePrefix 'Failed to list API Keys'
            if ($null -ne $keys) {
                $PSCmdlet.WriteObject($keys, $true)
            }
            return
        }
        # The hot path (one key by id): one call into the library, and PowerShell code only
        # when it fails (see bench/README.md, "Where a call's time goes").
        if ($progress.Due()) { Write-ApiKeysProgress $progress "$Id" }
        $r = $native.Get($s.Handle, $Id, $script:Types.JimApiKey)
        if ($r.Status -eq 0) { $r.Value }
        else { Write-ApiKeysNativeError -Cmdlet $PSCmdlet -Result $r -TargetObject $Id -Messages @{ not_found = "API Key not found: $Id" } }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
