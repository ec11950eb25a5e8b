function Test-JIMConnection {
    <#
    .SYNOPSIS
    Tests the connection to JIM.

    .DESCRIPTION
    Checks that the JIM server answers (its health route) and that the API key is still
    accepted (JIM's own Test-JIMConnection checks only the anonymous health route). Returns a
    status object, or only $true/$false with -Quiet. Never throws: when not connected, the
    object says 'Not connected' and 'Use Connect-JIM to establish a connection.'

    .PARAMETER Quiet
    Return only $true (connected and working) or $false.

    .EXAMPLE
    Test-JIMConnection

    Connected, Url, AuthMethod, ServerVersion, Status and Message of the current connection.

    .EXAMPLE
    if (-not (Test-JIMConnection -Quiet)) { Connect-JIM -Url $url -ApiKey $key }

    Reconnects only when needed.

    .OUTPUTS
    System.Management.Automation.PSCustomObject, or System.Boolean with -Quiet

    .LINK
    Connect-JIM
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject], [bool])]
    param(
        [switch]$Quiet
    )
    $s = $script:DefaultSession.JIM
    if ($null -eq $s -or -not $s.Connected) {
        if ($Quiet) { return $false }
        return [pscustomobject]@{
            Connected      = $false
            Url            = $null
            AuthMethod     = $null
            ServerVersion  = $null
            Status         = 'Not connected'
            Message        = 'Use Connect-JIM to establish a connection.'
            TokenExpiresAt = $null
        }
    }
    $er = $null
    $status = 'Error'
    $info = Invoke-Native -Cmdlet $PSCmdlet -Operation server_info -Session $s -ErrorRecord ([ref]$er)
    if (-not $er) {
        $h = (ConvertFrom-ApiKeysSmallJson $info)['healthy']
        $status = if ($h -eq $true) { 'healthy' } elseif ($h -eq $false) { 'unhealthy' } else { 'unknown' }
        $s.Version = (ConvertFrom-ApiKeysSmallJson $info)['version']
        $null = Invoke-Native -Cmdlet $PSCmdlet -Operation whoami -Session $s -ErrorRecord ([ref]$er)
        if ($er -and $er.Exception.Data['ApiKeys.Kind'] -eq 'permission') { $er = $null }
    }
    $ok = -not $er -and $status -ne 'unhealthy'
    if ($Quiet) { return $ok }
    [pscustomobject]@{
        Connected      = $ok
        Url            = $s.Uri
        AuthMethod     = $s.AuthMethod
        ServerVersion  = $s.Version
        Status         = $(if ($er) { 'Error' } else { $status })
        Message        = $(if ($er) { $er.Exception.Message } else { 'Connection successful' })
        TokenExpiresAt = $null
    }
}
