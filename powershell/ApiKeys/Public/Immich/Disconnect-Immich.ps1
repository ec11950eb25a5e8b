function Disconnect-Immich {
    <#
    .SYNOPSIS
    Closes an Immich session.

    .DESCRIPTION
    Closes the given session (or the default one) and frees its native handle. A session made
    with -Credential logs out on the server. When the closed session was the default, there is
    no default Immich session afterwards. Using a closed session object later is an error that
    says to run Connect-Immich.

    .PARAMETER Session
    The session to close. Accepts sessions from the pipeline. Default: the default session.

    .EXAMPLE
    Disconnect-Immich

    Closes the default Immich session.

    .EXAMPLE
    $a, $b | Disconnect-Immich

    Closes two sessions made with Connect-Immich -PassThru.

    .LINK
    Connect-Immich
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(ValueFromPipeline)]
        [ImmichSession]$Session
    )
    process {
        $target = if ($Session) { $Session } else { $script:DefaultSession.Immich }
        if ($null -eq $target) {
            $PSCmdlet.WriteError((New-ApiKeysSessionError 'NoImmichSession' 'No Immich Session established, please call Connect-Immich' $null))
            return
        }
        Write-Verbose "Disconnecting from Immich at $($target.BaseUri) (session $($target.SessionID))."
        Close-ApiKeysSession $target
    }
}
