Set-StrictMode -Version Latest

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $sb = Start-TestSandbox -Kind jim
    $url = $sb.Jim.baseUrl
    $key = $sb.Jim.apiKey
    Connect-JIM -Url $url -ApiKey $key | Out-Null

    # The seed's examples use this placeholder id; the tests put a real key's id in its place.
    $placeholder = 'a1b2c3d4-e5f6-7890-abcd-ef1234567890'
    function Invoke-SeedExample([string]$Code, [string]$Id) {
        if ($Id) { $Code = $Code.Replace($placeholder, $Id) }
        . ([scriptblock]::Create($Code))
    }
    function Test-About([Nullable[datetime]]$Actual, [datetime]$Expected) {
        $null -ne $Actual -and [Math]::Abs(($Actual - $Expected.ToUniversalTime()).TotalMinutes) -lt 5
    }
}

AfterAll {
    Get-Module ApiKeys | Remove-Module -Force
    Stop-TestSandbox $sb
}

Describe 'Seed 002 (JIM "API Keys" page): every example, verbatim' {
    It 'New-JIMApiKey example 1: a key with description, roles 1 and 3, expiring in 90 days' {
        $out = Invoke-SeedExample @'
New-JIMApiKey -Name "Monitoring Service" -Description "Read-only monitoring" `
-RoleIds @(1, 3) -ExpiresAt (Get-Date).AddDays(90)
'@ 3>$null
        $out | Should -BeNullOrEmpty -Because 'without -PassThru there is no output'
        $k = @(Get-JIMApiKey -Name 'Monitoring Service')
        $k.Count | Should -Be 1
        $k[0].Description | Should -Be 'Read-only monitoring'
        @($k[0].Roles.Id | Sort-Object) | Should -Be @(1, 3)
        Test-About $k[0].ExpiresAt (Get-Date).AddDays(90) | Should -BeTrue
        $k[0].IsEnabled | Should -BeTrue
    }

    It 'New-JIMApiKey example 2: -PassThru returns the full key value, once' {
        $out = @(Invoke-SeedExample @'
$key = New-JIMApiKey -Name "Deployment Automation" -PassThru
$key.Key # Full key value; store this securely
'@)
        $out.Count | Should -Be 1
        $out[0] | Should -Match '^jim_ak_[0-9a-f]{64}$'
        $k = Get-JIMApiKey -Name 'Deployment Automation'
        $out[0].Substring(0, 12) | Should -Be $k.KeyPrefix
        ($k | Get-Member -Name Key) | Should -BeNullOrEmpty -Because 'listed keys never carry the key value'
        $check = Connect-ApiKeyServer -Uri $url -Kind JIM -ApiKey $out[0] -PassThru -WarningAction SilentlyContinue
        $check.Connected | Should -BeTrue -Because 'the returned key works'
        Disconnect-ApiKeyServer -Server $check
    }

    It 'Set-JIMApiKey example 1: renames the key to "CI Pipeline v2"' {
        $k = New-JIMApiKey -Name (New-TestName 'ci') -Description 'kept' -RoleIds 1 -PassThru
        Invoke-SeedExample @'
Set-JIMApiKey -Id "a1b2c3d4-e5f6-7890-abcd-ef1234567890" -Name "CI Pipeline v2"
'@ -Id $k.Id
        $after = Get-JIMApiKey -Id $k.Id
        $after.Name | Should -Be 'CI Pipeline v2'
        $after.Description | Should -Be 'kept' -Because 'fields not given are kept (GET, merge, full PUT)'
        $after.Roles.Id | Should -Be @(1)
        $after.IsEnabled | Should -BeTrue
    }

    It 'Set-JIMApiKey example 2: enables the key and sets it to expire in 30 days' {
        $k = New-JIMApiKey -Name (New-TestName 'enable') -PassThru
        Set-JIMApiKey -Id $k.Id -Disable
        (Get-JIMApiKey -Id $k.Id).IsEnabled | Should -BeFalse
        Invoke-SeedExample @'
Set-JIMApiKey -Id "a1b2c3d4-e5f6-7890-abcd-ef1234567890" -Enable `
-ExpiresAt (Get-Date).AddDays(30)
'@ -Id $k.Id
        $after = Get-JIMApiKey -Id $k.Id
        $after.IsEnabled | Should -BeTrue
        Test-About $after.ExpiresAt (Get-Date).AddDays(30) | Should -BeTrue
    }

    It 'Set-JIMApiKey example 3: disables every expired key and only those' {
        # Expired keys straight through the sandbox's API: the module refuses an expiry in the past.
        $expired = 1..3 | ForEach-Object { [pscustomobject]@{ Id = New-SandboxJimExpiredKey -BaseUrl $url -ApiKey $key -Name (New-TestName 'expired') } }
        $valid = 1..2 | ForEach-Object { New-JIMApiKey -Name (New-TestName 'valid') -ExpiresAt (Get-Date).AddYears(1) -PassThru }
        $never = New-JIMApiKey -Name (New-TestName 'never') -PassThru
        Invoke-SeedExample @'
Get-JIMApiKey | Where-Object { $_.ExpiresAt -and $_.ExpiresAt -lt (Get-Date) } |
Set-JIMApiKey -Disable
'@
        foreach ($k in $expired) { (Get-JIMApiKey -Id $k.Id).IsEnabled | Should -BeFalse }
        foreach ($k in @($valid) + $never) { (Get-JIMApiKey -Id $k.Id).IsEnabled | Should -BeTrue }
        Test-JIMConnection -Quiet | Should -BeTrue -Because 'the admin key has no expiry and stays enabled'
    }

    It 'Remove-JIMApiKey example: deletes the temp-* keys without prompting, and only those' {
        $temp = 1..3 | ForEach-Object { New-JIMApiKey -Name (New-TestName 'temp') -PassThru }
        $keep = New-JIMApiKey -Name (New-TestName 'keep') -PassThru
        Invoke-SeedExample @'
Get-JIMApiKey | Where-Object { $_.Name -like "temp-*" } | Remove-JIMApiKey -Force
'@
        $ids = (Get-JIMApiKey).Id
        foreach ($k in $temp) { $ids | Should -Not -Contain $k.Id }
        $ids | Should -Contain $keep.Id
    }

    It 'has the documented syntax and parameter sets' {
        (Get-Command New-JIMApiKey -Syntax).Trim() | Should -BeLike 'New-JIMApiKey `[-Name`] <string> *`[-PassThru`] `[-WhatIf`] `[-Confirm`]*'
        $set = Get-Command Set-JIMApiKey
        foreach ($p in 'Id', 'Name', 'Description', 'RoleIds', 'ExpiresAt', 'Enable', 'Disable', 'ChangeReason', 'PassThru') { $set.Parameters.Keys | Should -Contain $p }
        $set.Parameters['ExpiresAt'].ParameterType | Should -Be ([Nullable[datetime]])
        $rm = Get-Command Remove-JIMApiKey
        $rm.DefaultParameterSet | Should -Be 'ById'
        @($rm.ParameterSets.Name | Sort-Object) | Should -Be @('ById', 'ByInputObject')
    }
}

