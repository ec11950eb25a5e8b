function Get-IMAPIKey {
    <#
    .SYNOPSIS
    Gets the Immich API keys of the connected user.

    .DESCRIPTION
    Without -Id, lists all API keys of the user the session belongs to. With -Id, gets each
    given key. Ids come from the pipeline too, as strings or GUIDs, or as the 'id' property of
    objects (for example the output of Get-IMAPIKey itself). An unknown id is a non-terminating
    ObjectNotFound error (ErrorId ApiKeyNotFound); the other ids are still processed.

    The secret of an existing key can never be read; only New-IMAPIKey shows it.

    .PARAMETER Session
    The Immich session to use. Default: the session of the last Connect-Immich.

    .PARAMETER Id
    The id (GUID) of one or more keys.

    .EXAMPLE
    Get-IMAPIKey

    Lists all API keys: Id, Name, Created, Updated.

    .EXAMPLE
    Get-IMAPIKey -Id 'a1c2b770-3c58-46d9-ac6d-2e6d03d870e2'

    Gets one key.

    .EXAMPLE
    Get-IMAPIKey | Where-Object { $_.permissions -contains 'all' } | Select-Object name, createdAt

    Lists keys that have every permission.

    .EXAMPLE
    'a1c2b770-3c58-46d9-ac6d-2e6d03d870e2', '0f9c3a4e-6f43-4d55-9f1e-6a4b8c2d1e7f' | Get-IMAPIKey

    Gets several keys by id from the pipeline; an unknown id is reported and the rest are still returned.

    .OUTPUTS
    PSImmich.ObjectType.IMAPIKey

    .LINK
    New-IMAPIKey
    #>
    [CmdletBinding(DefaultParameterSetName = 'list')]
    [OutputType('PSImmich.ObjectType.IMAPIKey')]
    param(
        [ImmichSession]$Session,

        [Parameter(Mandatory, Position = 0, ParameterSetName = 'id', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [guid[]]$Id
    )
    begin {
        # The library, and the session check inlined: a PowerShell function call costs 20-40 µs,
        # as much as the rest of a get-by-id (bench/README.md, "Where a call's time goes").
        $native = $script:Native
        if ($null -eq $native) { $native = Get-ApiKeysNative -Cmdlet $PSCmdlet }
        $open = if ($null -ne $Session) { $Session } else { $script:DefaultSession.Immich }
        if ($null -eq $open -or -not $open.Connected -or $open.Handle -eq 0) { $open = Resolve-ImmichSession -Cmdlet $PSCmdlet -Session $Session }
        $Session = $open
        $progress = [ApiKeys.Internal.ProgressState]::new('Getting Immich API keys')
    }
    process {
        if ($PSCmdlet.ParameterSetName -eq 'list') {
            $keys = Invoke-Native -Cmdlet $PSCmdlet -Operation key_list -Type $script:Types.IMAPIKey -Array -Session $Session -TargetObject $Session.BaseUri
            if ($null -ne $keys) {
                $PSCmdlet.WriteObject($keys, $true)
            }
            return
        }
        # The hot path (one key by id): one call into the library per key, and PowerShell
        # code only when it fails (see bench/README.md, "Where a call's time goes").
        foreach ($keyId in $Id) {
            if ($progress.Due()) { Write-ApiKeysProgress $progress "$keyId" }
            $r = $native.Get($Session.Handle, $keyId, $script:Types.IMAPIKey)
            if ($r.Status -eq 0) { $r.Value }
            else { Write-ApiKeysNativeError -Cmdlet $PSCmdlet -Result $r -TargetObject $keyId }
        }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
