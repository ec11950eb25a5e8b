Set-StrictMode -Version Latest

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $sb = Start-TestSandbox -Kind all
    $immichUrl = $sb.Immich.baseUrl
    $jimUrl = $sb.Jim.baseUrl
    # The two sessions most tests use; a hashtable so that a test that reconnects updates them
    # for the tests after it.
    $conn = @{}
    function Connect-Both {
        Disconnect-ApiKeyServer -All
        $conn.Immich = Connect-ApiKeyServer -Uri $immichUrl -ApiKey $sb.Immich.apiKey -PassThru
        $conn.Jim = Connect-ApiKeyServer -Uri $jimUrl -ApiKey $sb.Jim.apiKey -PassThru
    }
    Connect-Both
}

AfterAll {
    Get-Module ApiKeys | Remove-Module -Force
    Stop-TestSandbox $sb
}

Describe 'Connect-ApiKeyServer' {
    It 'finds out the kind of server with -Kind Auto (the default)' {
        $conn.Immich.Kind | Should -Be 'Immich'
        $conn.Immich.Product | Should -Be 'Immich'
        $conn.Immich.Version | Should -Be $sb.Immich.version
        $conn.Jim.Kind | Should -Be 'JIM'
        $conn.Jim.Version | Should -Be $sb.Jim.version
        $conn.Immich.PSObject.TypeNames[0] | Should -Be 'ApiKeys.ApiKeyServer'
        $conn.Immich.AuthMethod | Should -Be 'apiKey'
    }

    It 'takes -Uri and -ApiKey by position, the key as a SecureString, and an explicit -Kind' {
        $secure = ConvertTo-SecureString $sb.Immich.apiKey -AsPlainText -Force
        $s = Connect-ApiKeyServer $immichUrl $secure -Kind Immich -TimeoutSec 10 -PassThru
        $s.Kind | Should -Be 'Immich'
        @(Get-ApiKey -Server $s).Count | Should -BeGreaterOrEqual 1
        Disconnect-ApiKeyServer -Server $s
    }

    It 'logs in with -Credential (Immich email and password)' {
        $cred = [pscredential]::new($sb.Immich.email, (ConvertTo-SecureString $sb.Immich.password -AsPlainText -Force))
        $s = Connect-ApiKeyServer -Uri $immichUrl -Kind Immich -Credential $cred -PassThru
        $s.AuthMethod | Should -Be 'password'
        $s.User | Should -Be $sb.Immich.email
        Disconnect-ApiKeyServer -Server $s
    }

    It 'returns nothing without -PassThru and makes the new session the default' {
        Connect-ApiKeyServer -Uri $jimUrl -ApiKey $sb.Jim.apiKey | Should -BeNullOrEmpty
        (Get-ApiKeyServer -Default).Kind | Should -Be 'JIM'
        Connect-Both
    }

    It 'rejects a wrong key (AuthenticationError), a bad -ApiKey type and a missing credential' {
        { Connect-ApiKeyServer -Uri $immichUrl -ApiKey 'wrong' } | Should -Throw -ErrorId 'AuthenticationFailed,Connect-ApiKeyServer'
        { Connect-ApiKeyServer -Uri $immichUrl -ApiKey 42 } | Should -Throw -ErrorId 'InvalidApiKeyType,Connect-ApiKeyServer'
        { Connect-ApiKeyServer -Uri $immichUrl } | Should -Throw -ErrorId 'MissingCredential,Connect-ApiKeyServer'
        { Connect-ApiKeyServer -Uri 'ftp://x' -ApiKey 'k' } | Should -Throw -ErrorId 'InvalidUri,Connect-ApiKeyServer'
    }

    It 'warns about -SkipCertificateCheck and checks the -CertificateAuthority file' {
        $s = Connect-ApiKeyServer -Uri $immichUrl -ApiKey $sb.Immich.apiKey -SkipCertificateCheck -PassThru -WarningVariable wv -WarningAction SilentlyContinue
        $wv[0].Message | Should -BeLike '*Certificate checks are off*'
        Disconnect-ApiKeyServer -Server $s
        { Connect-ApiKeyServer -Uri $immichUrl -ApiKey 'k' -CertificateAuthority './no-such-ca.pem' } | Should -Throw -ErrorId 'CertificateAuthorityNotFound,Connect-ApiKeyServer'
        Connect-Both
    }

    It 'reports an unreachable server as a terminating ConnectionError' {
        $err = { Connect-ApiKeyServer -Uri 'http://127.0.0.1:9' -Kind Immich -ApiKey 'x' -TimeoutSec 5 } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
    }
}

