# Private/Native.ps1: the only door to libapikeys (docs/interfaces.md section 1).
#
# - Get-ApiKeysLibraryPath: $env:APIKEYS_LIBRARY, else the module's bin/<rid>/ copy.
# - Get-ApiKeysNative: emits the P/Invoke class once per process and library path
#   (TypeBuilder.DefinePInvokeMethod, no Add-Type) and keeps it in AppDomain data so that
#   re-importing the module reuses it.
# - Invoke-Native: one call = UTF-8 inputs, status, output JSON, error JSON -> ErrorRecord.
#   Every string the library returns is freed with apikeys_string_free.
# - New-ApiKeysErrorRecord: the error kind -> ErrorId + ErrorCategory table.

$script:NativeCacheKeyPrefix = 'ApiKeys.PowerShell.Native.v1:'
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

function New-ApiKeysPInvokeType {
    param([string]$LibraryPath)
    $ptrRef = [IntPtr].MakeByRefType()
    $u64Ref = [uint64].MakeByRefType()
    $b = [byte[]]
    $u = [uint64]
    $signatures = [ordered]@{
        apikeys_version                = @([IntPtr])
        apikeys_session_open           = @([int], $b, $u64Ref, $ptrRef)
        apikeys_session_close          = @([int], $u)
        apikeys_key_list               = @([int], $u, $b, $ptrRef, $ptrRef)
        apikeys_key_get                = @([int], $u, $b, $ptrRef, $ptrRef)
        apikeys_key_create             = @([int], $u, $b, $ptrRef, $ptrRef)
        apikeys_key_update             = @([int], $u, $b, $b, $ptrRef, $ptrRef)
        apikeys_key_delete             = @([int], $u, $b, $ptrRef)
        apikeys_key_delete_with_reason = @([int], $u, $b, $b, $ptrRef)
        apikeys_key_rotate             = @([int], $u, $b, $ptrRef, $ptrRef)
        apikeys_whoami                 = @([int], $u, $ptrRef, $ptrRef)
        apikeys_server_info            = @([int], $u, $ptrRef, $ptrRef)
        apikeys_catalog                = @([int], $u, $ptrRef, $ptrRef)
        apikeys_string_free            = @([void], [IntPtr])
    }
    $suffix = [System.BitConverter]::ToString(
        [System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes($LibraryPath))).Replace('-', '').Substring(0, 12)
    $asm = [System.Reflection.Emit.AssemblyBuilder]::DefineDynamicAssembly(
        [System.Reflection.AssemblyName]::new("ApiKeys.PowerShell.Native.$suffix"),
        [System.Reflection.Emit.AssemblyBuilderAccess]::Run)
    $mb = $asm.DefineDynamicModule("ApiKeys.PowerShell.Native.$suffix")
    $tb = $mb.DefineType("ApiKeys.Internal.NativeMethods_$suffix", 'Public, Class, Sealed, Abstract')
    foreach ($name in $signatures.Keys) {
        $sig = $signatures[$name]
        [type[]]$params = if ($sig.Count -gt 1) { $sig[1..($sig.Count - 1)] } else { @() }
        $m = $tb.DefinePInvokeMethod($name, $LibraryPath, $name,
            [System.Reflection.MethodAttributes]'Public, Static, PinvokeImpl, HideBySig',
            [System.Reflection.CallingConventions]::Standard, $sig[0], $params,
            [System.Runtime.InteropServices.CallingConvention]::Cdecl,
            [System.Runtime.InteropServices.CharSet]::Ansi)
        $m.SetImplementationFlags($m.GetMethodImplementationFlags() -bor [System.Reflection.MethodImplAttributes]::PreserveSig)
    }
    $tb.CreateType()
}

function Get-ApiKeysNative {
    # Returns the P/Invoke type for the library, emitting it on first use. Throws a
    # terminating error through $Cmdlet when the library file is missing.
    param([System.Management.Automation.PSCmdlet]$Cmdlet)
    if ($null -ne $script:Native) { return $script:Native }
    $path = Get-ApiKeysLibraryPath
    if (-not [System.IO.File]::Exists($path)) {
        $how = if ($env:APIKEYS_LIBRARY) { 'Check $env:APIKEYS_LIBRARY' } else { 'Build it with tools/build, or set $env:APIKEYS_LIBRARY to its path' }
        $er = [System.Management.Automation.ErrorRecord]::new(
            [System.IO.FileNotFoundException]::new("The ApiKeys native library was not found at '$path'. $how.", $path),
            'NativeLibraryNotFound', [System.Management.Automation.ErrorCategory]::NotInstalled, $path)
        if ($Cmdlet) { $Cmdlet.ThrowTerminatingError($er) }
        throw $er
    }
    $domain = [AppDomain]::CurrentDomain
    $key = $script:NativeCacheKeyPrefix + $path
    [System.Threading.Monitor]::Enter($domain)
    try {
        $type = $domain.GetData($key)
        if ($null -eq $type) {
            $type = New-ApiKeysPInvokeType -LibraryPath $path
            $domain.SetData($key, $type)
        }
    }
    finally { [System.Threading.Monitor]::Exit($domain) }
    $script:Native = $type
    $type
}

