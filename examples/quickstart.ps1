#!/usr/bin/env pwsh
<#
.SYNOPSIS
A five-minute tour of the ApiKeys module: connect, create, list, rotate, find expiring keys, remove.

.DESCRIPTION
Runs against an Immich server and (optionally) a JIM server. tools/quickstart starts the
bundled sandbox and passes its start-up line in $env:APIKEYS_SANDBOX_INFO; you can also give
the URLs and keys yourself:

    pwsh examples/quickstart.ps1 -ImmichUrl http://127.0.0.1:2283 -ImmichApiKey <key> `
        -JimUrl http://127.0.0.1:5200 -JimApiKey <jim_ak_...>

or set APIKEYS_IMMICH_URL, APIKEYS_IMMICH_KEY, APIKEYS_JIM_URL, APIKEYS_JIM_KEY.
Everything it creates, it removes again.
#>
[CmdletBinding()]
param(
    [string]$ImmichUrl = $env:APIKEYS_IMMICH_URL,
    [string]$ImmichApiKey = $env:APIKEYS_IMMICH_KEY,
    [string]$JimUrl = $env:APIKEYS_JIM_URL,
    [string]$JimApiKey = $env:APIKEYS_JIM_KEY
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# Started by tools/quickstart? Then the sandbox's start-up line tells us where it runs.
if ($env:APIKEYS_SANDBOX_INFO) {
    $sandbox = $env:APIKEYS_SANDBOX_INFO | ConvertFrom-Json
    if (-not $ImmichUrl -and $sandbox.PSObject.Properties['immich']) { $ImmichUrl = $sandbox.immich.baseUrl; $ImmichApiKey = $sandbox.immich.apiKey }
    if (-not $JimUrl -and $sandbox.PSObject.Properties['jim']) { $JimUrl = $sandbox.jim.baseUrl; $JimApiKey = $sandbox.jim.apiKey }
}
if (-not $ImmichUrl -or -not $ImmichApiKey) {
    throw 'Give -ImmichUrl and -ImmichApiKey (or run tools/quickstart, which starts a sandbox for you).'
}

if (-not (Get-Module ApiKeys)) {
    Import-Module (Join-Path $PSScriptRoot '../powershell/ApiKeys/ApiKeys.psd1')
}

function Step([string]$Text) { Write-Host ''; Write-Host "== $Text" -ForegroundColor Cyan }

Step "1. Connect (the key is checked right away)"
$immich = Connect-ApiKeyServer -Uri $ImmichUrl -ApiKey $ImmichApiKey -PassThru
$servers = @($immich)
if ($JimUrl -and $JimApiKey) {
    $jim = Connect-ApiKeyServer -Uri $JimUrl -ApiKey $JimApiKey -PassThru
    $servers += $jim
}
Get-ApiKeyServer | Format-Table Kind, Uri, Version, AuthMethod | Out-Host

Step "2. Create a key with limited permissions"
$photoFrame = New-ApiKey -Name 'photo-frame (quickstart)' -Permission 'asset.read', 'asset.view' -Server $immich
Write-Host "Created '$($photoFrame.Name)' on $($immich.Kind) with permissions: $($photoFrame.Key.Permissions -join ', ')"
Write-Host "Its secret is shown only now, and comes back as a SecureString so it never lands on screen by accident."
Write-Host "Read it with:  `$photoFrame.Secret | ConvertFrom-SecureString -AsPlainText   (length: $((ConvertFrom-SecureString $photoFrame.Secret -AsPlainText).Length) characters)"
$created = @($photoFrame)
if ($servers.Count -gt 1) {
    $soon = New-ApiKey -Name 'nightly-report (quickstart)' -Description 'Expires soon' -ExpiresAt (Get-Date).AddDays(10) -Server $jim
    $later = New-ApiKey -Name 'ci-pipeline (quickstart)' -Description 'Expires later' -ExpiresAt (Get-Date).AddDays(90) -Server $jim
    Write-Host "Created '$($soon.Name)' (expires in 10 days) and '$($later.Name)' (expires in 90 days) on JIM."
    $created += $soon, $later
}

Step "3. List the keys on every server"
Get-ApiKey -Server $servers | Sort-Object Kind, Name | Format-Table Kind, Name, Enabled, ExpiresAt, @{ n = 'Permissions'; e = { $_.Permissions -join ', ' } } -AutoSize -Wrap | Out-Host

Step "4. Rotate the photo-frame key (new secret; the old key stops working)"
$rotated = Reset-ApiKey -Id $photoFrame.Id -Server $immich -Force
Write-Host "Old id: $($rotated.ReplacedId)"
Write-Host "New id: $($rotated.Id)  (same name and permissions: $($rotated.Key.Permissions -join ', '))"
$created = @($created | Where-Object Id -ne $photoFrame.Id) + $rotated

Step "5. Which keys expire within 30 days?"
$expiring = @(Get-ApiKey -ExpiringWithin (New-TimeSpan -Days 30) -Server $servers)
if ($expiring.Count) {
    $expiring | Format-Table Kind, Name, ExpiresAt | Out-Host
}
else {
    Write-Host 'None.'
}

Step "6. Clean up: remove what this tour created (-WhatIf first, to see what would go)"
$created | ForEach-Object { $_.Key } | Remove-ApiKey -WhatIf
$created | ForEach-Object { $_.Key } | Remove-ApiKey -Force
Write-Host "Removed $($created.Count) key(s)."
Disconnect-ApiKeyServer -All

Step 'Done. Next: Get-Help Get-ApiKey -Examples, or the Immich and JIM commands (Get-Command -Module ApiKeys).'
