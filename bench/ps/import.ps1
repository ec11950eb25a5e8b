#!/usr/bin/env pwsh
# bench/ps/import.ps1: one cold Import-Module, in the fresh pwsh this script runs in
# (tools/bench starts one process per run). Prints one JSON line on stdout.
#   -Mode module     Import-Module powershell/ApiKeys (the measured number), then the
#                    first call's extra cost (Connect-ApiKeyServer + Get-ApiKey -Id) when
#                    -SandboxFile is given.
#   -Mode baseline   Import-Module of a one-function module (Import-Module's own floor).
#   -Mode baseline_format  the same with a one-view format file (the first format update in a
#                    process has a fixed cost of its own).
#   -Mode breakdown  the steps of ApiKeys.psm1 one by one in a dynamic module, each timed:
#                    loading the runtime assembly, reading the layout, dot-sourcing the
#                    combined file (or the sources), the type table, the argument
#                    completers, the format data.
param(
    [ValidateSet('module', 'baseline', 'baseline_format', 'breakdown')][string]$Mode = 'module',
    [string]$SandboxFile
)
$ErrorActionPreference = 'Stop'
$root = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
$manifest = Join-Path $root 'powershell/ApiKeys/ApiKeys.psd1'
$ms = { param($sw) [Math]::Round($sw.Elapsed.TotalMilliseconds, 2) }
$started = [System.Diagnostics.Process]::GetCurrentProcess().StartTime
$sinceStart = [Math]::Round(([datetime]::Now - $started).TotalMilliseconds, 1)

switch ($Mode) {
    { $_ -in 'baseline', 'baseline_format' } {
        $which = if ($Mode -eq 'baseline') { 'Baseline/Baseline.psd1' } else { 'BaselineFormat/BaselineFormat.psd1' }
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        Import-Module (Join-Path $PSScriptRoot $which)
        $import = & $ms $sw
        @{ mode = $Mode; import_ms = $import; process_age_ms = $sinceStart } | ConvertTo-Json -Compress
    }
    'module' {
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        Import-Module $manifest
        $import = & $ms $sw
        $first = $null
        if ($SandboxFile) {
            $line = Get-Content -LiteralPath $SandboxFile -TotalCount 1 | ConvertFrom-Json
            $sw.Restart()
            $s = Connect-ApiKeyServer -Uri $line.immich.baseUrl -ApiKey $line.immich.apiKey -Kind Immich -PassThru
            $null = Get-ApiKey -Id $line.immich.fixedKeyId -Server $s
            $first = & $ms $sw
        }
        @{ mode = $Mode; import_ms = $import; first_call_ms = $first; process_age_ms = $sinceStart } | ConvertTo-Json -Compress
    }
    'breakdown' {
        $moduleRoot = Split-Path $manifest
        $steps = [ordered]@{}
        $total = [System.Diagnostics.Stopwatch]::StartNew()
        $null = New-Module -Name ApiKeysBreakdown -ArgumentList $moduleRoot, $steps -ScriptBlock {
            param($ModuleRoot, $Steps)
            Set-StrictMode -Version 3.0
            $script:ModuleRoot = $ModuleRoot
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            if ($null -eq ('ApiKeys.Internal.Library' -as [type])) {
                $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($ModuleRoot, 'bin', 'ApiKeys.Runtime.dll'))
            }
            $Steps['load bin/ApiKeys.Runtime.dll (types, library binding)'] = [Math]::Round($sw.Elapsed.TotalMilliseconds, 2)
            $sw.Restart(); $layout = [ApiKeys.Internal.ModuleLayout]::Read($ModuleRoot)
            $Steps['ModuleLayout.Read (the sources; does bin/ApiKeys.Functions.ps1 match them?)'] = [Math]::Round($sw.Elapsed.TotalMilliseconds, 2)
            $sw.Restart()
            if ($layout.Combined) {
                . $layout.Combined
                $Steps["dot-source bin/ApiKeys.Functions.ps1 (the $($layout.Sources.Count) sources in one file)"] = [Math]::Round($sw.Elapsed.TotalMilliseconds, 2)
            }
            else {
                foreach ($file in $layout.Sources) { . $file }
                $Steps["dot-source the $($layout.Sources.Count) sources one by one (no matching combined file)"] = [Math]::Round($sw.Elapsed.TotalMilliseconds, 2)
            }
            $sw.Restart(); $script:Types = Initialize-ApiKeysTypes; $Steps['Initialize-ApiKeysTypes'] = [Math]::Round($sw.Elapsed.TotalMilliseconds, 2)
            if (Get-Command Register-ApiKeysArgumentCompleter -ErrorAction SilentlyContinue) {
                $sw.Restart(); Register-ApiKeysArgumentCompleter; $Steps['Register-ApiKeysArgumentCompleter'] = [Math]::Round($sw.Elapsed.TotalMilliseconds, 2)
            }
        }
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        foreach ($f in [System.IO.Directory]::GetFiles((Split-Path $manifest), '*.Format.ps1xml')) { Update-FormatData -AppendPath $f }
        $steps['Update-FormatData (Format.ps1xml; called on its own it costs more than through FormatsToProcess)'] = & $ms $sw
        @{ mode = $Mode; total_ms = & $ms $total; steps = $steps } | ConvertTo-Json -Compress
    }
}
