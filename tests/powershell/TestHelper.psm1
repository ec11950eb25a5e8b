# TestHelper.psm1: shared helpers for the Pester tests of the ApiKeys module.
#
# - Import-ApiKeysForTest: imports powershell/ApiKeys (the library from the module's bin/<rid>/
#   as tools/build puts it, else target/release via $env:APIKEYS_LIBRARY).
# - Start-TestSandbox / Stop-TestSandbox: one sandbox process per test file (BeforeAll/AfterAll).
#   It prints one JSON start-up line (docs/interfaces.md section 2) and stops when stdin closes.
# - Get-SandboxRequest / Clear-SandboxRequest / Get-SandboxState / Set-SandboxFault: the
#   sandbox's control routes (request log, key count, fault injection); Get-SandboxKeyChange:
#   the logged requests that change keys (REST writes and TrueNAS api_key.* JSON-RPC calls).
# - Invoke-ChildPwsh: runs a script in a child pwsh with answers on standard input, to drive
#   real -Confirm prompts.
# - Invoke-InNewRunspace: runs a script in a fresh runspace and returns every stream.
Set-StrictMode -Version Latest

$script:RepoRoot = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
$script:ModuleManifest = Join-Path $script:RepoRoot 'powershell/ApiKeys/ApiKeys.psd1'
$script:SandboxDll = Join-Path $script:RepoRoot 'sandbox/bin/Release/net10.0/Sandbox.dll'

# Canary secrets: the sandbox seeds its admin keys with these values in the secrets tests.
$script:ImmichCanary = 'CanaryImmichSecretQ7' + ('x' * 23)
$script:JimCanary = 'jim_ak_' + ('c0ffee' * 10) + 'cafe'
$script:TrueNasCanary = '1-CanaryTrueNasSecretQ7' + ('z' * 43)

function Get-TestRepoRoot { $script:RepoRoot }
function Get-ApiKeysManifestPath { $script:ModuleManifest }
function Get-ImmichCanary { $script:ImmichCanary }
function Get-JimCanary { $script:JimCanary }
function Get-TrueNasCanary { $script:TrueNasCanary }

function Set-ApiKeysLibraryForTest {
    # The module looks in its bin/<rid>/ first; when the build has not copied the library there
    # (e.g. running one test file after cargo build), point it at target/release.
    if ($env:APIKEYS_LIBRARY) { return }
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
    $inModule = Join-Path $script:RepoRoot "powershell/ApiKeys/bin/linux-$arch/libapikeys.so"
    $built = Join-Path $script:RepoRoot 'target/release/libapikeys.so'
    if (-not (Test-Path $inModule) -and (Test-Path $built)) { $env:APIKEYS_LIBRARY = $built }
}

function Import-ApiKeysForTest {
    Set-ApiKeysLibraryForTest
    Import-Module $script:ModuleManifest -Force -Global
}

function Get-ChildPwshCommand {
    # The running pwsh (a .NET tool run by dotnet): returns file name + leading arguments.
    $exe = [Environment]::ProcessPath
    if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') {
        return @($exe, (Join-Path $PSHOME 'pwsh.dll'))
    }
    @($exe)
}

