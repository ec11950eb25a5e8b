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
    $sid = [string]$Id
    $type = $script:Types.IMAPIKey
    $json = $native.Invoke('key_get', $handle, $sid, $null, $null, $null, 'Text').Value

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

    $pieces = [ordered]@{
        'Library.Invoke key_get, output as text (the network call, the UTF-16 copy)' = { $null = $native.Invoke('key_get', $handle, $sid, $null, $null, $null, 'Text') }
        'Library.Invoke key_get, output read in place into IMAPIKey (seven arguments)' = { $null = $native.Invoke('key_get', $handle, $sid, $null, $null, $type, 'Object') }
        'Library.Get: the same in three arguments (what the command calls)' = { $null = $native.Get($handle, $sid, $type) }
        'Invoke-Native -Operation key_get -Type (the module helper around the same call)' = { $null = Invoke-Native -Operation key_get -Session $session -Id $Id -Type $type }
        'ApiKeys.Internal.Json.Read of the text (no network)' = { $null = [ApiKeys.Internal.Json]::Read($json, $type, $false) }
        'Resolve-ImmichSession' = { $null = Resolve-ImmichSession -Cmdlet $null -Session $session }
        'ProgressState::new + Due() (per call)' = { $p = [ApiKeys.Internal.ProgressState]::new('x'); $null = $p.Due() }
        'Write-Debug with a -f format (Invoke-Native does it only when $DebugPreference asks)' = { Write-Debug ('libapikeys {0}: status {1} in {2:n1} ms' -f 'key_get', 0, 1.5) }
        'an empty advanced function with Get-IMAPIKey''s parameters' = { Test-EmptyAdvanced -Id $Id }
        'an empty simple function' = { Test-EmptySimple -Id $Id }
        'Get-IMAPIKey -Id (the whole command)' = { $null = Get-IMAPIKey -Id $Id }
        'Get-ApiKey -Id -Server (the whole command)' = { $null = Get-ApiKey -Id $Id -Server $Srv }
    }
    $f = [System.Diagnostics.Stopwatch]::Frequency / 1e6
    # Warm-up for every piece first, then the pieces interleaved in 10 rounds: the JIT keeps
    # tiering code up during the first thousands of calls, which would otherwise favour the
    # pieces timed last.
    $rounds = 10
    $per = [int][Math]::Ceiling($Calls / $rounds)
    $times = @{}
    foreach ($name in $pieces.Keys) {
        $sb = $pieces[$name]
        for ($i = 0; $i -lt $Warmup; $i++) { . $sb }
        $times[$name] = [System.Collections.Generic.List[long]]::new($per * $rounds)
    }
    for ($r = 0; $r -lt $rounds; $r++) {
        foreach ($name in $pieces.Keys) {
            $sb = $pieces[$name]
            $t = $times[$name]
            for ($i = 0; $i -lt $per; $i++) {
                $t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
                . $sb
                $t.Add([System.Diagnostics.Stopwatch]::GetTimestamp() - $t0)
            }
        }
    }
    $out = [ordered]@{}
    foreach ($name in $pieces.Keys) {
        $t = $times[$name].ToArray()
        [Array]::Sort($t)
        $out[$name] = [Math]::Round($t[[int]($t.Length / 2)] / $f, 1)
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
