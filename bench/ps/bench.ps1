#!/usr/bin/env pwsh
# bench/ps/bench.ps1: the PowerShell side of tools/bench (bench/README.md). One pwsh process
# measures, side by side against one sandbox: the ApiKeys commands, the Invoke-RestMethod ways
# of PSImmich and JIM's module, and one reused HttpClient + System.Text.Json (PureWays.psm1).
# Writes one JSON document to -OutFile.
#
#   dotnet tool run pwsh -- -NoProfile -File bench/ps/bench.ps1 -SandboxFile line.json -OutFile ps.json
param(
    [Parameter(Mandatory)][string]$SandboxFile,
    [Parameter(Mandatory)][string]$OutFile,
    [string]$Phases = 'percall,list,createdelete,parallel,rotate',
    [int]$Warmup = 300,
    [int]$Calls = 3000,
    [int]$Rounds = 10,
    [int]$Count = 1000,
    [int]$ListRuns = 5,
    [string]$Filter = 'seed-0001*',
    [int]$Throttle = 8
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version 3.0

$root = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
$manifest = Join-Path $root 'powershell/ApiKeys/ApiKeys.psd1'
$pure = Join-Path $PSScriptRoot 'PureWays.psm1'
Import-Module $manifest
Import-Module $pure
$phaseList = $Phases -split ','
$result = [ordered]@{ pwsh = $PSVersionTable.PSVersion.ToString(); dotnet = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription }

function Write-Step([string]$Text) { [Console]::Error.WriteLine("bench.ps1: $Text") }

# --- connect every way to both kinds -------------------------------------------------------
$line = Get-Content -LiteralPath $SandboxFile -TotalCount 1 | ConvertFrom-Json
$im = $line.immich
$jm = $line.jim
$imId = $im.fixedKeyId
$jimId = $jm.apiKeyId
Connect-Immich -BaseURL $im.baseUrl -AccessToken $im.apiKey
$null = Connect-JIM -Url $jm.baseUrl -ApiKey $jm.apiKey 6>$null
$imSrv = Connect-ApiKeyServer -Uri $im.baseUrl -ApiKey $im.apiKey -Kind Immich -PassThru
$jimSrv = Connect-ApiKeyServer -Uri $jm.baseUrl -ApiKey $jm.apiKey -Kind JIM -PassThru
$pimSession = Connect-PIM -BaseURL $im.baseUrl -AccessToken $im.apiKey -PassThru
Connect-PJIM -Url $jm.baseUrl -ApiKey $jm.apiKey
$hcIm = Connect-Hc -Kind immich -BaseUrl $im.baseUrl -ApiKey $im.apiKey
$hcJim = Connect-Hc -Kind jim -BaseUrl $jm.baseUrl -ApiKey $jm.apiKey
$srv = @{ immich = $imSrv; jim = $jimSrv }
$hc = @{ immich = $hcIm; jim = $hcJim }

function Get-Summary([long[]]$Ticks) {
    $f = [System.Diagnostics.Stopwatch]::Frequency / 1e6   # ticks per microsecond
    $s = [long[]]$Ticks.Clone()
    [Array]::Sort($s)
    $n = $s.Length
    $rank = { param($p) $s[[Math]::Max(1, [Math]::Min($n, [int][Math]::Ceiling($p / 100 * $n))) - 1] / $f }
    $sum = 0.0; foreach ($t in $s) { $sum += $t }
    [ordered]@{
        n         = $n
        min_us    = [Math]::Round($s[0] / $f, 2)
        median_us = [Math]::Round((& $rank 50), 2)
        mean_us   = [Math]::Round($sum / $n / $f, 2)
        p90_us    = [Math]::Round((& $rank 90), 2)
        p99_us    = [Math]::Round((& $rank 99), 2)
        max_us    = [Math]::Round($s[$n - 1] / $f, 2)
    }
}

function New-TimedLoop([string]$Code, [int]$N) {
    # The command is inlined in the loop (no script block call per sample); the loop itself
    # is measured as the 'harness' row.
    [scriptblock]::Create(@"
`$__t = [long[]]::new($N)
for (`$__i = 0; `$__i -lt $N; `$__i++) {
    `$__t0 = [System.Diagnostics.Stopwatch]::GetTimestamp()
    `$null = $Code
    `$__t[`$__i] = [System.Diagnostics.Stopwatch]::GetTimestamp() - `$__t0
}
, `$__t
"@)
}

function Get-Failure([string]$Label, $ErrorRecord) {
    # A way that fails is reported in the results (and on stderr); the suite goes on.
    Write-Step "FAILED: $Label`: $ErrorRecord"
    [ordered]@{ label = $Label; error = "$ErrorRecord" }
}

function Get-Ms([System.Diagnostics.Stopwatch]$Sw) { [Math]::Round($Sw.Elapsed.TotalMilliseconds, 2) }

# --- 1. per call: get one key by id ---------------------------------------------------------
if ('percall' -in $phaseList) {
    $layers = @(
        @{ kind = 'none'; way = 'harness'; label = 'empty timed loop (harness)'; code = '$null' }
        @{ kind = 'immich'; way = 'ps_family'; label = 'Get-IMAPIKey -Id'; code = 'Get-IMAPIKey -Id $imId' }
        @{ kind = 'immich'; way = 'ps_generic'; label = 'Get-ApiKey -Id'; code = 'Get-ApiKey -Id $imId -Server $imSrv' }
        @{ kind = 'immich'; way = 'irm'; label = 'Invoke-RestMethod, PSImmich way (validateToken + GET)'; code = 'Get-PIMAPIKey -Id $imId' }
        @{ kind = 'immich'; way = 'httpclient'; label = 'HttpClient + System.Text.Json'; code = 'Get-HcKey -Conn $hcIm -Id $imId' }
        @{ kind = 'jim'; way = 'ps_family'; label = 'Get-JIMApiKey -Id'; code = 'Get-JIMApiKey -Id $jimId' }
        @{ kind = 'jim'; way = 'ps_generic'; label = 'Get-ApiKey -Id'; code = 'Get-ApiKey -Id $jimId -Server $jimSrv' }
        @{ kind = 'jim'; way = 'irm'; label = 'Invoke-RestMethod, JIM module way (GET + PascalCase copy)'; code = 'Get-PJIMApiKey -Id $jimId' }
        @{ kind = 'jim'; way = 'httpclient'; label = 'HttpClient + System.Text.Json'; code = 'Get-HcKey -Conn $hcJim -Id $jimId' }
    )
    Write-Step "per call: $($layers.Count) layers, $Warmup warm-up + $Calls calls each in $Rounds rounds"
    $perRound = [int][Math]::Ceiling($Calls / $Rounds)
    $warm = @{}; $loop = @{}; $samples = @{}
    foreach ($l in $layers) {
        $key = "$($l.kind)/$($l.way)"
        $warm[$key] = New-TimedLoop $l.code $Warmup
        $loop[$key] = New-TimedLoop $l.code $perRound
        $samples[$key] = [System.Collections.Generic.List[long]]::new()
        $null = . $warm[$key]
    }
    for ($r = 0; $r -lt $Rounds; $r++) {
        foreach ($l in $layers) {
            $key = "$($l.kind)/$($l.way)"
            $samples[$key].AddRange([long[]](. $loop[$key]))
        }
    }
    $pc = [ordered]@{ warmup = $Warmup; calls = $perRound * $Rounds; rounds = $Rounds; layers = [ordered]@{} }
    foreach ($l in $layers) {
        $key = "$($l.kind)/$($l.way)"
        if (-not $pc.layers.Contains($l.kind)) { $pc.layers[$l.kind] = [ordered]@{} }
        $s = Get-Summary $samples[$key].ToArray()
        $s.label = $l.label
        $pc.layers[$l.kind][$l.way] = $s
    }
    $result.percall = $pc
}

# --- 2. bulk: list 10,000 keys and filter by a wildcard --------------------------------------
if ('list' -in $phaseList) {
    $variants = @(
        @{ kind = 'immich'; way = 'ps_generic'; label = "Get-ApiKey -Name '$Filter'"; code = { Get-ApiKey -Name $Filter -Server $imSrv } }
        @{ kind = 'immich'; way = 'ps_family'; label = "Get-IMAPIKey | Where-Object name -like '$Filter'"; code = { Get-IMAPIKey | Where-Object name -like $Filter } }
        @{ kind = 'immich'; way = 'irm'; label = 'PSImmich way | Where-Object name -like'; code = { Get-PIMAPIKey | Where-Object name -like $Filter } }
        @{ kind = 'immich'; way = 'httpclient'; label = 'HttpClient + STJ, .Where({ -like })'; code = { Get-HcKey -Conn $hcIm -Name $Filter } }
        @{ kind = 'jim'; way = 'ps_generic'; label = "Get-ApiKey -Name '$Filter'"; code = { Get-ApiKey -Name $Filter -Server $jimSrv } }
        @{ kind = 'jim'; way = 'ps_family'; label = "Get-JIMApiKey -Name '$Filter'"; code = { Get-JIMApiKey -Name $Filter } }
        @{ kind = 'jim'; way = 'irm'; label = 'JIM module way (-Name: list, PascalCase copy, -like)'; code = { Get-PJIMApiKey -Name $Filter } }
        @{ kind = 'jim'; way = 'httpclient'; label = 'HttpClient + STJ, .Where({ -like })'; code = { Get-HcKey -Conn $hcJim -Name $Filter } }
    )
    $out = [ordered]@{ immich = [ordered]@{}; jim = [ordered]@{} }
    foreach ($v in $variants) {
        Write-Step "list: $($v.kind) $($v.way)"
        try {
        $runs = [System.Collections.Generic.List[double]]::new()
        $matched = 0
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $matched = @(& $v.code).Count   # warm-up
        $first = Get-Ms $sw
        # A way that takes over 5 s per list is measured once: its warm-up run is the run.
        if ($first -gt 5000) { $runs.Add($first) }
        else {
            for ($i = 0; $i -lt $ListRuns; $i++) {
                [GC]::Collect()
                $sw.Restart()
                $matched = @(& $v.code).Count
                $runs.Add((Get-Ms $sw))
            }
        }
        $sorted = $runs.ToArray(); [Array]::Sort($sorted)
        $out[$v.kind][$v.way] = [ordered]@{ label = $v.label; median_ms = $sorted[[int][Math]::Floor($sorted.Length / 2)]; runs = $sorted; matched = $matched; first_ms = $first }
        }
        catch { $out[$v.kind][$v.way] = Get-Failure $v.label $_ }
    }
    $result.list = $out
}

function Get-CreatedId($o) {
    # The id of a created/rotated key, whatever the command's output shape.
    if ($o -is [string]) { return $o }
    $p = $o.PSObject.Properties
    if ($p['apiKey']) { return [string]$o.apiKey.id }
    if ($p['Key'] -and $o.Key -and $o.Key.PSObject.Properties['Id']) { return [string]$o.Key.Id }
    [string]$o.Id
}

# --- 3. create then delete N keys, one after the other ---------------------------------------
if ('createdelete' -in $phaseList) {
    $out = [ordered]@{ immich = [ordered]@{}; jim = [ordered]@{} }
    $tag = [guid]::NewGuid().ToString('N').Substring(0, 6)
    foreach ($kind in 'immich', 'jim') {
        $s = $srv[$kind]; $h = $hc[$kind]
        $ways = [ordered]@{
            ps_generic = @{
                label  = '$c = New-ApiKey each; $c.Key | Remove-ApiKey -Force'
                create = { param($n) New-ApiKey -Name $n -Server $s }
                delete = { param($objs) $objs.Key | Remove-ApiKey -Force }
            }
            ps_family  = if ($kind -eq 'immich') {
                @{
                    label  = 'New-IMAPIKey; Remove-IMAPIKey -Id ids -Force'
                    create = { param($n) New-IMAPIKey -Name $n -Permission all }
                    delete = { param($objs) Remove-IMAPIKey -Id @($objs | ForEach-Object { Get-CreatedId $_ }) -Force }
                }
            }
            else {
                @{
                    label  = 'New-JIMApiKey -PassThru; Remove-JIMApiKey -Id -Force each'
                    create = { param($n) New-JIMApiKey -Name $n -PassThru }
                    delete = { param($objs) foreach ($o in $objs) { Remove-JIMApiKey -Id (Get-CreatedId $o) -Force } }
                }
            }
            irm        = if ($kind -eq 'immich') {
                @{
                    label  = 'PSImmich way: New-IMAPIKey; Remove-IMAPIKey (validateToken before each)'
                    create = { param($n) New-PIMAPIKey -Name $n -Permission all }
                    delete = { param($objs) Remove-PIMAPIKey -Id @($objs | ForEach-Object { Get-CreatedId $_ }) -Confirm:$false }
                }
            }
            else {
                @{
                    label  = 'JIM module way: New-JIMApiKey -PassThru; Remove-JIMApiKey -Force (GET + DELETE)'
                    create = { param($n) New-PJIMApiKey -Name $n -PassThru }
                    delete = { param($objs) foreach ($o in $objs) { Remove-PJIMApiKey -Id (Get-CreatedId $o) -Force } }
                }
            }
            httpclient = @{
                label  = 'HttpClient + STJ: POST, then DELETE each'
                create = { param($n) New-HcKey -Conn $h -Name $n }
                delete = { param($objs) foreach ($o in $objs) { Remove-HcKey -Conn $h -Id $o } }
            }
        }
        foreach ($w in $ways.Keys) {
            Write-Step "create+delete $Count, sequential: $kind $w"
            try {
            $c = $ways[$w].create; $d = $ways[$w].delete
            # warm-up: 10 keys
            $tmp = for ($i = 0; $i -lt 10; $i++) { & $c "bench-w-$tag-$w-$i" }
            $null = & $d $tmp
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $objs = for ($i = 0; $i -lt $Count; $i++) { & $c "bench-s-$tag-$w-$i" }
            $createMs = Get-Ms $sw
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $null = & $d $objs
            $deleteMs = Get-Ms $sw
            $out[$kind][$w] = [ordered]@{ label = $ways[$w].label; count = @($objs).Count; create_ms = $createMs; delete_ms = $deleteMs; total_ms = [Math]::Round($createMs + $deleteMs, 2) }
            }
            catch { $out[$kind][$w] = Get-Failure $ways[$w].label $_ }
        }
    }
    $result.create_delete = $out
}

# --- 4. the same with ForEach-Object -Parallel over one session -------------------------------
if ('parallel' -in $phaseList) {
    $out = [ordered]@{ immich = [ordered]@{}; jim = [ordered]@{}; throttle = $Throttle }
    $tag = [guid]::NewGuid().ToString('N').Substring(0, 6)
    foreach ($kind in 'immich', 'jim') {
        $s = $srv[$kind]; $h = $hc[$kind]
        $names = 0..($Count - 1) | ForEach-Object { "bench-p-$tag-$kind-$_" }

        Write-Step "create+delete $Count, parallel: $kind ps_generic"
        try {
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $objs = $names | ForEach-Object -ThrottleLimit $Throttle -Parallel {
                if (-not (Get-Module ApiKeys)) { Import-Module $using:manifest }
                New-ApiKey -Name $_ -Server $using:s
            }
            $createMs = Get-Ms $sw; $sw.Restart()
            $objs.Key | ForEach-Object -ThrottleLimit $Throttle -Parallel {
                if (-not (Get-Module ApiKeys)) { Import-Module $using:manifest }
                Remove-ApiKey -InputObject $_ -Force
            }
            $deleteMs = Get-Ms $sw
            $out[$kind].ps_generic = [ordered]@{ label = 'New-ApiKey / Remove-ApiKey -Server $s in ForEach-Object -Parallel'; count = @($objs).Count; create_ms = $createMs; delete_ms = $deleteMs; total_ms = [Math]::Round($createMs + $deleteMs, 2) }
        }
        catch { $out[$kind].ps_generic = Get-Failure "parallel ps_generic" $_ }
        Write-Step "create+delete $Count, parallel: $kind irm"
        try {
            $names = 0..($Count - 1) | ForEach-Object { "bench-pi-$tag-$kind-$_" }
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            if ($kind -eq 'immich') {
                $objs = $names | ForEach-Object -ThrottleLimit $Throttle -Parallel {
                    if (-not (Get-Module PureWays)) { Import-Module $using:pure }
                    New-PIMAPIKey -Session $using:pimSession -Name $_ -Permission all
                }
                $ids = @($objs | ForEach-Object { $_.apiKey.id })
                $createMs = Get-Ms $sw; $sw.Restart()
                $ids | ForEach-Object -ThrottleLimit $Throttle -Parallel {
                    if (-not (Get-Module PureWays)) { Import-Module $using:pure }
                    Remove-PIMAPIKey -Session $using:pimSession -Id $_ -Confirm:$false
                }
            }
            else {
                $url = $jm.baseUrl; $key = $jm.apiKey
                $objs = $names | ForEach-Object -ThrottleLimit $Throttle -Parallel {
                    if (-not (Get-Module PureWays)) { Import-Module $using:pure; Connect-PJIM -Url $using:url -ApiKey $using:key }
                    New-PJIMApiKey -Name $_ -PassThru
                }
                $ids = @($objs | ForEach-Object { $_.Id })
                $createMs = Get-Ms $sw; $sw.Restart()
                $ids | ForEach-Object -ThrottleLimit $Throttle -Parallel {
                    if (-not (Get-Module PureWays)) { Import-Module $using:pure; Connect-PJIM -Url $using:url -ApiKey $using:key }
                    Remove-PJIMApiKey -Id $_ -Force
                }
            }
            $deleteMs = Get-Ms $sw
            $out[$kind].irm = [ordered]@{ label = 'Invoke-RestMethod way in ForEach-Object -Parallel'; count = $ids.Count; create_ms = $createMs; delete_ms = $deleteMs; total_ms = [Math]::Round($createMs + $deleteMs, 2) }
        }
        catch { $out[$kind].irm = Get-Failure "parallel irm" $_ }
        Write-Step "create+delete $Count, parallel: $kind httpclient"
        try {
            $names = 0..($Count - 1) | ForEach-Object { "bench-ph-$tag-$kind-$_" }
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $ids = @($names | ForEach-Object -ThrottleLimit $Throttle -Parallel {
                    if (-not (Get-Module PureWays)) { Import-Module $using:pure }
                    New-HcKey -Conn $using:h -Name $_
                })
            $createMs = Get-Ms $sw; $sw.Restart()
            $ids | ForEach-Object -ThrottleLimit $Throttle -Parallel {
                if (-not (Get-Module PureWays)) { Import-Module $using:pure }
                Remove-HcKey -Conn $using:h -Id $_
            }
            $deleteMs = Get-Ms $sw
            $out[$kind].httpclient = [ordered]@{ label = 'one shared HttpClient in ForEach-Object -Parallel'; count = $ids.Count; create_ms = $createMs; delete_ms = $deleteMs; total_ms = [Math]::Round($createMs + $deleteMs, 2) }
        }
        catch { $out[$kind].httpclient = Get-Failure "parallel httpclient" $_ }
    }
    $result.parallel = $out
}

# --- 5. rotate N keys -------------------------------------------------------------------------
if ('rotate' -in $phaseList) {
    $out = [ordered]@{ immich = [ordered]@{}; jim = [ordered]@{} }
    $tag = [guid]::NewGuid().ToString('N').Substring(0, 6)
    foreach ($kind in 'immich', 'jim') {
        $s = $srv[$kind]; $h = $hc[$kind]
        # The keys to rotate, made untimed; each way rotates the previous way's replacements.
        $ids = @(for ($i = 0; $i -lt $Count; $i++) { New-HcKey -Conn $h -Name "bench-r-$tag-$kind-$i" })
        $ways = [ordered]@{
            ps_generic = @{ label = 'Reset-ApiKey -Id ids -Force'; code = { param($ids) Reset-ApiKey -Id $ids -Server $s -Force } }
        }
        if ($kind -eq 'immich') {
            $ways.ps_family = @{ label = 'Reset-IMAPIKey -Id ids -Force'; code = { param($ids) Reset-IMAPIKey -Id $ids -Force } }
            $ways.irm = @{ label = 'PSImmich way: Get-IMAPIKey, New-IMAPIKey, Remove-IMAPIKey per key'; code = {
                    param($ids)
                    foreach ($id in $ids) {
                        $old = Get-PIMAPIKey -Id $id
                        $new = New-PIMAPIKey -Name $old.name -Permission $old.permissions
                        $null = Remove-PIMAPIKey -Id $id -Confirm:$false
                        $new.apiKey.id
                    }
                }
            }
        }
        else {
            $ways.irm = @{ label = 'JIM module way: Get-JIMApiKey, New-JIMApiKey -PassThru, Remove-JIMApiKey per key'; code = {
                    param($ids)
                    foreach ($id in $ids) {
                        $old = Get-PJIMApiKey -Id $id
                        $new = New-PJIMApiKey -Name $old.Name -RoleIds @($old.Roles | ForEach-Object Id) -PassThru
                        $null = Remove-PJIMApiKey -Id $id -Force
                        $new.Id
                    }
                }
            }
        }
        $ways.httpclient = @{ label = 'HttpClient + STJ: GET, POST, DELETE per key'; code = { param($ids) foreach ($id in $ids) { Reset-HcKey -Conn $h -Id $id } } }
        foreach ($w in $ways.Keys) {
            Write-Step "rotate $Count`: $kind $w"
            try {
            # warm-up on the first 10 keys
            $warmIds = @(& $ways[$w].code $ids[0..9] | ForEach-Object { Get-CreatedId $_ })
            $ids = @($warmIds) + @($ids[10..($ids.Count - 1)])
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $new = @(& $ways[$w].code $ids)
            $ms = Get-Ms $sw
            $ids = @($new | ForEach-Object { Get-CreatedId $_ })
            $out[$kind][$w] = [ordered]@{ label = $ways[$w].label; count = $ids.Count; total_ms = $ms }
            }
            catch { $out[$kind][$w] = Get-Failure $ways[$w].label $_ }
        }
        foreach ($id in $ids) { Remove-HcKey -Conn $h -Id $id }
    }
    $result.rotate = $out
}

$result | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $OutFile -Encoding utf8NoBOM
Write-Step "wrote $OutFile"
