Set-StrictMode -Version Latest

# The TrueNAS family (Connect-TrueNas, Get-/New-/Set-/Remove-TrueNasApiKey, Disconnect-TrueNas)
# and the cross-server commands on TrueNAS, against the sandbox's flavours: 13.3 (REST, CORE
# keys), 24.10 (REST, allowlist), 25.10 and 26 (JSON-RPC over WebSocket, user-linked keys).

BeforeDiscovery {
    $script:flavours = @(
        @{ Version = '13.3'; Transport = 'rest'; UserKeys = $false; HasAllowlist = $false; TypeName = 'TrueNAS.ApiKeyEntry' }
        @{ Version = '24.10'; Transport = 'rest'; UserKeys = $false; HasAllowlist = $true; TypeName = 'TrueNAS.ApiKeyEntry' }
        @{ Version = '25.10'; Transport = 'websocket'; UserKeys = $true; HasAllowlist = $false; TypeName = 'TrueNAS.UserApiKeyEntry' }
        @{ Version = '26'; Transport = 'websocket'; UserKeys = $true; HasAllowlist = $false; TypeName = 'TrueNAS.UserApiKeyEntry' }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    function Get-Plain([object]$Secret) {
        if ($Secret -is [securestring]) { return ConvertFrom-SecureString $Secret -AsPlainText }
        [string]$Secret
    }
    function Get-TableHeader([object[]]$InputObject) {
        $old = $PSStyle.OutputRendering
        $PSStyle.OutputRendering = 'PlainText'
        try { $text = $InputObject | Format-Table | Out-String -Width 400 }
        finally { $PSStyle.OutputRendering = $old }
        $line = @($text -split "`r?`n" | Where-Object { $_ -match '\S' })[0]
        @($line -split '\s+' | Where-Object { $_ })
    }
    $keyPattern = '^(\d+)-[A-Za-z0-9]{64}$'
}

AfterAll {
    Get-Module ApiKeys | Remove-Module -Force
}

Describe 'TrueNAS <Version>' -ForEach $flavours {
    BeforeAll {
        $sb = Start-TestSandbox -Kind truenas -TrueNasVersion $Version
        $tn = $sb.TrueNas
        $url = $tn.baseUrl
        $s = Connect-TrueNas -Uri $url -ApiKey $tn.apiKey -PassThru
        $firstDefault = & (Get-Module ApiKeys) { $script:DefaultSession.TrueNAS }
        # Every later Connect-TrueNas becomes the default: the tests name their session.
        $PSDefaultParameterValues = @{ '*-TrueNasApiKey:Session' = $s }
        # Options that make a key usable on this generation, for the cross-server commands.
        $extra = if ($UserKeys) { @{ Username = $tn.username } } elseif ($HasAllowlist) { @{ Allowlist = '* *' } } else { @{} }
        function Get-KeyCount { [int](Get-SandboxState $url).keys }
    }

    AfterAll {
        Stop-TestSandbox $sb
    }

    Context 'Connect-TrueNas' {
        It 'opens a session that says what the server is (generation, transport, user)' {
            $s.Kind | Should -Be 'TrueNAS'
            $s.Family | Should -Be 'TrueNAS'
            $s.Product | Should -Be 'TrueNAS'
            $s.Generation | Should -Be $Version
            $s.Transport | Should -Be $Transport
            $s.Version | Should -BeLike "*$($tn.version)"
            $s.AuthMethod | Should -Be 'apiKey'
            $s.User | Should -Not -BeNullOrEmpty
            $s.Connected | Should -BeTrue
            $s | Should -BeOfType ([ApiKeys.ApiKeyServer])
        }

        It 'becomes the default TrueNAS session, and not a Connect-ApiKeyServer session' {
            $firstDefault | Should -Be $s
            @(Get-ApiKeyServer) | Should -Not -Contain $s
        }

        It 'logs in with -Credential (user name and password)' {
            $cred = [pscredential]::new($tn.username, (ConvertTo-SecureString $tn.password -AsPlainText -Force))
            $p = Connect-TrueNas -Uri $url -Credential $cred -PassThru
            try {
                $p.AuthMethod | Should -Be 'password'
                $p.User | Should -Be $tn.username
                @(Get-TrueNasApiKey -Session $p).id | Should -Contain ([long]$tn.apiKeyId)
            }
            finally { Disconnect-TrueNas -Session $p }
        }

        It 'a wrong key is a terminating AuthenticationError, and the session stays usable' {
            $wrong = $tn.apiKey.Substring(0, $tn.apiKey.Length - 4) + 'AAAA'
            $default = & (Get-Module ApiKeys) { $script:DefaultSession.TrueNAS }
            $err = { Connect-TrueNas -Uri $url -ApiKey $wrong } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'AuthenticationFailed,Connect-TrueNas'
            $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $err.Exception.Message | Should -BeLike "Failed to connect to TrueNAS at $url*"
            $err.Exception.Message | Should -Not -BeLike "*$wrong*"
            (& (Get-Module ApiKeys) { $script:DefaultSession.TrueNAS }) | Should -Be $default
            @(Get-TrueNasApiKey).Count | Should -BeGreaterOrEqual 1
        }

        if ($Version -eq '25.10') {
            It '-Transport Rest forces REST on 25.10' {
                $r = Connect-TrueNas -Uri $url -ApiKey $tn.apiKey -Transport Rest -PassThru
                try {
                    $r.Transport | Should -Be 'rest'
                    @(Get-TrueNasApiKey -Session $r).Count | Should -BeGreaterOrEqual 1
                }
                finally { Disconnect-TrueNas -Session $r }
            }
        }
    }

    Context 'Get-TrueNasApiKey (auth api_key query / get_instance)' {
        It 'lists the keys as <TypeName> objects with the generation''s properties' {
            $keys = @(Get-TrueNasApiKey)
            $admin = $keys | Where-Object id -eq ([long]$tn.apiKeyId)
            $admin | Should -Not -BeNullOrEmpty
            $admin.PSObject.TypeNames[0] | Should -Be $TypeName
            $admin | Should -BeOfType ([TrueNAS.ApiKeyEntry])
            $admin.id | Should -BeOfType ([long])
            $admin.name | Should -Not -BeNullOrEmpty
            $admin.created_at | Should -BeOfType ([datetime])
            $admin.created_at.Kind | Should -Be 'Utc'
            if ($HasAllowlist) {
                @($admin.allowlist).Count | Should -Be 1
                $admin.allowlist[0].method | Should -Be '*'
                $admin.allowlist[0].resource | Should -Be '*'
            }
            else { $admin.allowlist | Should -BeNullOrEmpty }
            if ($UserKeys) {
                $admin.username | Should -Be $tn.username
                $admin.revoked | Should -BeFalse
                $admin.expires_at | Should -BeNullOrEmpty
            }
            else {
                $admin.username | Should -BeNullOrEmpty
                $admin.revoked | Should -BeNullOrEmpty
            }
        }

        It 'shows the CLI''s columns in the default table' {
            $expected = if ($UserKeys) { @('id', 'name', 'username', 'created_at', 'expires_at', 'revoked') } else { @('id', 'name', 'created_at', 'allowlist') }
            Get-TableHeader @(Get-TrueNasApiKey) | Should -Be $expected
        }

        It 'gets keys by id, from -Id and from the pipeline; an unknown id is a non-terminating ObjectNotFound' {
            $id = [long]$tn.apiKeyId
            (Get-TrueNasApiKey -Id $id).id | Should -Be $id
            $got = @($id, 999999 | Get-TrueNasApiKey -ErrorVariable ev -ErrorAction SilentlyContinue)
            $got.Count | Should -Be 1
            $got[0].id | Should -Be $id
            $ev.Count | Should -Be 1
            $ev[0].FullyQualifiedErrorId | Should -Be 'ApiKeyNotFound,Get-TrueNasApiKey'
            $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $ev[0].TargetObject | Should -Be 999999
        }

        It 'filters by -Name, exactly and with wildcards (case-insensitive)' {
            $name = New-TestName 'Filter'
            $k = New-TrueNasApiKey -Name $name
            try {
                @(Get-TrueNasApiKey -Name $name).id | Should -Be @($k.id)
                @(Get-TrueNasApiKey -Name $name.ToUpperInvariant()).id | Should -Be @($k.id)
                @(Get-TrueNasApiKey -Name 'filter-*').id | Should -Be @($k.id)
                @(Get-TrueNasApiKey -Name 'no-such-key*').Count | Should -Be 0
            }
            finally { Remove-TrueNasApiKey -Id $k.id -Force }
        }
    }

    Context 'New-TrueNasApiKey (auth api_key create)' {
        It 'returns the new key once, as a SecureString (id, dash, 64 characters), and the key works' {
            $before = Get-KeyCount
            $k = New-TrueNasApiKey -Name (New-TestName 'new')
            try {
                $k | Should -BeOfType ([TrueNAS.ApiKeyEntryWithKey])
                $k.key | Should -BeOfType ([securestring])
                $plain = Get-Plain $k.key
                $plain | Should -Match $keyPattern
                $plain | Should -BeLike "$($k.id)-*"
                (Get-KeyCount) | Should -Be ($before + 1)
                (Get-TableHeader @($k)) | Should -Be @('id', 'name', 'username', 'key')
                ($k | Out-String) | Should -Not -BeLike "*$plain*"
                (Get-TrueNasApiKey -Id $k.id | Out-String) | Should -Not -BeLike "*$plain*"
                if ($UserKeys) { $k.username | Should -Be $tn.username }
                if ($HasAllowlist) { "$($k.allowlist[0].method) $($k.allowlist[0].resource)" | Should -Be '* *' -Because 'the default is full access' }
                $fresh = Connect-TrueNas -Uri $url -ApiKey $k.key -PassThru
                @(Get-TrueNasApiKey -Session $fresh).id | Should -Contain $k.id
                Disconnect-TrueNas -Session $fresh
            }
            finally { Remove-TrueNasApiKey -Id $k.id -Force }
        }

        It '-AsPlainText returns the secret as a string' {
            $k = New-TrueNasApiKey -Name (New-TestName 'plain') -AsPlainText
            try {
                $k.key | Should -BeOfType ([string])
                $k.key | Should -Match $keyPattern
            }
            finally { Remove-TrueNasApiKey -Id $k.id -Force }
        }

        It 'a duplicate name is refused with the server''s message' {
            $name = New-TestName 'dup'
            $k = New-TrueNasApiKey -Name $name
            try {
                $before = Get-KeyCount
                New-TrueNasApiKey -Name $name -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $ev.Count | Should -Be 1
                $ev[0].Exception.Message | Should -Match 'already exists|must be unique'
                (Get-KeyCount) | Should -Be $before
            }
            finally { Remove-TrueNasApiKey -Id $k.id -Force }
        }

        if ($HasAllowlist) {
            It '-Allowlist is stored as given (24.10)' {
                $k = New-TrueNasApiKey -Name (New-TestName 'allow') -Allowlist 'SUBSCRIBE certificate.query', @{ method = 'call'; resource = 'system.info' }
                try {
                    $got = Get-TrueNasApiKey -Id $k.id
                    @($got.allowlist | ForEach-Object { "$($_.method) $($_.resource)" }) | Should -Be @('SUBSCRIBE certificate.query', 'CALL system.info')
                    Get-TableHeader @($got) | Should -Be @('id', 'name', 'created_at', 'allowlist')
                    ($got | Format-Table | Out-String -Width 300) | Should -BeLike '*SUBSCRIBE certificate.query, CALL system.info*'
                }
                finally { Remove-TrueNasApiKey -Id $k.id -Force }
            }
        }

        if ($UserKeys) {
            It '-ExpiresAt is stored (25.04+), and -Username names the owner' {
                $when = [datetime]::UtcNow.AddDays(30)
                $k = New-TrueNasApiKey -Name (New-TestName 'exp') -ExpiresAt $when -Username $tn.username
                try {
                    $got = Get-TrueNasApiKey -Id $k.id
                    [math]::Abs(($got.expires_at - $when).TotalSeconds) | Should -BeLessThan 1
                    $got.expires_at.Kind | Should -Be 'Utc'
                    $got.username | Should -Be $tn.username
                }
                finally { Remove-TrueNasApiKey -Id $k.id -Force }
            }
        }

        It 'a field the generation does not know is an InvalidArgument naming it, and nothing is sent' {
            Clear-SandboxRequest $url
            $err = if ($HasAllowlist) {
                New-TrueNasApiKey -Name 'never' -ExpiresAt (Get-Date).AddDays(1) -ErrorVariable ev -ErrorAction SilentlyContinue
                $ev[0]
            }
            else {
                New-TrueNasApiKey -Name 'never' -Allowlist '* *' -ErrorVariable ev -ErrorAction SilentlyContinue
                $ev[0]
            }
            $err.FullyQualifiedErrorId | Should -Be 'InvalidArgument,New-TrueNasApiKey'
            $err.Exception.Message | Should -Match $(if ($HasAllowlist) { '^expiresAt' } else { '^allowlist' })
            @(Get-SandboxKeyChange $url).Count | Should -Be 0
        }

        if ($Version -eq '25.10') {
            It 'stops at the limit of 10 keys a user with the server''s message (25.10)' {
                $made = [System.Collections.Generic.List[object]]::new()
                try {
                    $ev = $null
                    for ($i = 0; $i -lt 12; $i++) {
                        $k = New-TrueNasApiKey -Name (New-TestName 'limit') -ErrorVariable ev -ErrorAction SilentlyContinue
                        if ($ev) { break }
                        $made.Add($k)
                    }
                    $ev | Should -Not -BeNullOrEmpty
                    $ev[0].Exception.Message | Should -BeLike '*limit of 10*'
                    @(Get-TrueNasApiKey | Where-Object username -eq $tn.username).Count | Should -Be 10
                }
                finally { $made | Remove-TrueNasApiKey -Force }
            }
        }
    }

    Context 'Set-TrueNasApiKey (auth api_key update)' {
        BeforeAll {
            $k = New-TrueNasApiKey -Name (New-TestName 'set') -AsPlainText
        }
        AfterAll {
            Remove-TrueNasApiKey -Id $k.id -Force -ErrorAction SilentlyContinue
        }

        It 'renames; nothing is returned without -PassThru' {
            $name = New-TestName 'renamed'
            Set-TrueNasApiKey -Id $k.id -Name $name | Should -BeNullOrEmpty
            (Get-TrueNasApiKey -Id $k.id).name | Should -Be $name
            $out = Set-TrueNasApiKey -Id $k.id -Name "$name-2" -PassThru
            $out.name | Should -Be "$name-2"
            $out.PSObject.TypeNames[0] | Should -Be $TypeName
        }

        if ($HasAllowlist) {
            It 'replaces the allowlist (24.10)' {
                $out = Get-TrueNasApiKey -Id $k.id | Set-TrueNasApiKey -Allowlist 'GET /pool' -PassThru
                @($out.allowlist | ForEach-Object { "$($_.method) $($_.resource)" }) | Should -Be @('GET /pool')
                # Back to full access: the -Reset test below connects with this key.
                Set-TrueNasApiKey -Id $k.id -Allowlist @{ method = '*'; resource = '*' }
            }
        }

        if ($UserKeys) {
            It 'sets and clears the expiry (25.04+)' {
                $when = [datetime]::UtcNow.AddDays(7)
                (Set-TrueNasApiKey -Id $k.id -ExpiresAt $when -PassThru).expires_at | Should -Not -BeNullOrEmpty
                [math]::Abs(((Get-TrueNasApiKey -Id $k.id).expires_at - $when).TotalSeconds) | Should -BeLessThan 1
                Set-TrueNasApiKey -Id $k.id -ExpiresAt $null
                (Get-TrueNasApiKey -Id $k.id).expires_at | Should -BeNullOrEmpty
            }
        }

        It '-Reset returns the new key (same id), the old secret stops working and the new one works' {
            $before = Get-KeyCount
            $old = $k.key
            $new = Set-TrueNasApiKey -Id $k.id -Reset -Force
            $new | Should -BeOfType ([TrueNAS.ApiKeyEntryWithKey])
            $new.id | Should -Be $k.id
            $new.key | Should -BeOfType ([securestring])
            $plain = Get-Plain $new.key
            $plain | Should -Match $keyPattern
            $plain | Should -BeLike "$($k.id)-*"
            $plain | Should -Not -Be $old
            (Get-KeyCount) | Should -Be $before
            $err = { Connect-TrueNas -Uri $url -ApiKey $old } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'AuthenticationFailed,Connect-TrueNas'
            $fresh = Connect-TrueNas -Uri $url -ApiKey $plain -PassThru
            $fresh.Connected | Should -BeTrue
            Disconnect-TrueNas -Session $fresh
            $k.key = $plain
        }

        It '-Reset with -Name renames and resets in one go; -AsPlainText gives a string' {
            $name = New-TestName 'reset-renamed'
            $out = @(Get-TrueNasApiKey -Id $k.id | Set-TrueNasApiKey -Name $name -Reset -Force -AsPlainText)
            $out.Count | Should -Be 1
            $out[0].name | Should -Be $name
            $out[0].key | Should -BeOfType ([string])
            $out[0].key | Should -Not -Be $k.key
            $k.key = $out[0].key
        }

        It 'an unknown id is a non-terminating ObjectNotFound; the other ids are still updated' {
            $name = New-TestName 'after-missing'
            999999, $k.id | Set-TrueNasApiKey -Name $name -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev.Count | Should -Be 1
            $ev[0].FullyQualifiedErrorId | Should -Be 'ApiKeyNotFound,Set-TrueNasApiKey'
            (Get-TrueNasApiKey -Id $k.id).name | Should -Be $name
        }

        It 'nothing to change is a terminating NothingToUpdate, sent nowhere' {
            Clear-SandboxRequest $url
            { Set-TrueNasApiKey -Id $k.id } | Should -Throw -ErrorId 'NothingToUpdate,Set-TrueNasApiKey'
            @(Get-SandboxRequest $url).Count | Should -Be 0
        }
    }

    Context 'Remove-TrueNasApiKey (auth api_key delete)' {
        It 'removes by id and from the pipeline; an unknown id is a non-terminating error' {
            $before = Get-KeyCount
            $a = New-TrueNasApiKey -Name (New-TestName 'rm')
            $b = New-TrueNasApiKey -Name (New-TestName 'rm')
            $c = New-TrueNasApiKey -Name (New-TestName 'rm')
            Remove-TrueNasApiKey -Id $a.id -Force | Should -BeNullOrEmpty
            Get-TrueNasApiKey -Id $b.id, $c.id | Remove-TrueNasApiKey -Confirm:$false
            Remove-TrueNasApiKey -Id 999999 -Force -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev[0].FullyQualifiedErrorId | Should -Be 'ApiKeyNotFound,Remove-TrueNasApiKey'
            (Get-KeyCount) | Should -Be $before
            @(Get-TrueNasApiKey).id | Should -Not -Contain $b.id
        }
    }

    Context 'ShouldProcess' {
        It '-WhatIf sends nothing and changes nothing (request log), even with -Force' {
            $k = New-TrueNasApiKey -Name (New-TestName 'whatif') -AsPlainText
            $obj = Get-TrueNasApiKey -Id $k.id
            $x = Connect-ApiKeyServer -Uri $url -ApiKey $tn.apiKey -PassThru
            $before = Get-KeyCount
            $cases = [ordered]@{
                'New-TrueNasApiKey'                    = { New-TrueNasApiKey -Name 'never' -WhatIf }
                'Set-TrueNasApiKey -Name'              = { Set-TrueNasApiKey -Id $k.id -Name 'never' -WhatIf }
                'Set-TrueNasApiKey -Reset -Force'      = { Set-TrueNasApiKey -Id $k.id -Reset -Force -WhatIf }
                'Set-TrueNasApiKey -Reset (pipeline)'  = { $obj | Set-TrueNasApiKey -Reset -WhatIf }
                'Remove-TrueNasApiKey -Force'          = { Remove-TrueNasApiKey -Id $k.id -Force -WhatIf }
                'Remove-TrueNasApiKey (pipeline)'      = { $obj | Remove-TrueNasApiKey -WhatIf }
                'New-ApiKey'                           = { New-ApiKey -Name 'never' -Server $x -WhatIf }
                'Reset-ApiKey -Force'                  = { Reset-ApiKey -Id "$($k.id)" -Server $x -Force -WhatIf }
                'Remove-ApiKey -Force'                 = { Remove-ApiKey -Id "$($k.id)" -Server $x -Force -WhatIf }
            }
            try {
                foreach ($name in $cases.Keys) {
                    Clear-SandboxRequest $url
                    $out = & $cases[$name]
                    $out | Should -BeNullOrEmpty -Because $name
                    $log = @(Get-SandboxRequest $url)
                    $log.Count | Should -Be 0 -Because "$name sent $(($log | ForEach-Object { "$($_.method) $($_.path)" }) -join '; ')"
                }
                (Get-KeyCount) | Should -Be $before
                (Get-TrueNasApiKey -Id $k.id).name | Should -Be $k.name
                $check = Connect-TrueNas -Uri $url -ApiKey $k.key -PassThru
                Disconnect-TrueNas -Session $check
            }
            finally {
                Disconnect-ApiKeyServer -Server $x
                Remove-TrueNasApiKey -Id $k.id -Force
            }
        }

        if ($Version -eq '13.3') {
            It 'Set-TrueNasApiKey -Reset and Remove-TrueNasApiKey ask first; No keeps the key (child pwsh)' {
                $k = New-TrueNasApiKey -Name (New-TestName 'prompt')
                $r = Invoke-ChildPwsh -Answers 'N', 'N', 'Y' -Environment @{ T_URL = $url; T_KEY = $tn.apiKey; T_ID = "$($k.id)" } -Script @'
Connect-TrueNas -Uri $env:T_URL -ApiKey $env:T_KEY
'=== R1'
$out = Set-TrueNasApiKey -Id $env:T_ID -Reset -AsPlainText
"R1 OUT $(@($out).Count)"
'=== R2'
Remove-TrueNasApiKey -Id $env:T_ID
'=== R3'
Set-TrueNasApiKey -Id $env:T_ID -Name 'prompt-renamed'
'=== R4'
$out = Set-TrueNasApiKey -Id $env:T_ID -Reset -AsPlainText
"R4 OUT $(@($out).Count)"
'=== END'
'@
                try {
                    $r.ExitCode | Should -Be 0 -Because $r.Output
                    $r.Output | Should -Match '=== END'
                    $prompt = 'Are you sure you want to perform this action?'
                    $section = { param($n) [regex]::Match($r.Output, "(?s)=== $n\r?\n(.*?)=== ").Groups[1].Value }
                    ([regex]::Matches((& $section 'R1'), [regex]::Escape($prompt))).Count | Should -Be 1 -Because '-Reset asks'
                    (& $section 'R1') | Should -Match 'R1 OUT 0'
                    ([regex]::Matches((& $section 'R2'), [regex]::Escape($prompt))).Count | Should -Be 1 -Because 'Remove asks'
                    ([regex]::Matches((& $section 'R3'), [regex]::Escape($prompt))).Count | Should -Be 0 -Because 'a rename does not ask'
                    ([regex]::Matches((& $section 'R4'), [regex]::Escape($prompt))).Count | Should -Be 1
                    (& $section 'R4') | Should -Match 'R4 OUT 1'
                    (Get-TrueNasApiKey -Id $k.id).name | Should -Be 'prompt-renamed'
                }
                finally { Remove-TrueNasApiKey -Id $k.id -Force }
            }
        }
    }

    Context 'The cross-server commands on TrueNAS' {
        BeforeAll {
            $x = Connect-ApiKeyServer -Uri $url -ApiKey $tn.apiKey -PassThru
        }
        AfterAll {
            Disconnect-ApiKeyServer -Server $x
        }

        It 'Connect-ApiKeyServer -Kind Auto recognises TrueNAS <Version>' {
            $x.Kind | Should -Be 'TrueNAS'
            $x.Generation | Should -Be $Version
            $x.Transport | Should -Be $Transport
            $x.User | Should -Not -BeNullOrEmpty
        }

        It 'New-, Get-, Set-, Reset- and Remove-ApiKey work; Reset keeps the id' {
            $before = Get-KeyCount
            $n = New-ApiKey -Name (New-TestName 'x') -Server $x @extra
            $n.Kind | Should -Be 'TrueNAS'
            $n.Secret | Should -BeOfType ([securestring])
            (Get-Plain $n.Secret) | Should -BeLike "$($n.Id)-*"
            $got = Get-ApiKey -Id $n.Id -Server $x
            $got.Kind | Should -Be 'TrueNAS'
            $got.Name | Should -Be $n.Name
            if ($UserKeys) { $got.Username | Should -Be $tn.username; $got.Revoked | Should -BeFalse }
            if ($HasAllowlist) { $got.Allowlist[0].Method | Should -Be '*' }
            $renamed = New-TestName 'x-renamed'
            (Set-ApiKey -Id $n.Id -Server $x -Name $renamed -PassThru).Name | Should -Be $renamed
            $rot = Reset-ApiKey -Id $n.Id -Server $x -Force -AsPlainText
            $rot.Id | Should -Be $n.Id
            $rot.Secret | Should -Match $keyPattern
            $rot.Secret | Should -Not -Be (Get-Plain $n.Secret)
            (Get-KeyCount) | Should -Be ($before + 1)
            Get-ApiKey -Name $renamed -Server $x | Remove-ApiKey -Force
            (Get-KeyCount) | Should -Be $before
        }

        It 'a Connect-TrueNas session works with Get-ApiKey -Server, and a key from Get-ApiKey pipes into the TrueNAS commands' {
            $k = New-TrueNasApiKey -Name (New-TestName 'both')
            try {
                $via = Get-ApiKey -Server $s -Name $k.name
                $via.Id | Should -Be "$($k.id)"
                $via.Server | Should -Be $s
                ($via | Get-TrueNasApiKey).name | Should -Be $k.name
            }
            finally { Remove-TrueNasApiKey -Id $k.id -Force }
        }

        It 'Enable-ApiKey and Disable-ApiKey are NotImplemented on TrueNAS (nothing is sent)' {
            Clear-SandboxRequest $url
            Disable-ApiKey -Id $tn.apiKeyId -Server $x -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev[0].FullyQualifiedErrorId | Should -Be 'NotSupported,Disable-ApiKey'
            $ev[0].CategoryInfo.Category | Should -Be 'NotImplemented'
            @(Get-SandboxKeyChange $url).Count | Should -Be 0
        }

        It 'New-ApiKey -Permission (an Immich field) is an InvalidArgument naming the field' {
            New-ApiKey -Name 'never' -Permission 'all' -Server $x -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev[0].FullyQualifiedErrorId | Should -Be 'InvalidArgument,New-ApiKey'
            $ev[0].Exception.Message | Should -Match '^permissions'
        }
    }

    Context 'Tab completion' {
        It 'completes -Id and -Name with the keys of the session (given with -Session or the default)' {
            $k = New-TrueNasApiKey -Name (New-TestName 'Complete Me')
            try {
                $global:trueNasCompletionSession = $s
                $line = 'Remove-TrueNasApiKey -Session $global:trueNasCompletionSession -Id '
                $c = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches)
                $c.CompletionText | Should -Contain "$($k.id)"
                ($c | Where-Object CompletionText -eq "$($k.id)").ListItemText | Should -Be "$($k.id) ($($k.name))"
                $line = 'Get-TrueNasApiKey -Session $global:trueNasCompletionSession -Name Complete'
                @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches).CompletionText | Should -Be @("'$($k.name)'")
            }
            finally {
                Remove-Variable trueNasCompletionSession -Scope Global -ErrorAction SilentlyContinue
                Remove-TrueNasApiKey -Id $k.id -Force
            }
        }
    }

    Context 'Disconnect-TrueNas' {
        It 'closes the session; using it afterwards says to run Connect-TrueNas' {
            $d = Connect-TrueNas -Uri $url -ApiKey $tn.apiKey -PassThru
            Disconnect-TrueNas
            $d.Connected | Should -BeFalse
            $d.Handle | Should -Be 0
            $err = { Get-TrueNasApiKey -Session $d } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'SessionClosed,Get-TrueNasApiKey'
            $err.Exception.Message | Should -BeLike '*Connect-TrueNas*'
            $err = { Get-TrueNasApiKey -Session:$null } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'NoTrueNasSession,Get-TrueNasApiKey'
            @(Get-TrueNasApiKey -Session $s).Count | Should -BeGreaterOrEqual 1 -Because 'other sessions stay open'
        }
    }
}

