Set-StrictMode -Version Latest

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $sb = Start-TestSandbox -Kind jim
    $url = $sb.Jim.baseUrl
    $key = $sb.Jim.apiKey
}

AfterAll {
    Get-Module ApiKeys | Remove-Module -Force
    Stop-TestSandbox $sb
}

Describe 'Connect-JIM' {
    It 'has JIM''s parameters: -Url at position 0, -ApiKey at position 1 in set ApiKey' {
        $c = Get-Command Connect-JIM
        $c.Parameters['Url'].ParameterSets['__AllParameterSets'].Position | Should -Be 0
        $c.Parameters['ApiKey'].ParameterSets['ApiKey'].Position | Should -Be 1
        $c.Parameters['ApiKey'].ParameterSets['ApiKey'].IsMandatory | Should -BeTrue
    }

    It 'connects positionally and returns JIM''s connection object without the key' {
        $r = Connect-JIM $url $key
        $r.Url | Should -Be $url
        $r.AuthMethod | Should -Be 'ApiKey'
        $r.Connected | Should -BeTrue
        $r.Authorised | Should -BeTrue
        $r.ServerVersion | Should -Be $sb.Jim.version
        $r.Status | Should -Be 'healthy'
        $r.ApiKey | Should -Not -Be $key
        $r.ApiKey.Length | Should -BeLessThan 16
        ($r | Out-String) | Should -Not -Match ([regex]::Escape($key))
    }

    It 'connects with named parameters and a trailing slash' {
        $r = Connect-JIM -Url "$url/" -ApiKey $key
        $r.Url | Should -Be $url
        (Test-JIMConnection).Url | Should -Be $url
    }

    It 'checks the key (JIM''s module does not): a wrong key is a terminating AuthenticationError' {
        $err = { Connect-JIM -Url $url -ApiKey ('jim_ak_' + ('0' * 64)) } | Should -Throw -ErrorId 'AuthenticationFailed,Connect-JIM' -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -BeLike "Failed to connect to JIM at $url*"
    }

    It 'refuses a URL without http:// or https://' {
        { Connect-JIM -Url 'jim.example.org' -ApiKey $key } | Should -Throw -ErrorId 'InvalidUrl,Connect-JIM' -ExpectedMessage 'Invalid URL format. URL must start with http:// or https://'
    }

    It 'says interactive sign-in is not supported when -ApiKey is missing' {
        $err = { Connect-JIM -Url $url } | Should -Throw -ErrorId 'InteractiveSignInNotSupported,Connect-JIM' -PassThru
        $err.CategoryInfo.Category | Should -Be 'NotImplemented'
    }

    It 'warns when the key is valid but lacks the Administrator role' {
        Connect-JIM -Url $url -ApiKey $key | Out-Null
        $noRole = New-JIMApiKey -Name (New-TestName 'no-role') -PassThru
        $r = Connect-JIM -Url $url -ApiKey $noRole.Key -WarningVariable wv -WarningAction SilentlyContinue
        $r.Authorised | Should -BeFalse
        $wv[0].Message | Should -BeLike '*Administrator*'
        { Get-JIMApiKey -ErrorAction Stop } | Should -Throw -ErrorId 'PermissionDenied,Get-JIMApiKey'
    }

    It 'replaces the previous connection and closes it' {
        Connect-JIM -Url $url -ApiKey $key | Out-Null
        $first = & (Get-Module ApiKeys) { $script:DefaultSession.JIM }
        Connect-JIM -Url $url -ApiKey $key | Out-Null
        $first.Connected | Should -BeFalse
        (& (Get-Module ApiKeys) { $script:DefaultSession.JIM }).Connected | Should -BeTrue
    }
}

