function Disconnect-ApiKeyServer {
    <#
    .SYNOPSIS
    Closes sessions made by Connect-ApiKeyServer.

    .DESCRIPTION
    Closes the given sessions (or the default one) and frees their native handles; an Immich
    password session logs out. When the default session is closed, the most recent remaining
    session becomes the default. -All closes every cross-server session.

    .PARAMETER Server
    The sessions to close. Accepts sessions from the pipeline (e.g. from Get-ApiKeyServer).

    .PARAMETER All
    Closes every session made by Connect-ApiKeyServer.

    .EXAMPLE
    Disconnect-ApiKeyServer

    Closes the default session.

    .EXAMPLE
    Get-ApiKeyServer -Kind Immich | Disconnect-ApiKeyServer

    Closes every Immich session.

    .EXAMPLE
    Disconnect-ApiKeyServer -All

    Closes every session.

    .LINK
    Connect-ApiKeyServer
    #>
    [CmdletBinding(DefaultParameterSetName = 'Server')]
    [OutputType([void])]
    param(
        [Parameter(ParameterSetName = 'Server', Position = 0, ValueFromPipeline)]
        [ApiKeys.ApiKeyServer[]]$Server,

        [Parameter(Mandatory, ParameterSetName = 'All')]
        [switch]$All
    )
    process {
        if ($All) {
            foreach ($s in @($script:ApiKeyServers)) { Close-ApiKeysSession $s }
            return
        }
        $targets = if ($Server) { $Server } else { $script:DefaultSession.ApiKey }
        if ($null -eq $targets) {
            $PSCmdlet.WriteError((New-ApiKeysSessionError 'NoApiKeyServer' 'Not connected to any server.' $null))
            return
        }
        foreach ($s in $targets) {
            Write-Verbose "Disconnecting from $($s.Uri)."
            Close-ApiKeysSession $s
        }
    }
}
