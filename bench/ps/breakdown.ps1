#!/usr/bin/env pwsh
# bench/ps/breakdown.ps1: where the time of one `Get-IMAPIKey -Id` / `Get-ApiKey -Id` goes.
# callgrind cannot name JIT-compiled .NET code, so the PowerShell layer is profiled by timing
# its pieces one by one inside the module's own scope (same process, same session, same key),
# each as the median of many calls after warm-up. Prints one JSON document on stdout.
param(
    [Parameter(Mandatory)][string]$SandboxFile,
    [int]$Calls = 1500,
    [int]$Warmup = 200
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$root = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
$mod = Import-Module (Join-Path $root 'powershell/ApiKeys/ApiKeys.psd1') -PassThru
$line = Get-Content -LiteralPath $SandboxFile -TotalCount 1 | ConvertFrom-Json
Connect-Immich -BaseURL $line.immich.baseUrl -AccessToken $line.immich.apiKey
$srv = Connect-ApiKeyServer -Uri $line.immich.baseUrl -ApiKey $line.immich.apiKey -Kind Immich -PassThru

$result = & $mod {
    param($Id, $Srv, $Calls, $Warmup)
    $ErrorActionPreference = 'Stop'
    $session = $script:DefaultSession.Immich
    $native = Get-ApiKeysNative
    $handle = $session.Handle
    $idBytes = ConvertTo-NativeUtf8 $Id
    $json = Invoke-Native -Operation key_get -Session $session -Id $Id
    $type = $script:Types.IMAPIKey
    $opts = Get-ApiKeysJsonOptions

    function Test-EmptyAdvanced {
        # The same declaration as Get-IMAPIKey, with an empty body: PowerShell's own cost of
        # calling an advanced function and binding -Id to [guid[]].
        [CmdletBinding(DefaultParameterSetName = 'list')]
        param(
            [object]$Session,
            [Parameter(Mandatory, Position = 0, ParameterSetName = 'id', ValueFromPipeline, ValueFromPipelineByPropertyName)]
            [guid[]]$Id
        )
        begin {} process {} end {}
    }
    function Test-EmptySimple { param([string]$Id) }
    function Test-LeanGet {
        # What a lean command could cost: one advanced function, the P/Invoke call, the JSON
        # deserialised into the module's type, nothing else (no progress, no helper calls).
        [CmdletBinding()]
        param([Parameter(Mandatory, Position = 0)][guid]$Id)
        $o = [IntPtr]::Zero; $e = [IntPtr]::Zero
        $b = [System.Text.Encoding]::UTF8.GetBytes("$Id`0")
        if ($native::apikeys_key_get($handle, $b, [ref]$o, [ref]$e) -ne 0) { $native::apikeys_string_free($e); throw 'failed' }
        try { [System.Text.Json.JsonSerializer]::Deserialize([System.Runtime.InteropServices.Marshal]::PtrToStringUTF8($o), $type, $opts) }
        finally { $native::apikeys_string_free($o) }
    }

    $pieces = [ordered]@{
        'P/Invoke apikeys_key_get + PtrToStringUTF8 + string_free (pre-encoded id; the network call)' = {
            $o = [IntPtr]::Zero; $e = [IntPtr]::Zero
            $null = $native::apikeys_key_get($handle, $idBytes, [ref]$o, [ref]$e)
            $null = [System.Runtime.InteropServices.Marshal]::PtrToStringUTF8($o)
            $native::apikeys_string_free($o)
        }
        'Invoke-Native -Operation key_get (the module helper around the same call)' = { $null = Invoke-Native -Operation key_get -Session $session -Id $Id }
        'ConvertFrom-ApiKeysJson (System.Text.Json into the emitted type; no network)' = { $null = ConvertFrom-ApiKeysJson -Json $json -Type $type }
        'JsonSerializer.Deserialize called directly (no network)' = { $null = [System.Text.Json.JsonSerializer]::Deserialize($json, $type, $opts) }
        'Resolve-ImmichSession (+ Assert-ApiKeysSessionOpen)' = { $null = Resolve-ImmichSession -Cmdlet $null -Session $null }
        'New-/Step-/Complete-ApiKeysProgress' = { $p = New-ApiKeysProgress -Activity 'x'; Step-ApiKeysProgress $p 'y'; Complete-ApiKeysProgress $p }
        'ConvertTo-NativeUtf8 (the id to UTF-8 bytes)' = { $null = ConvertTo-NativeUtf8 $Id }
        'Write-Debug with a -f format (as Invoke-Native does per call)' = { Write-Debug ('libapikeys {0}: status {1} in {2:n1} ms' -f 'key_get', 0, 1.5) }
        'an empty advanced function with Get-IMAPIKey''s parameters' = { Test-EmptyAdvanced -Id $Id }
        'an empty simple function' = { Test-EmptySimple -Id $Id }
        'a lean advanced function: P/Invoke + System.Text.Json only (what a command could cost)' = { $null = Test-LeanGet -Id $Id }
        'Get-IMAPIKey -Id (the whole command)' = { $null = Get-IMAPIKey -Id $Id }
        'Get-ApiKey -Id -Server (the whole command)' = { $null = Get-ApiKey -Id $Id -Server $Srv }
    }
    $f = [System.Diagnostics.Stopwatch]::Frequency / 1e6
    $out = [ordered]@{}
    foreach ($name in $pieces.Keys) {
        $sb = $pieces[$name]
        for ($i = 0; $i -lt $Warmup; $i++) { . $sb }
        $t = [long[]]::new($Calls)
        for ($i = 0; $i -lt $Calls; $i++) {
            $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
            . $sb
            $t[$i] = [System.Diagnostics.Stopwatch]::GetTimestamp() - $t0
        }
        [Array]::Sort($t)
        $out[$name] = [Math]::Round($t[[int]($Calls / 2)] / $f, 1)
    }
    # The cost of the timing harness itself (dot-sourcing an empty script block).
    $empty = {}
    $t = [long[]]::new($Calls)
    for ($i = 0; $i -lt $Calls; $i++) { $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp(); . $empty; $t[$i] = [System.Diagnostics.Stopwatch]::GetTimestamp() - $t0 }
    [Array]::Sort($t)
    $out['(harness: dot-sourcing an empty script block)'] = [Math]::Round($t[[int]($Calls / 2)] / $f, 1)
    $out
} $line.immich.fixedKeyId $srv $Calls $Warmup

@{ calls = $Calls; median_us = $result } | ConvertTo-Json -Compress