Describe 'JIM cmdlet metadata (as JIM''s own ApiKeys.Tests.ps1 checks it)' {
    It 'Get-JIMApiKey: default set List, set ById with a pipeline-bindable Guid -Id, wildcard -Name' {
        $c = Get-Command Get-JIMApiKey
        $c.DefaultParameterSet | Should -Be 'List'
        $c.Parameters['Id'].ParameterType | Should -Be ([guid])
        $c.Parameters['Id'].ParameterSets['ById'].ValueFromPipelineByPropertyName | Should -BeTrue
        $c.Parameters['Id'].ParameterSets['ById'].IsMandatory | Should -BeTrue
        $c.Parameters['Name'].Attributes.Where({ $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count | Should -Be 1
    }

    It 'New-JIMApiKey: mandatory Name at position 0, RoleIds int[], switch PassThru' {
        $c = Get-Command New-JIMApiKey
        $c.Parameters['Name'].ParameterSets['__AllParameterSets'].IsMandatory | Should -BeTrue
        $c.Parameters['Name'].ParameterSets['__AllParameterSets'].Position | Should -Be 0
        $c.Parameters['RoleIds'].ParameterType | Should -Be ([int[]])
        $c.Parameters['PassThru'].SwitchParameter | Should -BeTrue
    }

    It 'Remove-JIMApiKey: High impact, -InputObject from the pipeline, -Force and -PassThru switches' {
        $c = Get-Command Remove-JIMApiKey
        ($c.ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }).ConfirmImpact | Should -Be 'High'
        $c.Parameters['InputObject'].ParameterSets['ByInputObject'].ValueFromPipeline | Should -BeTrue
        $c.Parameters['Force'].SwitchParameter | Should -BeTrue
        $c.Parameters['PassThru'].SwitchParameter | Should -BeTrue
    }
}

Describe 'Get-JIMApiKey' {
    It 'lists keys as JIM.ApiKeyDto with JIM''s PascalCase properties, UTC dates and GUID ids' {
        $all = @(Get-JIMApiKey)
        $admin = $all | Where-Object Id -eq ([guid]$sb.Jim.apiKeyId)
        $admin | Should -Not -BeNullOrEmpty
        $admin.PSObject.TypeNames[0] | Should -Be 'JIM.ApiKeyDto'
        @($admin.PSObject.Properties.Name) | Should -Be @('Id', 'Name', 'Description', 'KeyPrefix', 'CreatedAt', 'ExpiresAt', 'LastUsedAt', 'LastUsedFromIp', 'IsEnabled', 'Roles')
        $admin.Id | Should -BeOfType [guid]
        $admin.CreatedAt | Should -BeOfType [datetime]
        $admin.CreatedAt.Kind | Should -Be 'Utc'
        $admin.KeyPrefix | Should -Be $key.Substring(0, 12)
        $admin.Roles[0].PSObject.TypeNames[0] | Should -Be 'JIM.RoleDto'
        $admin.LastUsedAt | Should -Not -BeNullOrEmpty -Because 'the key was used to connect'
    }

    It 'filters with a wildcard -Name, case-insensitively' {
        $n = New-TestName 'WildCard'
        $null = New-JIMApiKey -Name $n -PassThru
        (Get-JIMApiKey -Name 'wildcard-*').Name | Should -Contain $n
        @(Get-JIMApiKey -Name 'no-such-key-*').Count | Should -Be 0
    }

    It 'gets by -Id and by Id property from the pipeline' {
        $k = New-JIMApiKey -Name (New-TestName 'byid') -PassThru
        (Get-JIMApiKey -Id $k.Id).Name | Should -Be $k.Name
        ([pscustomobject]@{ Id = "$($k.Id)" } | Get-JIMApiKey).Name | Should -Be $k.Name
    }

    It 'reports an unknown id as "API Key not found: (id)", ObjectNotFound, non-terminating' {
        $id = [guid]::NewGuid()
        Get-JIMApiKey -Id $id -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].Exception.Message | Should -Be "API Key not found: $id"
        $ev[0].FullyQualifiedErrorId | Should -Be 'ApiKeyNotFound,Get-JIMApiKey'
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].TargetObject | Should -Be $id
    }
}

