function Disconnect-TrueNas {
    <#
    .SYNOPSIS
    Closes a TrueNAS session.

    .DESCRIPTION
    Closes the given session (or the default one): the WebSocket connection (25.04+) is closed
    and the native handle freed. When the closed session was the default, there is no default
    TrueNAS session afterwards. Using a closed session object later is an error that says to
    run Connect-TrueNas.

    .PARAMETER Session
    The sessions to close. Accepts sessions from the pipeline. Default: the default session.

    .EXAMPLE
    Disconnect-TrueNas

    Closes the default TrueNAS session.

    .EXAMPLE
    $nas1, $nas2 | Disconnect-TrueNas

    Closes two sessions made with Connect-TrueNas -PassThru.

    .LINK
    Connect-TrueNas
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Position = 0, ValueFromPipeline)]
        [ApiKeys.ApiKeyServer[]]$Session
    )
    process {
        $targets = if ($Session) { $Session } else { $script:DefaultSession.TrueNAS }
        if ($null -eq $targets) {
            $PSCmdlet.WriteError((New-ApiKeysSessionError 'NoTrueNasSession' 'No TrueNAS session established; nothing to disconnect.' $null))
            return
        }
        foreach ($s in $targets) {
            if ($s.Kind -ne 'TrueNAS') {
                $PSCmdlet.WriteError((New-ApiKeysErrorRecord -Kind invalid_argument -ErrorId 'SessionKindMismatch' -Category InvalidArgument -TargetObject $s `
                            -Message "-Session: a $($s.Kind) session to $($s.Uri) is not a TrueNAS session; close it with its own Disconnect command."))
                continue
            }
            Write-Verbose "Disconnecting from TrueNAS at $($s.Uri)."
            Close-ApiKeysSession $s
        }
    }
}