Describe 'Connect-ApiKeyServer over HTTPS (the sandbox''s self-signed CA)' {
    BeforeAll { $tls = Start-TestSandbox -Kind jim -Https }
    AfterAll { Stop-TestSandbox $tls }

    It 'trusts the server with -CertificateAuthority' {
        $tls.Jim.baseUrl | Should -BeLike 'https://*'
        $s = Connect-ApiKeyServer -Uri $tls.Jim.baseUrl -ApiKey $tls.Jim.apiKey -CertificateAuthority $tls.Info.caFile -PassThru
        $s.Kind | Should -Be 'JIM'
        @(Get-ApiKey -Server $s).Count | Should -BeGreaterOrEqual 1
        Disconnect-ApiKeyServer -Server $s
    }

    It 'refuses an untrusted certificate with a terminating SecurityError' {
        $err = { Connect-ApiKeyServer -Uri $tls.Jim.baseUrl -ApiKey $tls.Jim.apiKey } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $err.FullyQualifiedErrorId | Should -Be 'TlsFailed,Connect-ApiKeyServer'
    }

    It 'connects with -SkipCertificateCheck, with a warning' {
        $s = Connect-ApiKeyServer -Uri $tls.Jim.baseUrl -ApiKey $tls.Jim.apiKey -SkipCertificateCheck -PassThru -WarningVariable wv -WarningAction SilentlyContinue
        $s.Connected | Should -BeTrue
        $wv.Count | Should -Be 1
        Disconnect-ApiKeyServer -Server $s
    }
}

Describe 'Get-ApiKeyServer and Disconnect-ApiKeyServer' {
    It 'lists sessions in connection order, filters by -Uri and -Kind, and knows the default' {
        Connect-Both
        @(Get-ApiKeyServer).Uri | Should -Be @($immichUrl, $jimUrl)
        (Get-ApiKeyServer -Kind Immich).Uri | Should -Be $immichUrl
        (Get-ApiKeyServer -Uri $jimUrl).Kind | Should -Be 'JIM'
        (Get-ApiKeyServer -Uri 'http://nowhere*') | Should -BeNullOrEmpty
        (Get-ApiKeyServer -Default).Uri | Should -Be $jimUrl
    }

    It 'closes the default, then the previous session becomes the default' {
        Connect-Both
        Disconnect-ApiKeyServer
        $conn.Jim.Connected | Should -BeFalse
        (Get-ApiKeyServer -Default).Uri | Should -Be $immichUrl
        { Get-ApiKey -Server $conn.Jim } | Should -Throw -ErrorId 'SessionClosed,Get-ApiKey'
        Connect-Both
    }

    It 'closes piped sessions and -All' {
        Connect-Both
        Get-ApiKeyServer -Kind Immich | Disconnect-ApiKeyServer
        @(Get-ApiKeyServer).Kind | Should -Be @('JIM')
        Disconnect-ApiKeyServer -All
        @(Get-ApiKeyServer).Count | Should -Be 0
        { Get-ApiKey } | Should -Throw -ErrorId 'NoApiKeyServer,Get-ApiKey' -ExpectedMessage '*Connect-ApiKeyServer*'
        Connect-Both
    }
}

Describe 'New-ApiKey' {
    It 'creates an Immich key with -Permission; the secret is a SecureString' {
        $n = New-TestName 'x-immich'
        $r = New-ApiKey -Name $n -Permission 'asset.read' -Server $conn.Immich
        $r.PSObject.TypeNames[0] | Should -Be 'ApiKeys.CreatedApiKey'
        $r.Secret | Should -BeOfType [securestring]
        $r.Kind | Should -Be 'Immich'
        $r.Key.Permissions | Should -Be @('asset.read')
        $r.Server.Uri | Should -Be $immichUrl
        ($r | Out-String) | Should -Match 'SecureString'
        $plain = ConvertFrom-SecureString $r.Secret -AsPlainText
        $check = Connect-ApiKeyServer -Uri $immichUrl -ApiKey $plain -PassThru -WarningAction SilentlyContinue
        $check.Connected | Should -BeTrue
        Disconnect-ApiKeyServer -Server $check
        Connect-Both
    }

    It 'creates a JIM key with -RoleId, -Description and -ExpiresAt; -AsPlainText gives a string' {
        $exp = (Get-Date).AddDays(7)
        $r = New-ApiKey 'x-jim-key' -Description 'cross' -RoleId 2 -ExpiresAt $exp -Server $conn.Jim -AsPlainText
        $r.Secret | Should -BeOfType [string]
        $r.Secret | Should -Match '^jim_ak_'
        $r.Key.Roles.Id | Should -Be @(2)
        $r.Key.Description | Should -Be 'cross'
        [Math]::Abs(($r.Key.ExpiresAt - $exp.ToUniversalTime()).TotalMinutes) | Should -BeLessThan 5
    }

    It 'creates the same key on several servers with -Server' {
        $n = New-TestName 'both'
        $r = @(New-ApiKey -Name $n -Server $conn.Immich, $conn.Jim)
        @($r.Kind) | Should -Be @('Immich', 'JIM')
        (Get-ApiKey -Name $n -Server $conn.Immich, $conn.Jim).Count | Should -Be 2
    }

    It 'refuses a field the server does not know (permissions on JIM) as InvalidArgument' {
        New-ApiKey -Name 'x' -Permission 'all' -Server $conn.Jim -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].Exception.Message | Should -BeLike '*permissions*'
    }
}