Describe 'Disconnect-JIM' {
    It 'disconnects, says so, and every JIM command then says to run Connect-JIM' {
        Connect-JIM -Url $url -ApiKey $key | Out-Null
        $info = Disconnect-JIM 6>&1
        "$info" | Should -Be "Disconnected from JIM at $url"
        { Get-JIMApiKey -ErrorAction Stop } | Should -Throw -ExpectedMessage '*Connect-JIM*' -ErrorId 'NotConnected,Get-JIMApiKey'
        { Get-JIMApiKey -Id ([guid]::NewGuid()) -ErrorAction Stop } | Should -Throw -ExpectedMessage '*Connect-JIM*'
        { New-JIMApiKey -Name 'x' -ErrorAction Stop } | Should -Throw -ExpectedMessage '*Connect-JIM*'
        { Set-JIMApiKey -Id ([guid]::NewGuid()) -Name 'x' -ErrorAction Stop } | Should -Throw -ExpectedMessage '*Connect-JIM*'
        { Remove-JIMApiKey -Id ([guid]::NewGuid()) -Force -ErrorAction Stop } | Should -Throw -ExpectedMessage '*Connect-JIM*'
        { Get-JIMRole -ErrorAction Stop } | Should -Throw -ExpectedMessage '*Connect-JIM*'
    }

    It 'with -Url disconnects only a connection to that URL; -All disconnects any' {
        Connect-JIM -Url $url -ApiKey $key | Out-Null
        Disconnect-JIM -Url 'http://127.0.0.1:1' 6>$null
        Test-JIMConnection -Quiet | Should -BeTrue
        Disconnect-JIM -Url $url 6>$null
        Test-JIMConnection -Quiet | Should -BeFalse
        Connect-JIM -Url $url -ApiKey $key | Out-Null
        Disconnect-JIM -All 6>$null
        Test-JIMConnection -Quiet | Should -BeFalse
    }
}

Describe 'Test-JIMConnection' {
    It 'returns $true with -Quiet and a status object without, when connected' {
        Connect-JIM -Url $url -ApiKey $key | Out-Null
        Test-JIMConnection -Quiet | Should -BeTrue
        $t = Test-JIMConnection
        $t.Connected | Should -BeTrue
        $t.Url | Should -Be $url
        $t.AuthMethod | Should -Be 'ApiKey'
        $t.ServerVersion | Should -Be $sb.Jim.version
        $t.Status | Should -Be 'healthy'
        $t.Message | Should -Be 'Connection successful'
    }

    It 'returns $false or ''Not connected'' when not connected' {
        Disconnect-JIM 6>$null
        Test-JIMConnection -Quiet | Should -BeFalse
        $t = Test-JIMConnection
        $t.Connected | Should -BeFalse
        $t.Status | Should -Be 'Not connected'
        $t.Message | Should -Be 'Use Connect-JIM to establish a connection.'
    }

    It 'notices when the connected key stops working (JIM''s own test checks only health)' {
        Connect-JIM -Url $url -ApiKey $key | Out-Null
        $temp = New-JIMApiKey -Name (New-TestName 'soon-disabled') -RoleIds 1 -PassThru
        Connect-JIM -Url $url -ApiKey $temp.Key | Out-Null
        Test-JIMConnection -Quiet | Should -BeTrue
        $admin = Connect-ApiKeyServer -Uri $url -Kind JIM -ApiKey $key -PassThru
        Disable-ApiKey -Id "$($temp.Id)" -Server $admin
        Test-JIMConnection -Quiet | Should -BeFalse
        (Test-JIMConnection).Status | Should -Be 'Error'
        Disconnect-ApiKeyServer -Server $admin
        Connect-JIM -Url $url -ApiKey $key | Out-Null
    }
}

Describe 'Get-JIMRole' {
    BeforeAll { Connect-JIM -Url $url -ApiKey $key | Out-Null }

    It 'lists the server''s roles as JIM.RoleDto' {
        $roles = @(Get-JIMRole)
        @($roles.Name) | Should -Be @($sb.Jim.roles.name)
        @($roles.Id) | Should -Be @($sb.Jim.roles.id)
        $roles[0].PSObject.TypeNames[0] | Should -Be 'JIM.RoleDto'
        ($roles[0] | Get-Member -MemberType Property).Name | Should -Be @('BuiltIn', 'Created', 'Id', 'Name', 'StaticMemberCount')
    }

    It 'filters by -Name with wildcards and gets one by -Id (also by property name)' {
        (Get-JIMRole -Name 'Admin*').Name | Should -Be 'Administrator'
        (Get-JIMRole -Id 3).Name | Should -Be ($sb.Jim.roles | Where-Object id -eq 3).name
        ([pscustomobject]@{ Id = 2 } | Get-JIMRole).Id | Should -Be 2
    }

    It 'reports an unknown role id as RoleNotFound' {
        Get-JIMRole -Id 99 -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].FullyQualifiedErrorId | Should -Be 'RoleNotFound,Get-JIMRole'
        $ev[0].Exception.Message | Should -Be 'Role not found: 99'
    }
}
