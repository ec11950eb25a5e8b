function Disconnect-JIM {
    <#
    .SYNOPSIS
    Disconnects from JIM.

    .DESCRIPTION
    Closes the JIM connection made by Connect-JIM and frees its native session. The JIM
    commands then say to run Connect-JIM again. With -Url, the connection is closed only when
    it is to that URL. -All closes the connection whatever its URL (this module keeps one JIM
    connection, as JIM's module does).

    .PARAMETER Url
    Close the connection only if it is to this URL.

    .PARAMETER All
    Close the JIM connection, whatever its URL.

    .EXAMPLE
    Disconnect-JIM

    Closes the current connection and prints "Disconnected from JIM at <url>".

    .EXAMPLE
    Disconnect-JIM -All

    Closes every JIM connection.

    .LINK
    Connect-JIM
    #>
    [CmdletBinding(DefaultParameterSetName = 'Default')]
    [OutputType([void])]
    param(
        [Parameter(ParameterSetName = 'Default')]
        [string]$Url,

        [Parameter(Mandatory, ParameterSetName = 'All')]
        [switch]$All
    )
    $s = $script:DefaultSession.JIM
    if ($null -eq $s) {
        Write-Verbose 'Not connected to JIM.'
        return
    }
    if ($PSCmdlet.ParameterSetName -eq 'Default' -and $Url -and $Url.TrimEnd('/') -ne $s.Uri) {
        Write-Verbose "The JIM connection is to $($s.Uri), not $Url; nothing to disconnect."
        return
    }
    $uri = $s.Uri
    Close-ApiKeysSession $s
    Write-Host "Disconnected from JIM at $uri"
}
