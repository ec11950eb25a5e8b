# Private/Native.ps1: the only door to libapikeys (docs/interfaces.md section 1).
#
# - Get-ApiKeysLibraryPath: $env:APIKEYS_LIBRARY, else the module's bin/<rid>/ copy.
# - Get-ApiKeysNative: the library, bound once per process and path by ApiKeys.Internal.Library
#   (bin/ApiKeys.Runtime.dll, powershell/ApiKeys.Runtime/Native.cs): UTF-8 inputs, the status,
#   the output read in place into the module's types, every returned string freed.
# - Invoke-Native: one call; a failure becomes an ErrorRecord (Write-ApiKeysNativeError).
# - New-ApiKeysErrorRecord: the error kind -> ErrorId + ErrorCategory table.

$script:Native = $null

function Get-ApiKeysLibraryPath {
    if (-not [string]::IsNullOrWhiteSpace($env:APIKEYS_LIBRARY)) {
        return [System.IO.Path]::GetFullPath($env:APIKEYS_LIBRARY)
    }
    $ri = [System.Runtime.InteropServices.RuntimeInformation]
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $arch = $ri::OSArchitecture.ToString().ToLowerInvariant()
    $file = if ($IsWindows) { 'apikeys.dll' } elseif ($IsMacOS) { 'libapikeys.dylib' } else { 'libapikeys.so' }
    [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($script:ModuleRoot, 'bin', "$os-$arch", $file))
}

function Get-ApiKeysNative {
    # Returns the library (ApiKeys.Internal.Library in bin/ApiKeys.Runtime.dll), loaded and
    # bound once per process and path, so re-importing the module reuses it. Throws a
    # terminating error through $Cmdlet when the library file is missing or cannot be loaded.
    param([System.Management.Automation.PSCmdlet]$Cmdlet)
    if ($null -ne $script:Native) { return $script:Native }
    $path = Get-ApiKeysLibraryPath
    $er = $null
    if (-not [System.IO.File]::Exists($path)) {
        $how = if ($env:APIKEYS_LIBRARY) { 'Check $env:APIKEYS_LIBRARY' } else { 'Build it with tools/build, or set $env:APIKEYS_LIBRARY to its path' }
        $er = [System.Management.Automation.ErrorRecord]::new(
            [System.IO.FileNotFoundException]::new("The ApiKeys native library was not found at '$path'. $how.", $path),
            'NativeLibraryNotFound', [System.Management.Automation.ErrorCategory]::NotInstalled, $path)
    }
    else {
        try { $script:Native = [ApiKeys.Internal.Library]::Load($path) }
        catch {
            $er = [System.Management.Automation.ErrorRecord]::new($_.Exception.GetBaseException(), 'NativeLibraryLoadFailed',
                [System.Management.Automation.ErrorCategory]::NotInstalled, $path)
        }
    }
    if ($er) {
        if ($Cmdlet) { $Cmdlet.ThrowTerminatingError($er) }
        throw $er
    }
    $script:Native
}

function Get-ApiKeysLibraryVersion {
    (Get-ApiKeysNative).Version()
}

# kind -> ErrorId, ErrorCategory, exception type (style-anchors.md, "How this maps")
$script:ErrorKindMap = @{
    invalid_argument = @('InvalidArgument', 'InvalidArgument', [System.ArgumentException])
    authentication   = @('AuthenticationFailed', 'AuthenticationError', [System.Security.Authentication.AuthenticationException])
    permission       = @('PermissionDenied', 'PermissionDenied', [System.UnauthorizedAccessException])
    not_found        = @('ApiKeyNotFound', 'ObjectNotFound', [System.Management.Automation.ItemNotFoundException])
    conflict         = @('ApiKeyConflict', 'ResourceExists', [System.InvalidOperationException])
    rate_limited     = @('RateLimited', 'LimitsExceeded', [System.InvalidOperationException])
    unsupported      = @('NotSupported', 'NotImplemented', [System.NotSupportedException])
    transport        = @('ConnectionFailed', 'ConnectionError', [System.Net.Http.HttpRequestException])
    tls              = @('TlsFailed', 'SecurityError', [System.Security.Authentication.AuthenticationException])
    timeout          = @('Timeout', 'OperationTimeout', [System.TimeoutException])
    server           = @('ServerError', 'ResourceUnavailable', [System.InvalidOperationException])
    protocol         = @('ProtocolError', 'ProtocolError', [System.InvalidOperationException])
    internal         = @('InternalError', 'NotSpecified', [System.InvalidOperationException])
}
# Errors that concern the connection, not the item: terminating even inside a pipeline.
$script:ConnectionErrorKinds = @('authentication', 'transport', 'tls', 'timeout')

function New-ApiKeysErrorRecord {
    # Builds an ErrorRecord from an error kind. $Details: the library's error hashtable.
    param(
        [string]$Kind,
        [string]$Message,
        [object]$TargetObject,
        [hashtable]$Details,
        [string]$ErrorId,
        [System.Management.Automation.ErrorCategory]$Category = 'NotSpecified',
        [string]$RecommendedAction
    )
    $map = $script:ErrorKindMap[$Kind]
    if (-not $map) { $map = $script:ErrorKindMap['internal'] }
    if (-not $ErrorId) {
        $ErrorId = $map[0]
        $Category = [System.Management.Automation.ErrorCategory]$map[1]
    }
    $ex = [Activator]::CreateInstance($map[2], [object[]]@($Message))
    $ex.Data['ApiKeys.Kind'] = $Kind
    if ($Details) {
        foreach ($f in 'httpStatus', 'serverMessage', 'retryAfterMs') {
            if ($Details.ContainsKey($f) -and $null -ne $Details[$f]) { $ex.Data["ApiKeys.$f"] = $Details[$f] }
        }
    }
    $er = [System.Management.Automation.ErrorRecord]::new($ex, $ErrorId, $Category, $TargetObject)
    if ($RecommendedAction) {
        $er.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($Message)
        $er.ErrorDetails.RecommendedAction = $RecommendedAction
    }
    $er
}