function Get-ApiKeysLibraryVersion {
    $n = Get-ApiKeysNative
    [System.Runtime.InteropServices.Marshal]::PtrToStringUTF8($n::apikeys_version())
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

function ConvertTo-NativeUtf8 {
    # string -> NUL-terminated UTF-8 bytes ($null stays $null: a NULL pointer)
    param([object]$Text)
    if ($null -eq $Text) { return $null }
    $Text = [string]$Text
    $bytes = [byte[]]::new([System.Text.Encoding]::UTF8.GetByteCount($Text) + 1)
    $null = [System.Text.Encoding]::UTF8.GetBytes($Text, 0, $Text.Length, $bytes, 0)
    , $bytes
}

function Invoke-Native {
    <#
    Calls one ABI function. Returns:
      session_open              -> [uint64] handle
      key_delete, session_close -> $true
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
    $out = [IntPtr]::Zero
    $err = [IntPtr]::Zero
    $outHandle = [uint64]0
    $idBytes = ConvertTo-NativeUtf8 $Id
    $jsonBytes = ConvertTo-NativeUtf8 $Json
    $reasonBytes = ConvertTo-NativeUtf8 $Reason
    $result = $null
    $errorJson = $null
    $started = [System.Diagnostics.Stopwatch]::GetTimestamp()
    try {
        $status = switch ($Operation) {
            'session_open' { $native::apikeys_session_open($jsonBytes, [ref]$outHandle, [ref]$err) }
            'session_close' { $native::apikeys_session_close($handle) }
            'key_list' { $native::apikeys_key_list($handle, $jsonBytes, [ref]$out, [ref]$err) }
            'key_get' { $native::apikeys_key_get($handle, $idBytes, [ref]$out, [ref]$err) }
            'key_create' { $native::apikeys_key_create($handle, $jsonBytes, [ref]$out, [ref]$err) }
            'key_update' { $native::apikeys_key_update($handle, $idBytes, $jsonBytes, [ref]$out, [ref]$err) }
            'key_delete' {
                if ($null -ne $reasonBytes) { $native::apikeys_key_delete_with_reason($handle, $idBytes, $reasonBytes, [ref]$err) }
                else { $native::apikeys_key_delete($handle, $idBytes, [ref]$err) }
            }
            'key_rotate' { $native::apikeys_key_rotate($handle, $idBytes, [ref]$out, [ref]$err) }
            'whoami' { $native::apikeys_whoami($handle, [ref]$out, [ref]$err) }
            'server_info' { $native::apikeys_server_info($handle, [ref]$out, [ref]$err) }
            'catalog' { $native::apikeys_catalog($handle, [ref]$out, [ref]$err) }
            default { throw "Invoke-Native: unknown operation '$Operation'" }
        }
        if ($status -eq 0) {
            $result = switch ($Operation) {
                'session_open' { $outHandle }
                'session_close' { $true }
                'key_delete' { $true }
                default { [System.Runtime.InteropServices.Marshal]::PtrToStringUTF8($out) }
            }
        }
        elseif ($err -ne [IntPtr]::Zero) {
            $errorJson = [System.Runtime.InteropServices.Marshal]::PtrToStringUTF8($err)
        }
    }
    catch [System.DllNotFoundException], [System.EntryPointNotFoundException], [System.BadImageFormatException] {
        $er = [System.Management.Automation.ErrorRecord]::new($_.Exception, 'NativeLibraryLoadFailed',
            [System.Management.Automation.ErrorCategory]::NotInstalled, (Get-ApiKeysLibraryPath))
        if ($Cmdlet) { $Cmdlet.ThrowTerminatingError($er) }
        throw $er
    }
    finally {
        if ($out -ne [IntPtr]::Zero) { $native::apikeys_string_free($out) }
        if ($err -ne [IntPtr]::Zero) { $native::apikeys_string_free($err) }
        # The config may hold a secret: zero our copies of the bytes.
        if ($null -ne $jsonBytes) { [Array]::Clear($jsonBytes, 0, $jsonBytes.Length) }
    }
    # Diagnostics: the operation, status and time only (never inputs or outputs: they may hold secrets).
    Write-Debug ("libapikeys {0}: status {1} in {2:n1} ms" -f $Operation, $status, (([System.Diagnostics.Stopwatch]::GetTimestamp() - $started) * 1000.0 / [System.Diagnostics.Stopwatch]::Frequency))
    if ($status -eq 0) { return $result }

    # Failure: status + error JSON -> ErrorRecord.
    $details = $null
    if ($errorJson) {
        try { $details = ConvertFrom-Json -InputObject $errorJson -AsHashtable -ErrorAction Stop } catch { $details = $null }
    }
    $kind = if ($details -and $details['kind']) { [string]$details['kind'] } else { Get-ApiKeysKindFromStatus $status }
    $message = if ($details -and $details['message']) { [string]$details['message'] } else { "libapikeys returned status $status." }
    if ($Messages -and $Messages.ContainsKey($kind)) { $message = $Messages[$kind] }
    elseif ($MessagePrefix) { $message = "${MessagePrefix}: $message" }
    $action = switch ($kind) {
        'authentication' { 'Check the API key or credentials, then connect again.' }
        'permission' { 'Use a key or account with the needed permission or role.' }
        'transport' { 'Check that the server is running and the URL is right.' }
        'tls' { 'Trust the server certificate (-CertificateAuthority) or check the host name.' }
        default { $null }
    }
    $er = New-ApiKeysErrorRecord -Kind $kind -Message $message -TargetObject $TargetObject -Details $details -RecommendedAction $action
    if ($ErrorRecord) { $ErrorRecord.Value = $er; return }
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