Describe 'Get-ApiKey' {
    It 'lists the keys of several servers, each with its server, as ApiKeys.ApiKey' {
        $keys = @(Get-ApiKey -Server $conn.Immich, $conn.Jim)
        ($keys | Where-Object Kind -eq 'Immich').Id | Should -Contain $sb.Immich.apiKeyId
        ($keys | Where-Object Kind -eq 'JIM').Id | Should -Contain $sb.Jim.apiKeyId
        $keys[0].PSObject.TypeNames[0] | Should -Be 'ApiKeys.ApiKey'
        ($keys | Where-Object Kind -eq 'JIM')[0].Server.Uri | Should -Be $jimUrl
        ($keys | Where-Object Kind -eq 'Immich')[0].Enabled | Should -BeNullOrEmpty -Because 'Immich keys have no enabled flag'
    }

    It 'filters by wildcard -Name, by -Id (by position for -Name)' {
        $n = New-TestName 'FILTER'
        $created = New-ApiKey -Name $n -Server $conn.Jim
        (Get-ApiKey 'filter-*' -Server $conn.Jim).Name | Should -Contain $n
        (Get-ApiKey -Id $created.Id -Server $conn.Jim).Name | Should -Be $n
        ($created | Get-ApiKey).Name | Should -Be $n -Because 'Id and Server bind by property name'
    }

    It 'finds expired keys and keys expiring within a time span' {
        # An expired key straight through the sandbox's API: the module refuses an expiry in the past.
        $expired = [pscustomobject]@{ Id = "$(New-SandboxJimExpiredKey -BaseUrl $conn.Jim.Uri -ApiKey $sb.Jim.apiKey -Name (New-TestName 'exp') -ExpiresAt ([datetime]'2021-06-01T00:00:00Z'))" }
        $soon = New-ApiKey -Name (New-TestName 'soon') -ExpiresAt (Get-Date).AddDays(10) -Server $conn.Jim
        $later = New-ApiKey -Name (New-TestName 'later') -ExpiresAt (Get-Date).AddDays(100) -Server $conn.Jim
        $e = (Get-ApiKey -Expired -Server $conn.Jim).Id
        $e | Should -Contain $expired.Id
        $e | Should -Not -Contain $soon.Id
        $w = (Get-ApiKey -ExpiringWithin (New-TimeSpan -Days 30) -Server $conn.Jim).Id
        $w | Should -Contain $soon.Id
        $w | Should -Not -Contain $later.Id
        $w | Should -Not -Contain $expired.Id
    }

    It 'reports an unknown id as ApiKeyNotFound with the id as target' {
        $id = [guid]::NewGuid().ToString()
        Get-ApiKey -Id $id -Server $conn.Jim -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -Be 'ApiKeyNotFound,Get-ApiKey'
        $ev[0].TargetObject | Should -Be $id
    }

    It 'goes on with the other servers when one of several fails (non-terminating)' {
        $fresh = New-ApiKey -Name (New-TestName 'doomed') -Permission 'apiKey.read' -Server $conn.Immich -AsPlainText
        $limited = Connect-ApiKeyServer -Uri $immichUrl -ApiKey $fresh.Secret -PassThru
        Remove-ApiKey -Id $fresh.Id -Server $conn.Immich -Force
        $keys = @(Get-ApiKey -Server $limited, $conn.Jim -ErrorVariable ev -ErrorAction SilentlyContinue)
        @($keys.Kind | Select-Object -Unique) | Should -Be @('JIM')
        $ev[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        Disconnect-ApiKeyServer -Server $limited
        Connect-Both
    }
}

Describe 'Set-ApiKey, Enable-ApiKey, Disable-ApiKey' {
    It 'renames, changes the description and clears the expiry of a JIM key' {
        $k = New-ApiKey -Name (New-TestName 'set') -Description 'old' -ExpiresAt (Get-Date).AddDays(3) -Server $conn.Jim
        $r = Set-ApiKey -Id $k.Id -Server $conn.Jim -Name 'set renamed' -Description 'new' -ExpiresAt $null -PassThru
        $r.Name | Should -Be 'set renamed'
        $r.Description | Should -Be 'new'
        $r.ExpiresAt | Should -BeNullOrEmpty
    }

    It 'changes Immich permissions of piped keys, each on its own server' {
        $k = New-ApiKey -Name (New-TestName 'set-pipe') -Permission 'asset.read' -Server $conn.Immich
        Get-ApiKey -Id $k.Id -Server $conn.Immich | Set-ApiKey -Permission 'asset.view', 'asset.read'
        @((Get-ApiKey -Id $k.Id -Server $conn.Immich).Permissions | Sort-Object) | Should -Be @('asset.read', 'asset.view')
    }

    It 'disables and enables JIM keys' {
        $k = New-ApiKey -Name (New-TestName 'toggle') -Server $conn.Jim
        Disable-ApiKey -Id $k.Id -Server $conn.Jim
        (Get-ApiKey -Id $k.Id -Server $conn.Jim).Enabled | Should -BeFalse
        (Get-ApiKey -Id $k.Id -Server $conn.Jim | Enable-ApiKey -PassThru).Enabled | Should -BeTrue
    }

    It 'reports Disable-ApiKey on Immich as NotImplemented, per key' {
        $k = New-ApiKey -Name (New-TestName 'no-toggle') -Permission 'asset.read' -Server $conn.Immich
        Disable-ApiKey -Id $k.Id -Server $conn.Immich -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].CategoryInfo.Category | Should -Be 'NotImplemented'
        $ev[0].TargetObject | Should -Be $k.Id
    }

    It 'needs something to change' {
        { Set-ApiKey -Id 'x' -Server $conn.Jim } | Should -Throw -ErrorId 'NothingToUpdate,Set-ApiKey'
    }
}