Describe 'New-JIMApiKey' {
    It 'warns, without the key value, when -PassThru is missing, and writes nothing to the pipeline' {
        $n = New-TestName 'no-passthru'
        $out = New-JIMApiKey -Name $n -WarningVariable wv -WarningAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $wv.Count | Should -Be 1
        $wv[0].Message | Should -BeLike "*'$n'*-PassThru*"
        $wv[0].Message | Should -Not -Match 'jim_ak_[0-9a-f]{64}'
        (Get-JIMApiKey -Name $n).Name | Should -Be $n
    }

    It 'returns JIM.ApiKeyCreateResponseDto with Key first, then the key''s properties' {
        $k = New-JIMApiKey -Name (New-TestName 'shape') -Description 'd' -RoleIds 1, 2 -ChangeReason 'test' -PassThru
        $k.PSObject.TypeNames[0] | Should -Be 'JIM.ApiKeyCreateResponseDto'
        $k.PSObject.TypeNames | Should -Contain 'JIM.ApiKeyDto'
        @($k.PSObject.Properties.Name)[0] | Should -Be 'Key'
        $k.Key.Length | Should -Be 71
        $k.Description | Should -Be 'd'
        @($k.Roles.Id | Sort-Object) | Should -Be @(1, 2)
        $k.ExpiresAt | Should -BeNullOrEmpty
    }

    It 'binds -Name and -Description by position' {
        $n = New-TestName 'positional'
        $k = New-JIMApiKey $n 'by position' -PassThru
        $k.Name | Should -Be $n
        $k.Description | Should -Be 'by position'
    }

    It 'reports a bad role id as a non-terminating "Failed to create API Key" error' {
        New-JIMApiKey -Name (New-TestName 'bad-role') -RoleIds 99 -PassThru -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].Exception.Message | Should -BeLike 'Failed to create API Key: *'
    }
}