Describe 'TrueNAS 25.10: a key revoked for insecure transport' {
    BeforeAll {
        # --treat-as-remote: the sandbox treats this loopback client as another machine, so a
        # key login over plain ws:// revokes the key (contracts-truenas.md 5.1).
        $sb = Start-TestSandbox -Kind truenas -TrueNasVersion 25.10 -TreatAsRemote
        $tn = $sb.TrueNas
        $url = $tn.baseUrl
        $cred = [pscredential]::new($tn.username, (ConvertTo-SecureString $tn.password -AsPlainText -Force))
        $admin = Connect-TrueNas -Uri $url -Credential $cred -PassThru
    }
    AfterAll {
        Disconnect-TrueNas -Session $admin -ErrorAction SilentlyContinue
        Stop-TestSandbox $sb
    }

    It 'the login fails with a clear AuthenticationError; the key shows revoked with the reason; -Reset brings it back' {
        $k = New-TrueNasApiKey -Name (New-TestName 'revoked') -Session $admin -AsPlainText
        $err = { Connect-TrueNas -Uri $url -ApiKey $k.key } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Not -BeLike "*$($k.key)*"
        $got = Get-TrueNasApiKey -Session $admin -Id $k.id
        $got.revoked | Should -BeTrue
        $got.revoked_reason | Should -Be 'Attempt to use over an insecure transport'
        ($got | Format-Table | Out-String -Width 300) | Should -BeLike '*True (Attempt to use over an insecure transport)*'
        $new = Set-TrueNasApiKey -Session $admin -Id $k.id -Reset -Force -AsPlainText
        $new.id | Should -Be $k.id
        $new.revoked | Should -BeFalse
        (Get-TrueNasApiKey -Session $admin -Id $k.id).revoked | Should -BeFalse
    }
}