function Start-TestSandbox {
    param(
        [ValidateSet('all', 'immich', 'jim', 'truenas')]
        [string]$Kind = 'all',
        [string]$ImmichVersion,
        [string]$ImmichKey,
        [string]$JimKey,
        [int]$SeedKeys,
        [int]$LatencyMs,
        [switch]$Https,
        [ValidateSet('13.3', '24.10', '25.04', '25.10', '26')]
        [string]$TrueNasVersion,
        [string]$TrueNasKey,
        [switch]$TreatAsRemote
    )
    # tools/test sets $env:APIKEYS_TEST_CANARY: the admin keys of every sandbox are made from it
    # and tools/test then scans all output for it (a secret used throughout must never show).
    if ($env:APIKEYS_TEST_CANARY -match '^[0-9a-f]{32}$') {
        if (-not $ImmichKey) { $ImmichKey = "canary$($env:APIKEYS_TEST_CANARY)" }
        if (-not $JimKey) { $JimKey = "jim_ak_$($env:APIKEYS_TEST_CANARY)$($env:APIKEYS_TEST_CANARY)" }
    }
    # $env:APIKEYS_TEST_SANDBOX_CMD (e.g. "dotnet /other/Sandbox.dll") runs another sandbox build.
    $command = if ($env:APIKEYS_TEST_SANDBOX_CMD) { @($env:APIKEYS_TEST_SANDBOX_CMD -split ' ' | Where-Object { $_ }) } else { @('dotnet', $script:SandboxDll) }
    if (-not $env:APIKEYS_TEST_SANDBOX_CMD -and -not (Test-Path $script:SandboxDll)) {
        throw "The sandbox is not built: $script:SandboxDll is missing (run tools/build)."
    }
    $psi = [System.Diagnostics.ProcessStartInfo]::new($command[0])
    foreach ($a in @($command | Select-Object -Skip 1) + @('--port', '0', '--kind', $Kind)) { $psi.ArgumentList.Add($a) }
    if ($ImmichVersion) { $psi.ArgumentList.Add('--immich-version'); $psi.ArgumentList.Add($ImmichVersion) }
    if ($ImmichKey) { $psi.ArgumentList.Add('--immich-key'); $psi.ArgumentList.Add($ImmichKey) }
    if ($JimKey) { $psi.ArgumentList.Add('--jim-key'); $psi.ArgumentList.Add($JimKey) }
    if ($SeedKeys) { $psi.ArgumentList.Add('--seed-keys'); $psi.ArgumentList.Add("$SeedKeys") }
    if ($LatencyMs) { $psi.ArgumentList.Add('--latency-ms'); $psi.ArgumentList.Add("$LatencyMs") }
    if ($Https) { $psi.ArgumentList.Add('--https') }
    if ($TrueNasVersion) { $psi.ArgumentList.Add('--truenas-version'); $psi.ArgumentList.Add($TrueNasVersion) }
    if ($TrueNasKey) { $psi.ArgumentList.Add('--truenas-key'); $psi.ArgumentList.Add($TrueNasKey) }
    if ($TreatAsRemote) { $psi.ArgumentList.Add('--treat-as-remote') }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.Environment['DOTNET_CLI_TELEMETRY_OPTOUT'] = '1'
    $psi.Environment['DOTNET_NOLOGO'] = '1'
    $p = [System.Diagnostics.Process]::Start($psi)
    $errLog = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "apikeys-sandbox-$($p.Id).err.log")
    $errFile = [System.IO.File]::Create($errLog)
    $null = $p.StandardError.BaseStream.CopyToAsync($errFile)
    $lineTask = $p.StandardOutput.ReadLineAsync()
    if (-not $lineTask.Wait(60000) -or $null -eq $lineTask.Result) {
        try { $p.Kill($true) } catch { $null = $_ }
        throw "The sandbox printed no start-up line within 60 s (stderr: $errLog)."
    }
    $line = $lineTask.Result
    # Keep draining stdout so the sandbox never blocks on a full pipe.
    $null = $p.StandardOutput.BaseStream.CopyToAsync([System.IO.Stream]::Null)
    $info = $line | ConvertFrom-Json
    if (-not $info.ready) { throw "The sandbox did not report ready: $line" }
    [pscustomobject]@{
        Process = $p
        Info    = $info
        Immich  = $(if ($info.PSObject.Properties['immich']) { $info.immich } else { $null })
        Jim     = $(if ($info.PSObject.Properties['jim']) { $info.jim } else { $null })
        TrueNas = $(if ($info.PSObject.Properties['truenas']) { $info.truenas } else { $null })
        ErrLog  = $errLog
        ErrFile = $errFile
    }
}

function Stop-TestSandbox {
    param([object]$Sandbox)
    if ($null -eq $Sandbox) { return }
    $p = $Sandbox.Process
    try { $p.StandardInput.Close() } catch { $null = $_ }
    if (-not $p.WaitForExit(5000)) { try { $p.Kill($true) } catch { $null = $_ } ; $null = $p.WaitForExit(5000) }
    try { $Sandbox.ErrFile.Dispose() } catch { $null = $_ }
}