Describe 'Remove-ApiKey and Reset-ApiKey' {
    It 'removes piped keys from several servers at once' {
        $n = New-TestName 'gone'
        $null = New-ApiKey -Name $n -Server $conn.Immich, $conn.Jim
        $r = @(Get-ApiKey -Name $n -Server $conn.Immich, $conn.Jim | Remove-ApiKey -Force -PassThru)
        $r.Count | Should -Be 2
        @(Get-ApiKey -Name $n -Server $conn.Immich, $conn.Jim).Count | Should -Be 0
    }

    It 'removes by -Id positionally' {
        $k = New-ApiKey -Name (New-TestName 'gone-id') -Server $conn.Jim
        Remove-ApiKey $k.Id -Server $conn.Jim -Confirm:$false
        (Get-ApiKey -Server $conn.Jim).Id | Should -Not -Contain $k.Id
    }

    It 'rotates a key: new secret and id, ReplacedId is the old id, the old key is gone' {
        $old = New-ApiKey -Name (New-TestName 'rot') -RoleId 3 -Server $conn.Jim -AsPlainText
        $new = Reset-ApiKey -Id $old.Id -Server $conn.Jim -Force -AsPlainText
        $new.ReplacedId | Should -Be $old.Id
        $new.Id | Should -Not -Be $old.Id
        $new.Name | Should -Be $old.Name
        $new.Key.Roles.Id | Should -Be @(3)
        $new.Secret | Should -Not -Be $old.Secret
        (Get-ApiKey -Server $conn.Jim).Id | Should -Not -Contain $old.Id
    }

    It 'rotates piped Immich keys and returns SecureString secrets' {
        $old = New-ApiKey -Name (New-TestName 'rot-im') -Permission 'album.read' -Server $conn.Immich
        $new = Get-ApiKey -Id $old.Id -Server $conn.Immich | Reset-ApiKey -Force
        $new.Secret | Should -BeOfType [securestring]
        $new.Key.Permissions | Should -Be @('album.read')
    }
}
