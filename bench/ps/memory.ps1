#!/usr/bin/env pwsh
# bench/ps/memory.ps1: peak memory growth of this (fresh) pwsh process while listing every key
# of one kind and keeping the result, one way per process (tools/bench). Prints one JSON line.
# Growth = the kernel's peak RSS mark (VmHWM, reset just before the list through
# /proc/self/clear_refs) minus the RSS just before, after a warm-up call and a full GC.
param(
    [Parameter(Mandatory)][string]$SandboxFile,
    [ValidateSet('immich', 'jim')][string]$Kind = 'immich',
    [ValidateSet('ps_generic', 'ps_family', 'irm', 'httpclient')][string]$Way = 'ps_generic'
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$root = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
Import-Module (Join-Path $root 'powershell/ApiKeys/ApiKeys.psd1')
Import-Module (Join-Path $PSScriptRoot 'PureWays.psm1')
$line = Get-Content -LiteralPath $SandboxFile -TotalCount 1 | ConvertFrom-Json
$t = $line.$Kind
$id = if ($Kind -eq 'immich') { $t.fixedKeyId } else { $t.apiKeyId }

function Get-StatusKb([string]$Field) {
    foreach ($l in [System.IO.File]::ReadAllLines('/proc/self/status')) {
        if ($l.StartsWith($Field)) { return [long]($l -split '\s+')[1] }
    }
    0
}

# Connect, and warm up the very path the list takes (one key by id).
switch ($Way) {
    'ps_generic' {
        $s = Connect-ApiKeyServer -Uri $t.baseUrl -ApiKey $t.apiKey -Kind $Kind -PassThru
        $null = Get-ApiKey -Id $id -Server $s
        $list = { Get-ApiKey -Server $s }
    }
    'ps_family' {
        if ($Kind -eq 'immich') {
            Connect-Immich -BaseURL $t.baseUrl -AccessToken $t.apiKey
            $null = Get-IMAPIKey -Id $id
            $list = { Get-IMAPIKey }
        }
        else {
            $null = Connect-JIM -Url $t.baseUrl -ApiKey $t.apiKey 6>$null
            $null = Get-JIMApiKey -Id $id
            $list = { Get-JIMApiKey }
        }
    }
    'irm' {
        if ($Kind -eq 'immich') {
            Connect-PIM -BaseURL $t.baseUrl -AccessToken $t.apiKey
            $null = Get-PIMAPIKey -Id $id
            $list = { Get-PIMAPIKey }
        }
        else {
            Connect-PJIM -Url $t.baseUrl -ApiKey $t.apiKey
            $null = Get-PJIMApiKey -Id $id
            $list = { Get-PJIMApiKey }
        }
    }
    'httpclient' {
        $h = Connect-Hc -Kind $Kind -BaseUrl $t.baseUrl -ApiKey $t.apiKey
        $null = Get-HcKey -Conn $h -Id $id
        $list = { Get-HcKey -Conn $h }
    }
}
[GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
$managedBefore = [GC]::GetTotalMemory($true)
$before = Get-StatusKb 'VmRSS:'
$reset = $true
try { [System.IO.File]::WriteAllText('/proc/self/clear_refs', '5') } catch { $reset = $false }
$sw = [System.Diagnostics.Stopwatch]::StartNew()
$keys = @(& $list)
$ms = [Math]::Round($sw.Elapsed.TotalMilliseconds, 1)
$peak = Get-StatusKb 'VmHWM:'
$after = Get-StatusKb 'VmRSS:'
$managedAfter = [GC]::GetTotalMemory($true)
@{
    layer = $Way; kind = $Kind; keys = $keys.Count; ms = $ms; peak_reset = $reset
    rss_before_kb = $before; peak_kb = $peak; rss_after_kb = $after
    growth_bytes = ($peak - $before) * 1024
    managed_retained_bytes = $managedAfter - $managedBefore
} | ConvertTo-Json -Compress