function Get-SandboxRequest {
    # The sandbox's request log for one kind's port: [{method, path, status}]
    param([Parameter(Mandatory)][string]$BaseUrl, [switch]$Changing)
    # Invoke-RestMethod returns a JSON array as one object: enumerate it.
    $log = @(Invoke-RestMethod -Uri "$BaseUrl/_sandbox/requests" -NoProxy -SkipCertificateCheck:($BaseUrl -like 'https:*') | ForEach-Object { $_ })
    if ($Changing) { $log = @($log | Where-Object { $_.method -in 'POST', 'PUT', 'PATCH', 'DELETE' }) }
    $log
}

function Clear-SandboxRequest {
    param([Parameter(Mandatory)][string]$BaseUrl)
    $null = Invoke-RestMethod -Method Delete -Uri "$BaseUrl/_sandbox/requests" -NoProxy -SkipCertificateCheck:($BaseUrl -like 'https:*')
}

function Get-SandboxState {
    param([Parameter(Mandatory)][string]$BaseUrl)
    Invoke-RestMethod -Uri "$BaseUrl/_sandbox/state" -NoProxy -SkipCertificateCheck:($BaseUrl -like 'https:*')
}

function Get-SandboxKeyChange {
    # The request-log entries that change keys: REST POST/PUT/PATCH/DELETE, and the TrueNAS
    # JSON-RPC calls api_key.create/update/delete (logged as method WS, path = the RPC method).
    param([Parameter(Mandatory)][string]$BaseUrl)
    @(Get-SandboxRequest $BaseUrl | Where-Object {
            $_.method -in 'POST', 'PUT', 'PATCH', 'DELETE' -or ($_.method -eq 'WS' -and $_.path -match '^api_key\.(create|update|delete)$')
        })
}

