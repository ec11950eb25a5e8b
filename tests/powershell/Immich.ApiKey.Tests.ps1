Set-StrictMode -Version Latest

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $sb = Start-TestSandbox -Kind immich
    $url = $sb.Immich.baseUrl
    $key = $sb.Immich.apiKey
    Connect-Immich -BaseURL $url -AccessToken $key
    function Test-ImmichSecret([string]$Secret) {
        # A secret works when a session can be opened with it (a cross-server session, so the
        # default Immich session stays as it is).
        $check = Connect-ApiKeyServer -Uri $url -Kind Immich -ApiKey $Secret -PassThru -WarningAction SilentlyContinue
        try { $check.Connected } finally { Disconnect-ApiKeyServer -Server $check }
    }
}

AfterAll {
    Get-Module ApiKeys | Remove-Module -Force
    Stop-TestSandbox $sb
}

Describe 'Seed 000 (PSImmich New-IMAPIKey help page): every example, verbatim' {
    It 'EXAMPLE 1 creates a new API key with full permissions named ''Automation Script''' {
        $result = New-IMAPIKey -Name 'Automation Script'
        $result.secret | Should -Not -BeNullOrEmpty
        $result.apiKey.name | Should -Be 'Automation Script'
        $stored = Get-IMAPIKey -Id $result.apiKey.id
        $stored.name | Should -Be 'Automation Script'
        $stored.permissions | Should -Be @('all')
        Test-ImmichSecret $result.secret | Should -BeTrue
    }

    It 'EXAMPLE 2 creates a new API key with limited read-only permissions' {
        $result = New-IMAPIKey -Name 'Read Only Access' -Permission 'asset.read','album.read','library.read'
        $stored = Get-IMAPIKey -Id $result.apiKey.id
        $stored.name | Should -Be 'Read Only Access'
        @($stored.permissions | Sort-Object) | Should -Be @('album.read', 'asset.read', 'library.read')
    }

    It 'has the documented syntax: Session, Name and Permission at positions 0, 1 and 2' {
        $syntax = (Get-Command New-IMAPIKey -Syntax).Trim()
        $syntax | Should -BeLike 'New-IMAPIKey `[`[-Session`] <ImmichSession>`] `[-Name`] <string> `[`[-Permission`] <string`[`]>`]*'
        $p = (Get-Command New-IMAPIKey).Parameters
        $p['Name'].Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] }).Mandatory | Should -BeTrue
    }
}

