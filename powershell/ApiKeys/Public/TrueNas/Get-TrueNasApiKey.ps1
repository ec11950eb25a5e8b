function Get-TrueNasApiKey {
    <#
    .SYNOPSIS
    Gets TrueNAS API keys (the CLI's auth api_key query and get_instance).

    .DESCRIPTION
    Without -Id, lists the server's API keys (auth api_key query), optionally only those whose
    name matches -Name (wildcards, case-insensitive; an exact name is filtered on the server).
    With -Id, gets each given key (auth api_key get_instance); ids come from the pipeline too,
    as numbers or as the 'id' property of objects. An unknown id is a non-terminating
    ObjectNotFound error (ErrorId ApiKeyNotFound); the other ids are still processed.

    Properties are the API's: id, name, created_at, and by generation allowlist (22.02 to
    24.10), username, expires_at, revoked (25.04+), revoked_reason (25.10+). Dates are
    [datetime] in UTC. Keys of CORE 13 to 24.10 are TrueNAS.ApiKeyEntry objects, shown with the
    CLI's columns id, name, created_at, allowlist; keys of 25.04 and later are
    TrueNAS.UserApiKeyEntry objects, shown with id, name, username, created_at, expires_at,
    revoked. A key's secret can never be read again: only New-TrueNasApiKey and
    Set-TrueNasApiKey -Reset return one.

    .PARAMETER Session
    The TrueNAS session to use (Connect-TrueNas -PassThru). Default: the last Connect-TrueNas.

    .PARAMETER Id
    The ids (numbers) of the keys to get.

    .PARAMETER Name
    Only keys whose name matches. Supports wildcards.

    .EXAMPLE
    Get-TrueNasApiKey

    Lists every key: id, name, created_at, allowlist (or username, expires_at, revoked on 25.04+).

    .EXAMPLE
    Get-TrueNasApiKey -Id 2

    Gets one key, as auth api_key get_instance id=2 does.

    .EXAMPLE
    Get-TrueNasApiKey -Name 'backup*' | Where-Object revoked | Select-Object id, name, revoked_reason

    Lists the revoked backup keys and why they were revoked (25.10+).

    .EXAMPLE
    2, 3 | Get-TrueNasApiKey

    Gets several keys by id from the pipeline.

    .OUTPUTS
    TrueNAS.ApiKeyEntry, TrueNAS.UserApiKeyEntry

    .LINK
    New-TrueNasApiKey

    .LINK
    Set-TrueNasApiKey

    .LINK
    Remove-TrueNasApiKey
    #>
    [CmdletBinding(DefaultParameterSetName = 'List')]
    [OutputType('TrueNAS.ApiKeyEntry', 'TrueNAS.UserApiKeyEntry')]
    param(
        [ApiKeys.ApiKeyServer]$Session,

        [Parameter(Mandatory, ParameterSetName = 'ById', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidateRange(1, [long]::MaxValue)]
        [long[]]$Id,

        [Parameter(Position = 0, ParameterSetName = 'List')]
        [SupportsWildcards()]
        [string]$Name
    )
    begin {
        $Session = Resolve-TrueNasSession -Cmdlet $PSCmdlet -Session $Session
        $type = Get-TrueNasKeyType $Session
        $progress = [ApiKeys.Internal.ProgressState]::new('Getting TrueNAS API keys')
    }
    process {
        if ($PSCmdlet.ParameterSetName -eq 'List') {
            $filter = if ($Name) { ConvertTo-ApiKeysJson ([ordered]@{ name = $Name }) } else { $null }
            $keys = Invoke-Native -Cmdlet $PSCmdlet -Operation key_list -Type $type -Array -Session $Session -Json $filter -TargetObject $Session.Uri
            if ($null -ne $keys) {
                $PSCmdlet.WriteObject($keys, $true)
            }
            return
        }
        foreach ($keyId in $Id) {
            if ($progress.Due()) { Write-ApiKeysProgress $progress "$keyId" }
            Invoke-Native -Cmdlet $PSCmdlet -Operation key_get -Type $type -Session $Session -Id $keyId -TargetObject $keyId
        }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