Describe 'Set-JIMApiKey' {
    It 'refuses -Enable together with -Disable' {
        $k = New-JIMApiKey -Name (New-TestName 'both') -PassThru
        Set-JIMApiKey -Id $k.Id -Enable -Disable -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].Exception.Message | Should -Be 'Cannot specify both -Enable and -Disable'
        $ev[0].FullyQualifiedErrorId | Should -Be 'EnableDisableConflict,Set-JIMApiKey'
    }

    It 'removes the expiry with -ExpiresAt $null and replaces roles with -RoleIds' {
        $k = New-JIMApiKey -Name (New-TestName 'expiry') -RoleIds 1, 2 -ExpiresAt (Get-Date).AddDays(5) -PassThru
        $r = Set-JIMApiKey -Id $k.Id -ExpiresAt $null -RoleIds 3 -PassThru
        $r.ExpiresAt | Should -BeNullOrEmpty
        $r.Roles.Id | Should -Be @(3)
        $r.PSObject.TypeNames[0] | Should -Be 'JIM.ApiKeyDto'
        (Get-JIMApiKey -Id $k.Id).ExpiresAt | Should -BeNullOrEmpty
    }

    It 'keeps everything it is not told to change' {
        $exp = (Get-Date).AddDays(10)
        $k = New-JIMApiKey -Name (New-TestName 'keep') -Description 'desc' -RoleIds 2 -ExpiresAt $exp -PassThru
        Set-JIMApiKey -Id $k.Id -Description 'new desc' -ChangeReason 'testing'
        $after = Get-JIMApiKey -Id $k.Id
        $after.Description | Should -Be 'new desc'
        $after.Name | Should -Be $k.Name
        $after.Roles.Id | Should -Be @(2)
        Test-About $after.ExpiresAt $exp | Should -BeTrue
    }

    It 'binds -Id and -Name by position' {
        $k = New-JIMApiKey -Name (New-TestName 'pos') -PassThru
        Set-JIMApiKey $k.Id 'renamed by position'
        (Get-JIMApiKey -Id $k.Id).Name | Should -Be 'renamed by position'
    }
}

Describe 'Remove-JIMApiKey' {
    It 'deletes by -Id and -PassThru returns the key as it was before deletion' {
        $k = New-JIMApiKey -Name (New-TestName 'remove') -Description 'gone soon' -PassThru
        $r = Remove-JIMApiKey -Id $k.Id -Force -ChangeReason 'test cleanup' -PassThru
        $r.Id | Should -Be $k.Id
        $r.Description | Should -Be 'gone soon'
        (Get-JIMApiKey).Id | Should -Not -Contain $k.Id
    }

    It 'deletes -InputObject keys from the pipeline' {
        $k = New-JIMApiKey -Name (New-TestName 'remove-obj') -PassThru
        Get-JIMApiKey -Id $k.Id | Remove-JIMApiKey -Force
        (Get-JIMApiKey).Id | Should -Not -Contain $k.Id
        $k2 = New-JIMApiKey -Name (New-TestName 'remove-obj2') -PassThru
        Remove-JIMApiKey -InputObject (Get-JIMApiKey -Id $k2.Id) -Force
        (Get-JIMApiKey).Id | Should -Not -Contain $k2.Id
    }

    It 'reports an unknown id as "API Key not found: (id)"' {
        $id = [guid]::NewGuid()
        Remove-JIMApiKey -Id $id -Force -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].Exception.Message | Should -Be "API Key not found: $id"
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].TargetObject | Should -Be $id
    }

    It 'refuses an -InputObject without an Id' {
        Remove-JIMApiKey -InputObject ([pscustomobject]@{ Name = 'no id' }) -Force -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -Be 'InputObjectWithoutId,Remove-JIMApiKey'
    }
}