function New-SandboxJimExpiredKey {
    <#
    Test setup only: creates a JIM key that has already expired, straight through the JIM
    sandbox's API (the module refuses an expiry in the past). Returns the key id ([guid]).
    #>
    param([Parameter(Mandatory)][string]$BaseUrl, [Parameter(Mandatory)][string]$ApiKey, [Parameter(Mandatory)][string]$Name,
        [datetime]$ExpiresAt = [datetime]'2020-01-01T00:00:00Z')
    $body = @{ name = $Name; roleIds = @(); expiresAt = $ExpiresAt.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ') } | ConvertTo-Json -Compress
    $r = Invoke-RestMethod -Method Post -Uri "$BaseUrl/api/v1/apikeys" -Headers @{ 'X-API-Key' = $ApiKey } -ContentType 'application/json' -Body $body -NoProxy
    [guid]$r.id
}

function Set-SandboxFault {
    param([Parameter(Mandatory)][string]$BaseUrl, [hashtable]$Fault, [switch]$Clear)
    if ($Clear) { $null = Invoke-RestMethod -Method Delete -Uri "$BaseUrl/_sandbox/faults" -NoProxy; return }
    $null = Invoke-RestMethod -Method Post -Uri "$BaseUrl/_sandbox/faults" -NoProxy -ContentType 'application/json' -Body ($Fault | ConvertTo-Json -Compress)
}

function Start-TestTcpForwarder {
    <#
    Forwards TCP connections from a non-loopback address of this machine to 127.0.0.1:$Port, so
    that a client sees a host other than loopback while the sandbox (which listens on loopback
    only) answers. Returns @{ Host; Port; Stop } or $null when the machine has no non-loopback
    IPv4 address. Stop with Stop-TestTcpForwarder.
    #>
    param([Parameter(Mandatory)][int]$Port)
    $ip = [System.Net.NetworkInformation.NetworkInterface]::GetAllNetworkInterfaces() |
        Where-Object { $_.OperationalStatus -eq 'Up' } |
        ForEach-Object { $_.GetIPProperties().UnicastAddresses } |
        ForEach-Object Address |
        Where-Object { $_.AddressFamily -eq 'InterNetwork' -and -not [System.Net.IPAddress]::IsLoopback($_) } |
        Select-Object -First 1
    if (-not $ip) { return $null }
    $listener = [System.Net.Sockets.TcpListener]::new($ip, 0)
    $listener.Start()
    $cts = [System.Threading.CancellationTokenSource]::new()
    $clients = [System.Collections.Concurrent.ConcurrentBag[System.Net.Sockets.TcpClient]]::new()
    $ps = [powershell]::Create()
    $null = $ps.AddScript({
            param($Listener, $Port, $Token, $Clients)
            while (-not $Token.IsCancellationRequested) {
                try { $client = $Listener.AcceptTcpClientAsync($Token).AsTask().GetAwaiter().GetResult() } catch { break }
                $up = [System.Net.Sockets.TcpClient]::new()
                try { $up.Connect([System.Net.IPAddress]::Loopback, $Port) } catch { $client.Dispose(); continue }
                $Clients.Add($client); $Clients.Add($up)
                $a = $client.GetStream(); $b = $up.GetStream()
                $null = $a.CopyToAsync($b, $Token)
                $null = $b.CopyToAsync($a, $Token)
            }
        }).AddArgument($listener).AddArgument($Port).AddArgument($cts.Token).AddArgument($clients)
    $handle = $ps.BeginInvoke()
    [pscustomobject]@{
        Host = $ip.ToString(); Port = ([System.Net.IPEndPoint]$listener.LocalEndpoint).Port
        Listener = $listener; Cancel = $cts; Clients = $clients; PowerShell = $ps; Handle = $handle
    }
}

function Stop-TestTcpForwarder {
    param([object]$Forwarder)
    if ($null -eq $Forwarder) { return }
    $Forwarder.Cancel.Cancel()
    $Forwarder.Listener.Stop()
    foreach ($c in $Forwarder.Clients) { try { $c.Dispose() } catch { $null = $_ } }
    try { $null = $Forwarder.Handle.AsyncWaitHandle.WaitOne(5000) } catch { $null = $_ }
    $Forwarder.PowerShell.Dispose()
}

function Invoke-ChildPwsh {
    <#
    Runs $Script in a child pwsh with the ApiKeys module imported, $Answers written to its
    standard input (one per line, then stdin is closed), and $Environment set. Returns
    @{ ExitCode; Output (all text the child wrote); Result (the JSON after a 'RESULT:' line,
    parsed) }. The child shows real host prompts: PromptForChoice reads the answers.
    #>
    param(
        [Parameter(Mandatory)][string]$Script,
        [string[]]$Answers = @(),
        [hashtable]$Environment = @{},
        [switch]$NonInteractive,
        [switch]$NoImport,
        [int]$TimeoutSec = 120
    )
    Set-ApiKeysLibraryForTest
    $file = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "apikeys-child-$([guid]::NewGuid().ToString('n')).ps1")
    $import = if ($NoImport) { '' } else { "Import-Module '$($script:ModuleManifest)' -Force" }
    $prologue = @"
`$ErrorActionPreference = 'Stop'
$import
function Write-Result(`$Object) { 'RESULT:' + (ConvertTo-Json -InputObject `$Object -Compress -Depth 5) }
"@
    Set-Content -Path $file -Value ($prologue + "`n" + $Script) -Encoding utf8
    try {
        $cmd = @(Get-ChildPwshCommand)
        $psi = [System.Diagnostics.ProcessStartInfo]::new($cmd[0])
        foreach ($a in @($cmd | Select-Object -Skip 1)) { $psi.ArgumentList.Add($a) }
        $psi.ArgumentList.Add('-NoProfile')
        if ($NonInteractive) { $psi.ArgumentList.Add('-NonInteractive') }
        $psi.ArgumentList.Add('-File'); $psi.ArgumentList.Add($file)
        $psi.UseShellExecute = $false
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.WorkingDirectory = $script:RepoRoot
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
        if ($env:APIKEYS_LIBRARY) { $psi.Environment['APIKEYS_LIBRARY'] = $env:APIKEYS_LIBRARY }
        $psi.Environment['NO_COLOR'] = '1'
        $p = [System.Diagnostics.Process]::Start($psi)
        $stdout = $p.StandardOutput.ReadToEndAsync()
        $stderr = $p.StandardError.ReadToEndAsync()
        foreach ($a in $Answers) { $p.StandardInput.WriteLine($a) }
        $p.StandardInput.Close()
        if (-not $p.WaitForExit($TimeoutSec * 1000)) {
            $p.Kill($true)
            throw "The child pwsh did not finish within $TimeoutSec s."
        }
        $p.WaitForExit()
        $text = $stdout.Result + $stderr.Result
        $result = $null
        foreach ($line in ($stdout.Result -split "`r?`n")) {
            if ($line.StartsWith('RESULT:')) { $result = $line.Substring(7) | ConvertFrom-Json }
        }
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $text; Result = $result }
    }
    finally {
        Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue
    }
}

