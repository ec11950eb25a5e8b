Set-StrictMode -Version Latest

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $sb = Start-TestSandbox -Kind all
    $immichUrl = $sb.Immich.baseUrl
    $jimUrl = $sb.Jim.baseUrl
    $immichCred = [pscredential]::new($sb.Immich.email, (ConvertTo-SecureString $sb.Immich.password -AsPlainText -Force))
}

AfterAll {
    Get-Module ApiKeys | Remove-Module -Force
    Stop-TestSandbox $sb
}

Describe 'Pipelines over 200 keys; one failing item does not stop the rest' {
    It 'Get-JIMApiKey | Where-Object {...} | Set-JIMApiKey -Disable: 199 disabled, 1 error for the key deleted meanwhile' {
        Connect-JIM -Url $jimUrl -ApiKey $sb.Jim.apiKey | Out-Null
        $other = Connect-ApiKeyServer -Uri $jimUrl -ApiKey $sb.Jim.apiKey -PassThru
        $created = 1..200 | ForEach-Object { New-ApiKey -Name ('bulk-{0:d3}' -f $_) -Server $other }
        $victim = $created[57].Id
        # The filter deletes one key (through another session) just before it reaches Set-JIMApiKey.
        $sabotage = { param($k) if ("$($k.Id)" -eq $victim) { Remove-ApiKey -Id $victim -Server $other -Force }; $true }

        Get-JIMApiKey | Where-Object { $_.Name -like 'bulk-*' -and (& $sabotage $_) } | Set-JIMApiKey -Disable -ErrorVariable ev -ErrorAction SilentlyContinue

        $ev.Count | Should -Be 1
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($ev[0].TargetObject)" | Should -Be $victim
        $after = @(Get-JIMApiKey -Name 'bulk-*')
        $after.Count | Should -Be 199
        @($after | Where-Object IsEnabled).Count | Should -Be 0
        (Get-JIMApiKey -Id $sb.Jim.apiKeyId).IsEnabled | Should -BeTrue
    }

    It 'Get-IMAPIKey | Remove-IMAPIKey -Confirm:$false: every key but the failing one is removed' {
        # A password session: removing every API key does not cut our own access.
        Connect-Immich -BaseURL $immichUrl -Credential $immichCred
        $created = 1..200 | ForEach-Object { (New-IMAPIKey -Name ('bulk-{0:d3}' -f $_) -Permission 'asset.read').apiKey }
        $victim = $created[123].id
        # The server fails every attempt to delete this one key (503, more often than the retries).
        Set-SandboxFault $immichUrl @{ status503 = 10; match = "/api/api-keys/$victim" }
        try {
            Get-IMAPIKey | Remove-IMAPIKey -Confirm:$false -ErrorVariable ev -ErrorAction SilentlyContinue
        }
        finally { Set-SandboxFault $immichUrl -Clear }

        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -Be 'ServerError,Remove-IMAPIKey'
        $ev[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $ev[0].TargetObject | Should -Be $victim
        @(Get-IMAPIKey).id | Should -Be @($victim)
    }

    It 'shows progress while long work goes on and completes it at the end' {
        # 30 deletes of 40 ms each (sandbox latency) take over a second: progress starts after
        # a quarter of a second and then updates every 200 ms.
        Set-SandboxFault $immichUrl @{ latencyMs = 40; method = 'DELETE' }
        try {
            $r = Invoke-InNewRunspace -Parameters @{ Url = $immichUrl; Cred = $immichCred } -Script @'
Connect-Immich -BaseURL $P.Url -Credential $P.Cred
$ids = 1..30 | ForEach-Object { (New-IMAPIKey -Name "progress-$_" -Permission 'asset.read').apiKey.id }
$ids | Remove-IMAPIKey -Force
'@
        }
        finally { Set-SandboxFault $immichUrl -Clear }
        $r.Error.Count | Should -Be 0
        $records = @($r.Progress | Where-Object Activity -eq 'Removing Immich API keys')
        $records.Count | Should -BeGreaterOrEqual 3
        $records[0].StatusDescription | Should -Match '^\d+: [0-9a-f-]{36}$'
        [int]($records[0].StatusDescription -split ':')[0] | Should -BeGreaterThan 1
        $records[-1].RecordType | Should -Be 'Completed'
    }

    It 'shows no progress for quick work (a single call)' {
        $r = Invoke-InNewRunspace -Parameters @{ Url = $immichUrl; Cred = $immichCred } -Script @'
Connect-Immich -BaseURL $P.Url -Credential $P.Cred
$k = (New-IMAPIKey -Name 'progress-quick' -Permission 'asset.read').apiKey
Get-IMAPIKey -Id $k.id | Out-Null
Remove-IMAPIKey -Id $k.id -Force
'@
        $r.Error.Count | Should -Be 0
        @($r.Progress).Count | Should -Be 0
    }
}

Describe 'Bulk lists of 10,000 keys' {
    BeforeAll {
        $big = Start-TestSandbox -Kind all -SeedKeys 10000
    }
    AfterAll { Stop-TestSandbox $big }

    It 'Get-JIMApiKey returns 10,000+ typed keys quickly' {
        Connect-JIM -Url $big.Jim.baseUrl -ApiKey $big.Jim.apiKey | Out-Null
        $t = [System.Diagnostics.Stopwatch]::StartNew()
        $jimKeys = @(Get-JIMApiKey)
        $t.Stop()
        $jimKeys.Count | Should -BeGreaterOrEqual 10000
        $jimKeys[5000].PSObject.TypeNames[0] | Should -Be 'JIM.ApiKeyDto'
        $jimKeys[5000].CreatedAt.Kind | Should -Be 'Utc'
        Write-Host ("      Get-JIMApiKey, {0} keys: {1:n0} ms" -f $jimKeys.Count, $t.Elapsed.TotalMilliseconds)
        $t.Elapsed.TotalSeconds | Should -BeLessThan 10
    }

    It 'Get-IMAPIKey and Get-ApiKey return 10,000+ keys quickly' {
        Connect-Immich -BaseURL $big.Immich.baseUrl -AccessToken $big.Immich.apiKey
        $t1 = [System.Diagnostics.Stopwatch]::StartNew()
        $imKeys = @(Get-IMAPIKey)
        $t1.Stop()
        $imKeys.Count | Should -BeGreaterOrEqual 10000
        $x = Connect-ApiKeyServer -Uri $big.Immich.baseUrl -ApiKey $big.Immich.apiKey -PassThru
        $t2 = [System.Diagnostics.Stopwatch]::StartNew()
        $xKeys = @(Get-ApiKey -Server $x)
        $t2.Stop()
        $xKeys.Count | Should -Be $imKeys.Count
        $xKeys[9999].Server.Uri | Should -Be $big.Immich.baseUrl
        Write-Host ("      Get-IMAPIKey, {0} keys: {1:n0} ms; Get-ApiKey: {2:n0} ms" -f $imKeys.Count, $t1.Elapsed.TotalMilliseconds, $t2.Elapsed.TotalMilliseconds)
        $t1.Elapsed.TotalSeconds | Should -BeLessThan 10
        $t2.Elapsed.TotalSeconds | Should -BeLessThan 10
    }
}
