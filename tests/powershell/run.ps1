#!/usr/bin/env pwsh
# tests/powershell/run.ps1: runs every Pester test of the PowerShell module and exits non-zero
# when a test fails. Pester's summary line ("Tests Passed: N, Failed: M, ...") is printed as usual.
#   dotnet tool run pwsh -- -NoProfile -NonInteractive -File tests/powershell/run.ps1 [-Path <file>] [-Output Detailed]
param(
    [string[]]$Path = @($PSScriptRoot),
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string]$Output = 'Normal',
    [string[]]$Tag,
    [string[]]$ExcludeTag
)
$ErrorActionPreference = 'Stop'
$root = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
$pester = Join-Path $root '.tools/psmodules/pester/5.7.1/tools/Pester.psd1'
if (-not (Test-Path $pester)) {
    Write-Host "Pester 5.7.1 is missing ($pester); running tools/setup."
    & (Join-Path $root 'tools/setup')
}
Import-Module $pester -Force

$config = New-PesterConfiguration
# -File passes 'a,b' as one string: split it.
$config.Run.Path = @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = $Output
if ($Tag) { $config.Filter.Tag = $Tag }
if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag }
$result = Invoke-Pester -Configuration $config
if ($null -eq $result -or $result.Result -ne 'Passed' -or $result.FailedCount -gt 0 -or $result.FailedBlocksCount -gt 0 -or $result.FailedContainersCount -gt 0) {
    exit 1
}
exit 0