function Invoke-InNewRunspace {
    <#
    Runs $Script in a fresh runspace (ApiKeys imported there) with every preference stream on,
    and returns @{ Output; Error; Warning; Verbose; Debug; Information; Progress; Text } where
    Text is everything written to every stream, rendered as text (for secret scans).
    #>
    param([Parameter(Mandatory)][string]$Script, [hashtable]$Parameters = @{})
    Set-ApiKeysLibraryForTest
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript(@"
param([hashtable]`$P)
`$VerbosePreference = 'Continue'
`$DebugPreference = 'Continue'
`$InformationPreference = 'Continue'
`$WarningPreference = 'Continue'
`$ProgressPreference = 'Continue'
Import-Module '$($script:ModuleManifest)' -Force
"@ + "`n" + $Script).AddArgument($Parameters)
        $out = $ps.Invoke()
        $errors = @($ps.Streams.Error)
        $sb = [System.Text.StringBuilder]::new()
        $null = $sb.AppendLine((Get-ErrorText $errors))
        foreach ($r in $ps.Streams.Warning) { $null = $sb.AppendLine($r.Message) }
        foreach ($r in $ps.Streams.Verbose) { $null = $sb.AppendLine($r.Message) }
        foreach ($r in $ps.Streams.Debug) { $null = $sb.AppendLine($r.Message) }
        foreach ($r in $ps.Streams.Information) { $null = $sb.AppendLine([string]$r.MessageData) }
        foreach ($r in $ps.Streams.Progress) { $null = $sb.AppendLine("$($r.Activity) $($r.StatusDescription) $($r.CurrentOperation)") }
        [pscustomobject]@{
            Output      = @($out)
            Error       = $errors
            Warning     = @($ps.Streams.Warning)
            Verbose     = @($ps.Streams.Verbose)
            Debug       = @($ps.Streams.Debug)
            Information = @($ps.Streams.Information)
            Progress    = @($ps.Streams.Progress)
            StreamText  = $sb.ToString()
        }
    }
    finally {
        # Close that runspace's native sessions too (Remove-Module runs the module's OnRemove).
        $ps.Commands.Clear()
        $null = $ps.AddScript('Get-Module ApiKeys | Remove-Module -Force').Invoke()
        $ps.Dispose()
    }
}

function Get-ErrorText {
    # Everything an error record carries, as text: message, exception chain, target, details.
    param([object[]]$ErrorRecord)
    $sb = [System.Text.StringBuilder]::new()
    foreach ($e in $ErrorRecord) {
        if ($null -eq $e) { continue }
        $null = $sb.AppendLine($e.ToString()).AppendLine($e.Exception.ToString()).AppendLine([string]$e.TargetObject).AppendLine($e.FullyQualifiedErrorId)
        $null = $sb.AppendLine(($e | Format-List * -Force | Out-String -Width 4096))
        if ($e.ErrorDetails) { $null = $sb.AppendLine($e.ErrorDetails.Message).AppendLine($e.ErrorDetails.RecommendedAction) }
        foreach ($k in $e.Exception.Data.Keys) { $null = $sb.AppendLine("$k=$($e.Exception.Data[$k])") }
    }
    $sb.ToString()
}

function Get-ObjectText {
    # Everything an object shows when displayed or serialised: Format-List *, ToString, JSON.
    param([object[]]$InputObject)
    $sb = [System.Text.StringBuilder]::new()
    foreach ($o in $InputObject) {
        if ($null -eq $o) { continue }
        $null = $sb.AppendLine(($o | Format-List * -Force | Out-String -Width 4096))
        $null = $sb.AppendLine(($o | Out-String -Width 4096))
        $null = $sb.AppendLine([string]$o)
        try { $null = $sb.AppendLine((ConvertTo-Json -InputObject $o -Depth 4 -WarningAction SilentlyContinue)) } catch { $null = $_ }
    }
    $sb.ToString()
}

function New-TestName {
    param([string]$Prefix = 'test')
    "$Prefix-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
}

Export-ModuleMember -Function *
