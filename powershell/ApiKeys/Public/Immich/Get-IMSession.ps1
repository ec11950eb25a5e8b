function Get-IMSession {
    <#
    .SYNOPSIS
    Gets the default Immich session, or the one given.

    .DESCRIPTION
    Returns the ImmichSession object made by Connect-Immich: the session given with -Session,
    else the default session. Without any session it writes the error
    "No Immich Session established, please call Connect-Immich". No request is sent.

    .PARAMETER Session
    An Immich session object to return.

    .EXAMPLE
    Get-IMSession

    Shows the default session: BaseUri, AuthMethod, ImmichVersion and SessionID.

    .EXAMPLE
    (Get-IMSession).ImmichVersion

    The version of the connected Immich server, for example 2.7.5.

    .OUTPUTS
    ImmichSession

    .LINK
    Connect-Immich
    #>
    [CmdletBinding()]
    [OutputType('ImmichSession')]
    param(
        [ImmichSession]$Session
    )
    if ($Session) { return $Session }
    if ($script:DefaultSession.Immich) { return $script:DefaultSession.Immich }
    $PSCmdlet.WriteError((New-ApiKeysSessionError 'NoImmichSession' 'No Immich Session established, please call Connect-Immich' $null))
}