function Invoke-Native {
    <#
    Calls one ABI function. Returns:
      session_open              -> [uint64] handle
      key_delete, session_close -> $true
      with -Type                -> the output read as that type (-Array: a whole array, one
                                   pipeline object; -Created: a CreatedKey whose Key is -Type)
      everything else           -> the output JSON string
    On failure: writes a non-terminating error through $Cmdlet (per-item errors), or throws a
    terminating one (-Terminating, or an error about the connection), and returns nothing.
    With -ErrorRecord [ref], the error is handed back instead and nothing is written.
    Messages: hashtable kind -> message that replaces the library's message for that kind.
    #>
    param(
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory)][string]$Operation,
        [object]$Session,
        [object]$Id,
        [object]$Json,
        [object]$Reason,
        [type]$Type,
        [switch]$Array,
        [switch]$Created,
        [object]$TargetObject,
        [string]$MessagePrefix,
        [hashtable]$Messages,
        [switch]$Terminating,
        [ref]$ErrorRecord
    )
    $native = Get-ApiKeysNative -Cmdlet $Cmdlet
    $handle = [uint64]0
    if ($Operation -ne 'session_open') {
        $handle = Assert-ApiKeysSessionOpen -Cmdlet $Cmdlet -Session $Session
    }
    $shape = if ($Created) { 'Created' } elseif ($Array) { 'Array' } elseif ($Type) { 'Object' } else { 'Text' }
    # $null arrives in .NET as "", which Library.Invoke takes as no JSON / no reason.
    $r = $native.Invoke($Operation, $handle, $(if ($null -ne $Id) { [string]$Id }), $Json, $Reason, $Type, $shape)
    # Diagnostics: the operation, status and time only (never inputs or outputs: they may hold secrets).
    if ($DebugPreference -ne 'SilentlyContinue') {
        Write-Debug ("libapikeys {0}: status {1} in {2:n1} ms" -f $Operation, $r.Status, $r.ElapsedMs)
    }
    if ($r.Status -eq 0) {
        # An array is one pipeline object; the caller enumerates it.
        if ($Array) { return , $r.Value }
        return $r.Value
    }
    $how = @{ Cmdlet = $Cmdlet; Result = $r; TargetObject = $TargetObject; MessagePrefix = $MessagePrefix; Messages = $Messages; Terminating = $Terminating }
    if ($PSBoundParameters.ContainsKey('ErrorRecord')) { $how.ErrorRecord = $ErrorRecord }
    Write-ApiKeysNativeError @how
}

function Write-ApiKeysNativeError {
    # A failed call (ApiKeys.Internal.NativeResult) -> ErrorRecord: handed back through
    # -ErrorRecord, thrown (terminating, or an error about the connection), or written.
    param(
        [System.Management.Automation.PSCmdlet]$Cmdlet,
        [ApiKeys.Internal.NativeResult]$Result,
        [object]$TargetObject,
        [string]$MessagePrefix,
        [hashtable]$Messages,
        [switch]$Terminating,
        [ref]$ErrorRecord
    )
    $kind = if ($Result.Kind) { $Result.Kind } else { Get-ApiKeysKindFromStatus $Result.Status }
    $message = if ($Result.Message) { $Result.Message } else { "libapikeys returned status $($Result.Status)." }
    if ($Messages -and $Messages.ContainsKey($kind)) { $message = $Messages[$kind] }
    elseif ($MessagePrefix) { $message = "${MessagePrefix}: $message" }
    $action = switch ($kind) {
        'authentication' { 'Check the API key or credentials, then connect again.' }
        'permission' { 'Use a key or account with the needed permission or role.' }
        'transport' { 'Check that the server is running and the URL is right.' }
        'tls' { 'Trust the server certificate (-CertificateAuthority) or check the host name.' }
        default { $null }
    }
    $details = @{ httpStatus = $Result.HttpStatus; serverMessage = $Result.ServerMessage; retryAfterMs = $Result.RetryAfterMs }
    $er = New-ApiKeysErrorRecord -Kind $kind -Message $message -TargetObject $TargetObject -Details $details -RecommendedAction $action
    if ($PSBoundParameters.ContainsKey('ErrorRecord')) { $ErrorRecord.Value = $er; return }
    if ($Terminating -or $kind -in $script:ConnectionErrorKinds) {
        if ($Cmdlet) { $Cmdlet.ThrowTerminatingError($er) }
        throw $er
    }
    if ($Cmdlet) { $Cmdlet.WriteError($er) } else { Write-Error -ErrorRecord $er }
}

function Get-ApiKeysKindFromStatus {
    param([int]$Status)
    switch ($Status) {
        1 { 'invalid_argument' } 2 { 'authentication' } 3 { 'permission' } 4 { 'not_found' }
        5 { 'conflict' } 6 { 'rate_limited' } 7 { 'unsupported' } 8 { 'transport' } 9 { 'tls' }
        10 { 'timeout' } 11 { 'server' } 12 { 'protocol' } default { 'internal' }
    }
}
