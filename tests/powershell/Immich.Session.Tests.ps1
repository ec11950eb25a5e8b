Set-StrictMode -Version Latest

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $sb = Start-TestSandbox -Kind immich
    $url = $sb.Immich.baseUrl
    $key = $sb.Immich.apiKey
    $cred = [pscredential]::new($sb.Immich.email, (ConvertTo-SecureString $sb.Immich.password -AsPlainText -Force))
}

AfterAll {
    Get-Module ApiKeys | Remove-Module -Force
    Stop-TestSandbox $sb
}

Describe 'Connect-Immich' {
    It 'connects with -AccessToken and sets the default session with PSImmich''s properties' {
        $result = Connect-Immich -BaseURL $url -AccessToken $key
        $result | Should -BeNullOrEmpty -Because 'the session is returned only with -PassThru'
        $s = Get-IMSession
        $s | Should -BeOfType 'ImmichSession'
        $s.PSObject.TypeNames[0] | Should -Be 'ImmichSession'
        $s.BaseUri | Should -Be $url
        $s.AuthMethod | Should -Be 'AccessToken'
        $s.APIUri | Should -Be "$url/api"
        $s.ImmichVersion | Should -Be $sb.Immich.version
        [guid]::Parse($s.SessionID) | Should -BeOfType [guid]
        $s.Credential | Should -BeNullOrEmpty
        $s.AccessTokenValid | Should -BeTrue
        $s.Connected | Should -BeTrue
    }

    It 'returns the session with -PassThru and makes it the default' {
        $s = Connect-Immich -BaseURL $url -AccessToken $key -PassThru
        $s | Should -BeOfType 'ImmichSession'
        (Get-IMSession).SessionID | Should -Be $s.SessionID
    }

    It 'connects with -Credential (email and password), logging in on the server' {
        Clear-SandboxRequest $url
        $s = Connect-Immich -BaseURL $url -Credential $cred -PassThru
        $s.AuthMethod | Should -Be 'Credential'
        $s.Credential.UserName | Should -Be $sb.Immich.email
        $s.Credential.GetNetworkCredential().Password | Should -BeNullOrEmpty -Because 'the session object keeps no password'
        (Get-SandboxRequest $url | Where-Object { $_.method -eq 'POST' -and $_.path -eq '/api/auth/login' }) | Should -Not -BeNullOrEmpty
        @(Get-IMAPIKey -Session $s).Count | Should -BeGreaterOrEqual 1
    }

    It 'checks the key: a wrong key is a terminating AuthenticationError and the default session stays' {
        $before = Connect-Immich -BaseURL $url -AccessToken $key -PassThru
        { Connect-Immich -BaseURL $url -AccessToken 'not-a-valid-key' } | Should -Throw -ErrorId 'AuthenticationFailed,Connect-Immich'
        (Get-IMSession).SessionID | Should -Be $before.SessionID
    }

    It 'reports a wrong password as AuthenticationError' {
        $bad = [pscredential]::new($sb.Immich.email, (ConvertTo-SecureString 'wrong password' -AsPlainText -Force))
        $err = { Connect-Immich -BaseURL $url -Credential $bad } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.TargetObject | Should -Be $url
    }

    It 'cannot resolve a parameter set with only -BaseURL (as PSImmich)' {
        { Connect-Immich -BaseURL $url } | Should -Throw -ErrorId 'AmbiguousParameterSet,Connect-Immich'
    }

    It 'reports an unreachable server as a terminating ConnectionError' {
        $err = { Connect-Immich -BaseURL 'http://127.0.0.1:9' -AccessToken 'x' } | Should -Throw -ErrorId 'ConnectionFailed,Connect-Immich' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'works against Immich <_>' -ForEach '1.x', '3.x' {
        $other = Start-TestSandbox -Kind immich -ImmichVersion $_
        try {
            $s = Connect-Immich -BaseURL $other.Immich.baseUrl -AccessToken $other.Immich.apiKey -PassThru
            $s.ImmichVersion | Should -Be $other.Immich.version
            $created = New-IMAPIKey -Session $s -Name 'version check' -Permission 'asset.read'
            (Get-IMAPIKey -Session $s -Id $created.apiKey.id).permissions | Should -Be @('asset.read')
            Remove-IMAPIKey -Session $s -Id $created.apiKey.id -Confirm:$false
            Disconnect-Immich -Session $s
        }
        finally { Stop-TestSandbox $other }
    }
}

Describe 'Get-IMSession' {
    It 'returns the session given with -Session (positionally too)' {
        $a = Connect-Immich -BaseURL $url -AccessToken $key -PassThru
        $b = Connect-Immich -BaseURL $url -Credential $cred -PassThru
        (Get-IMSession -Session $a).SessionID | Should -Be $a.SessionID
        (Get-IMSession $a).SessionID | Should -Be $a.SessionID
        (Get-IMSession).SessionID | Should -Be $b.SessionID
    }

    It 'writes "No Immich Session established" when there is none' {
        Connect-Immich -BaseURL $url -AccessToken $key
        Disconnect-Immich
        Get-IMSession -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].FullyQualifiedErrorId | Should -Be 'NoImmichSession,Get-IMSession'
        $ev[0].Exception.Message | Should -Be 'No Immich Session established, please call Connect-Immich'
    }
}

