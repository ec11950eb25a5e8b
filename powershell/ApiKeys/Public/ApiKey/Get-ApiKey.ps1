function Get-ApiKey {
    <#
    .SYNOPSIS
    Gets API keys from one or more servers.

    .DESCRIPTION
    Lists the keys of the default server, or of every server given with -Server, as
    ApiKeys.ApiKey objects with the same properties for every kind of server (a property a
    server does not have is empty). Filters run in the library: -Name (wildcards,
    case-insensitive), -Expired (expiry in the past), -ExpiringWithin (expiry between now and
    now + the time span). With -Id, gets the given keys.

    Secrets are never returned: only New-ApiKey and Reset-ApiKey show a secret, once. When
    several servers are queried, a server that fails is reported as a non-terminating error and
    the others are still listed.

    .PARAMETER Id
    The ids of keys to get. Accepts pipeline input by property name.

    .PARAMETER Name
    Only keys whose name matches. Supports wildcards.

    .PARAMETER Expired
    Only keys whose expiry date has passed.

    .PARAMETER ExpiringWithin
    Only keys that expire between now and now + this time span, e.g. (New-TimeSpan -Days 30).

    .PARAMETER Server
    The sessions to query. Default: the default session.

    .EXAMPLE
    Get-ApiKey

    Lists every key of the default server.

    .EXAMPLE
    Get-ApiKey -Name 'CI*' -Server (Get-ApiKeyServer)

    Lists the keys whose names start with CI on every connected server.

    .EXAMPLE
    Get-ApiKey -ExpiringWithin (New-TimeSpan -Days 30) | Reset-ApiKey -Confirm:$false

    Rotates every key that expires within 30 days.

    .EXAMPLE
    Import-Csv ./keys.csv | Get-ApiKey

    Gets every key whose id is in the Id column of a CSV file from the default server.

    .OUTPUTS
    ApiKeys.ApiKey

    .LINK
    New-ApiKey

    .LINK
    Set-ApiKey
    #>
    [CmdletBinding(DefaultParameterSetName = 'Filter')]
    [OutputType('ApiKeys.ApiKey')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'ById', ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string[]]$Id,

        [Parameter(Position = 0, ParameterSetName = 'Filter')]
        [SupportsWildcards()]
        [string]$Name,

        [Parameter(ParameterSetName = 'Filter')]
        [switch]$Expired,

        [Parameter(ParameterSetName = 'Filter')]
        [timespan]$ExpiringWithin,

        [Parameter(ValueFromPipelineByPropertyName)]
        [ApiKeys.ApiKeyServer[]]$Server
    )
    begin {
        # The library, and the session check inlined: a PowerShell function call costs 20-40 µs,
        # as much as the rest of a get-by-id (bench/README.md, "Where a call's time goes").
        $native = $script:Native
        if ($null -eq $native) { $native = Get-ApiKeysNative -Cmdlet $PSCmdlet }
        $progress = [ApiKeys.Internal.ProgressState]::new('Getting API keys')
    }
    process {
        $servers = @(if ($null -ne $Server) { $Server } else { $script:DefaultSession.ApiKey })
        if ($servers.Count -ne 1 -or $null -eq $servers[0] -or -not $servers[0].Connected -or $servers[0].Handle -eq 0) {
            $servers = @(Resolve-ApiKeyServer -Cmdlet $PSCmdlet -Server $Server)
        }
        $many = $servers.Count -gt 1
        if ($PSCmdlet.ParameterSetName -eq 'Filter') {
            $filter = [ordered]@{}
            if ($Name) { $filter.name = $Name }
            if ($Expired) { $filter.expired = $true }
            if ($PSBoundParameters.ContainsKey('ExpiringWithin')) { $filter.expiringWithinSeconds = [long]$ExpiringWithin.TotalSeconds }
            $filterJson = if ($filter.Count) { ConvertTo-ApiKeysJson $filter } else { $null }
            foreach ($s in $servers) {
                if ($progress.Due()) { Write-ApiKeysProgress $progress $s.Uri }
                $er = $null
                $keys = if ($many) {
                    Invoke-Native -Cmdlet $PSCmdlet -Operation key_list -Type $script:Types.ApiKey -Array -Session $s -Json $filterJson -TargetObject $s.Uri -ErrorRecord ([ref]$er)
                }
                else {
                    Invoke-Native -Cmdlet $PSCmdlet -Operation key_list -Type $script:Types.ApiKey -Array -Session $s -Json $filterJson -TargetObject $s.Uri
                }
                if ($er) { $PSCmdlet.WriteError($er); continue }
                if ($null -eq $keys) { continue }
                Set-ApiKeysKeyServer -Keys $keys -Server $s
                $PSCmdlet.WriteObject($keys, $true)
            }
            return
        }
        foreach ($s in $servers) {
            foreach ($keyId in $Id) {
                if ($progress.Due()) { Write-ApiKeysProgress $progress "$keyId on $($s.Uri)" }
                # The hot path (one key by id): one call into the library per key, and
                # PowerShell code only when it fails (bench/README.md, "Where a call's time goes").
                $r = $native.Get($s.Handle, $keyId, $script:Types.ApiKey)
                if ($r.Status -ne 0) { Write-ApiKeysNativeError -Cmdlet $PSCmdlet -Result $r -TargetObject $keyId; continue }
                [ApiKeys.Internal.KeyServer]::Attach($r.Value, $s)
                $r.Value
            }
        }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