Describe 'New-IMAPIKey' {
    It 'outputs the create response as the server sends it: secret and apiKey' {
        $r = New-IMAPIKey -Name (New-TestName 'shape') -Permission 'asset.read'
        @($r.PSObject.Properties.Name) | Should -Be @('secret', 'apiKey')
        @($r.apiKey.PSObject.Properties.Name) | Should -Be @('id', 'name', 'createdAt', 'updatedAt', 'permissions')
        $r.apiKey.id | Should -BeOfType [guid]
        $r.apiKey.createdAt | Should -BeOfType [datetime]
        $r.apiKey.createdAt.Kind | Should -Be 'Utc'
        $r.apiKey.createdAt | Should -BeGreaterThan ([datetime]::UtcNow.AddMinutes(-5))
    }

    It 'binds -Session, -Name and -Permission by position' {
        $s = Get-IMSession
        $name = New-TestName 'positional'
        $r = New-IMAPIKey $s $name 'asset.read', 'asset.view'
        $r.apiKey.name | Should -Be $name
        @($r.apiKey.permissions | Sort-Object) | Should -Be @('asset.read', 'asset.view')
    }

    It 'refuses to grant what the calling key lacks: PermissionDenied' {
        $limited = New-IMAPIKey -Name (New-TestName 'limited') -Permission 'apiKey.create', 'apiKey.read'
        $s = Connect-Immich -BaseURL $url -AccessToken $limited.secret -PassThru
        try {
            New-IMAPIKey -Session $s -Name 'too much' -Permission 'all' -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $ev[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $ev[0].FullyQualifiedErrorId | Should -Be 'PermissionDenied,New-IMAPIKey'
            $ev[0].TargetObject | Should -Be 'too much'
        }
        finally {
            Disconnect-Immich -Session $s
            Connect-Immich -BaseURL $url -AccessToken $key   # Connect-Immich made $s the default
        }
    }
}

Describe 'Get-IMAPIKey' {
    It 'lists the keys as PSImmich.ObjectType.IMAPIKey with camelCase properties' {
        $keys = @(Get-IMAPIKey)
        $keys.Count | Should -BeGreaterOrEqual 2
        $keys[0].PSObject.TypeNames[0] | Should -Be 'PSImmich.ObjectType.IMAPIKey'
        $keys.id | Should -Contain ([guid]$sb.Immich.apiKeyId)
        ($keys | Get-Member -MemberType Property).Name | Should -Be @('createdAt', 'id', 'name', 'permissions', 'updatedAt')
    }

    It 'finds the fixed key PSImmich''s integration tests expect' {
        (Get-IMAPIKey -Id 'a1c2b770-3c58-46d9-ac6d-2e6d03d870e2').id | Should -Be ([guid]'a1c2b770-3c58-46d9-ac6d-2e6d03d870e2')
        $sb.Immich.fixedKeyId | Should -Be 'a1c2b770-3c58-46d9-ac6d-2e6d03d870e2'
    }

    It 'takes ids by position, from the pipeline by value (strings, guids) and by property name' {
        $a = (New-IMAPIKey -Name (New-TestName 'pipe-a') -Permission 'asset.read').apiKey
        $b = (New-IMAPIKey -Name (New-TestName 'pipe-b') -Permission 'asset.read').apiKey
        (Get-IMAPIKey "$($a.id)").name | Should -Be $a.name
        @("$($a.id)", $b.id | Get-IMAPIKey).name | Should -Be @($a.name, $b.name)
        @([pscustomobject]@{ id = "$($b.id)" } | Get-IMAPIKey).name | Should -Be $b.name
        @(Get-IMAPIKey -Id $a.id, $b.id | Get-IMAPIKey).name | Should -Be @($a.name, $b.name)
    }

    It 'reports an unknown id as a non-terminating ObjectNotFound error and goes on with the rest' {
        $known = (New-IMAPIKey -Name (New-TestName 'known') -Permission 'asset.read').apiKey
        $unknown = [guid]::NewGuid()
        $out = @($unknown, $known.id | Get-IMAPIKey -ErrorVariable ev -ErrorAction SilentlyContinue)
        $out.id | Should -Be @($known.id)
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -Be 'ApiKeyNotFound,Get-IMAPIKey'
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].TargetObject | Should -Be $unknown
        { Get-IMAPIKey -Id $unknown -ErrorAction Stop } | Should -Throw -ErrorId 'ApiKeyNotFound,Get-IMAPIKey'
    }

    It 'refuses an id that is not a GUID before sending anything' {
        Clear-SandboxRequest $url
        { Get-IMAPIKey -Id 'not-a-guid' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,Get-IMAPIKey'
        @(Get-SandboxRequest $url).Count | Should -Be 0
    }
}

Describe 'Rename-IMAPIKey' {
    It 'renames by -Id and -Name, and positionally' {
        $k = (New-IMAPIKey -Name (New-TestName 'rename') -Permission 'asset.read').apiKey
        $r = Rename-IMAPIKey -Id $k.id -Name 'renamed once'
        $r.name | Should -Be 'renamed once'
        $r.PSObject.TypeNames[0] | Should -Be 'PSImmich.ObjectType.IMAPIKey'
        Rename-IMAPIKey $k.id 'renamed twice' | Out-Null
        (Get-IMAPIKey -Id $k.id).name | Should -Be 'renamed twice'
        (Get-IMAPIKey -Id $k.id).permissions | Should -Be @('asset.read') -Because 'renaming keeps the permissions'
    }

    It 'renames keys from the pipeline (by property name)' {
        $k = (New-IMAPIKey -Name (New-TestName 'rename-pipe') -Permission 'asset.read').apiKey
        Get-IMAPIKey -Id $k.id | Rename-IMAPIKey -Name 'piped rename' | Out-Null
        (Get-IMAPIKey -Id $k.id).name | Should -Be 'piped rename'
    }
}

Describe 'Set-IMAPIKey' {
    It 'replaces the permissions and keeps the name' {
        $k = (New-IMAPIKey -Name (New-TestName 'set') -Permission 'asset.read').apiKey
        $r = Set-IMAPIKey -Id $k.id -Permission 'album.read', 'album.create'
        @($r.permissions | Sort-Object) | Should -Be @('album.create', 'album.read')
        $r.name | Should -Be $k.name
    }

    It 'changes name and permissions of piped keys' {
        $k = (New-IMAPIKey -Name (New-TestName 'set-pipe') -Permission 'asset.read').apiKey
        Get-IMAPIKey -Id $k.id | Set-IMAPIKey -Name 'set by pipe' -Permission 'asset.view' | Out-Null
        $after = Get-IMAPIKey -Id $k.id
        $after.name | Should -Be 'set by pipe'
        $after.permissions | Should -Be @('asset.view')
    }

    It 'needs something to change' {
        { Set-IMAPIKey -Id ([guid]::NewGuid()) } | Should -Throw -ErrorId 'NothingToUpdate,Set-IMAPIKey'
    }
}

Describe 'Remove-IMAPIKey' {
    It 'removes by -Id, positionally, from the pipeline by value and by property name' {
        $ids = 1..4 | ForEach-Object { (New-IMAPIKey -Name (New-TestName 'remove') -Permission 'asset.read').apiKey.id }
        Remove-IMAPIKey -Id $ids[0] -Confirm:$false
        Remove-IMAPIKey $ids[1] -Force
        "$($ids[2])" | Remove-IMAPIKey -Confirm:$false
        [pscustomobject]@{ id = $ids[3] } | Remove-IMAPIKey -Force
        $left = (Get-IMAPIKey).id
        foreach ($id in $ids) { $left | Should -Not -Contain $id }
    }

    It 'outputs nothing and reports an unknown id as ApiKeyNotFound with the id as target' {
        $unknown = [guid]::NewGuid()
        Remove-IMAPIKey -Id $unknown -Force -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].FullyQualifiedErrorId | Should -Be 'ApiKeyNotFound,Remove-IMAPIKey'
        $ev[0].TargetObject | Should -Be $unknown
    }
}

