function Get-ApiKeyServer {
    <#
    .SYNOPSIS
    Lists the sessions made by Connect-ApiKeyServer.

    .DESCRIPTION
    Returns the open cross-server sessions in the order they were made, optionally filtered by
    URI (wildcards) or kind. -Default returns only the default session (the one the key
    commands use without -Server). No request is sent.

    .PARAMETER Uri
    Filter by the server URI. Supports wildcards.

    .PARAMETER Kind
    Filter by kind: Immich, JIM or TrueNAS.

    .PARAMETER Default
    Returns only the default session.

    .EXAMPLE
    Get-ApiKeyServer

    Lists every session: Kind, Uri, Version, AuthMethod, User, Connected.

    .EXAMPLE
    Get-ApiKeyServer -Kind JIM | ForEach-Object { Get-ApiKey -Server $_ -Expired }

    Lists the expired keys of every connected JIM server.

    .OUTPUTS
    ApiKeys.ApiKeyServer

    .LINK
    Connect-ApiKeyServer
    #>
    [CmdletBinding()]
    [OutputType('ApiKeys.ApiKeyServer')]
    param(
        [Parameter(Position = 0)]
        [SupportsWildcards()]
        [string]$Uri,

        [ValidateSet('Immich', 'JIM', 'TrueNAS')]
        [string]$Kind,

        [switch]$Default
    )
    $list = if ($Default) { @($script:DefaultSession.ApiKey | Where-Object { $_ }) } else { @($script:ApiKeyServers) }
    foreach ($s in $list) {
        if ($Uri -and $s.Uri -notlike $Uri) { continue }
        if ($Kind -and $s.Kind -ne $Kind) { continue }
        $s
    }
}