Describe 'Disconnect-Immich' {
    It 'closes the default session; key commands then say to call Connect-Immich' {
        Connect-Immich -BaseURL $url -AccessToken $key
        Disconnect-Immich
        { Get-IMAPIKey } | Should -Throw -ErrorId 'NoImmichSession,Get-IMAPIKey' -ExpectedMessage '*Connect-Immich*'
    }

    It 'closes sessions from the pipeline; a closed session is a clear SessionClosed error' {
        $a = Connect-Immich -BaseURL $url -AccessToken $key -PassThru
        $b = Connect-Immich -BaseURL $url -AccessToken $key -PassThru
        $a, $b | Disconnect-Immich
        $a.Connected | Should -BeFalse
        $a.AccessTokenValid | Should -BeFalse
        $err = { Get-IMAPIKey -Session $a } | Should -Throw -ErrorId 'SessionClosed,Get-IMAPIKey' -PassThru
        $err.Exception.Message | Should -BeLike "*$url*closed*Connect-Immich*"
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        { New-IMAPIKey -Session $b -Name 'x' } | Should -Throw -ErrorId 'SessionClosed,New-IMAPIKey'
    }

    It 'logs a credential session out on the server' {
        $s = Connect-Immich -BaseURL $url -Credential $cred -PassThru
        Clear-SandboxRequest $url
        Disconnect-Immich -Session $s
        $log = @(Get-SandboxRequest $url)
        ($log | Where-Object { $_.method -eq 'POST' -and $_.path -eq '/api/auth/logout' }) | Should -Not -BeNullOrEmpty -Because (($log | ForEach-Object { "$($_.method) $($_.path)" }) -join '; ')
    }

    It 'does not disturb the default session when another session is closed' {
        $other = Connect-Immich -BaseURL $url -AccessToken $key -PassThru
        $default = Connect-Immich -BaseURL $url -AccessToken $key -PassThru
        Disconnect-Immich -Session $other
        (Get-IMSession).SessionID | Should -Be $default.SessionID
        @(Get-IMAPIKey).Count | Should -BeGreaterOrEqual 1
    }
}

Describe 'Several Immich servers at once' {
    It 'uses -Session to reach a second server while the default stays on the first' {
        $second = Start-TestSandbox -Kind immich
        try {
            $s1 = Connect-Immich -BaseURL $url -AccessToken $key -PassThru
            $s2 = Connect-Immich -BaseURL $second.Immich.baseUrl -AccessToken $second.Immich.apiKey -PassThru
            Connect-Immich -BaseURL $url -AccessToken $key
            $name = New-TestName 'second-server'
            $null = New-IMAPIKey -Session $s2 -Name $name -Permission 'asset.read'
            (Get-IMAPIKey -Session $s2).name | Should -Contain $name
            (Get-IMAPIKey).name | Should -Not -Contain $name
            (Get-IMAPIKey -Session $s1).name | Should -Not -Contain $name
        }
        finally { Stop-TestSandbox $second }
    }
}