Describe 'Reset-IMAPIKey' {
    It 'rotates: new id and secret, same name and permissions, the old key is gone' {
        $old = New-IMAPIKey -Name (New-TestName 'rotate') -Permission 'asset.read', 'album.read'
        $new = Reset-IMAPIKey -Id $old.apiKey.id -Force
        $new.secret | Should -Not -BeNullOrEmpty
        $new.secret | Should -Not -Be $old.secret
        $new.apiKey.id | Should -Not -Be $old.apiKey.id
        $new.apiKey.name | Should -Be $old.apiKey.name
        @($new.apiKey.permissions | Sort-Object) | Should -Be @('album.read', 'asset.read')
        "$($new.replacedId)" | Should -Be "$($old.apiKey.id)"
        (Get-IMAPIKey).id | Should -Not -Contain $old.apiKey.id
        Test-ImmichSecret $new.secret | Should -BeTrue
        { Connect-ApiKeyServer -Uri $url -Kind Immich -ApiKey $old.secret } | Should -Throw -ErrorId 'AuthenticationFailed,Connect-ApiKeyServer'
    }

    It 'rotates piped keys' {
        $old = (New-IMAPIKey -Name (New-TestName 'rotate-pipe') -Permission 'asset.read').apiKey
        $new = Get-IMAPIKey -Id $old.id | Reset-IMAPIKey -Confirm:$false
        $new.apiKey.name | Should -Be $old.name
    }
}
