Set-StrictMode -Version Latest

# Hardening (issue 12), at the cmdlet level:
# - bad input (wrong types, empty names, unknown permissions, out-of-range role ids, past expiry
#   dates, closed and foreign sessions): a clear ErrorRecord naming the field, and nothing sent
#   (the sandboxes' request logs prove it);
# - ForEach-Object -Parallel over one session: every result accounted for, the final key count
#   as expected;
# - TLS: verification on by default, -SkipCertificateCheck warns, -CertificateAuthority works,
#   a secret sent over plain http:// to a host other than loopback warns (TrueNAS 25.04+:
#   refused unless -AllowInsecureKeyTransport).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $sb = Start-TestSandbox -Kind all
    $immichUrl = $sb.Immich.baseUrl
    $jimUrl = $sb.Jim.baseUrl
    $tnUrl = $sb.TrueNas.baseUrl
    $urls = @($immichUrl, $jimUrl, $tnUrl)

    # Closed sessions of every family first (a later Connect makes the live ones the defaults).
    $closedIm = Connect-Immich -BaseURL $immichUrl -AccessToken $sb.Immich.apiKey -PassThru
    $closedX = Connect-ApiKeyServer -Uri $jimUrl -ApiKey $sb.Jim.apiKey -PassThru
    $closedTn = Connect-TrueNas -Uri $tnUrl -ApiKey $sb.TrueNas.apiKey -PassThru
    Disconnect-Immich -Session $closedIm
    Disconnect-ApiKeyServer -Server $closedX
    Disconnect-TrueNas -Session $closedTn

    $im = Connect-Immich -BaseURL $immichUrl -AccessToken $sb.Immich.apiKey -PassThru
    Connect-JIM -Url $jimUrl -ApiKey $sb.Jim.apiKey | Out-Null
    $jim = & (Get-Module ApiKeys) { $script:DefaultSession.JIM }
    $xJim = Connect-ApiKeyServer -Uri $jimUrl -ApiKey $sb.Jim.apiKey -PassThru
    $xIm = Connect-ApiKeyServer -Uri $immichUrl -ApiKey $sb.Immich.apiKey -PassThru
    $tn = Connect-TrueNas -Uri $tnUrl -ApiKey $sb.TrueNas.apiKey -PassThru

    # Existing keys to aim updates at.
    $imId = $sb.Immich.apiKeyId
    $jimKey = New-JIMApiKey -Name (New-TestName 'target') -RoleIds 3 -PassThru
    $jimId = "$($jimKey.Id)"
    $tnId = [long]$sb.TrueNas.apiKeyId

    function Clear-AllLogs { foreach ($u in $urls) { Clear-SandboxRequest $u } }
    function Get-AllRequests { foreach ($u in $urls) { Get-SandboxRequest $u } }
    function Get-AllKeyChanges { foreach ($u in $urls) { Get-SandboxKeyChange $u } }
    function Get-Counts { @($urls | ForEach-Object { [int](Get-SandboxState $_).keys }) -join ',' }
    function Format-Log([object[]]$Log) { ($Log | ForEach-Object { "$($_.method) $($_.path)" }) -join '; ' }
}

AfterAll {
    Get-Module ApiKeys | Remove-Module -Force
    Stop-TestSandbox $sb
}

Describe 'Bad input: a clear ErrorRecord naming the field, and nothing sent' {
    BeforeAll {
        # Name -> @{ Run; ErrorId (FullyQualifiedErrorId); Field (regex the message must match) }.
        # Per-item errors are non-terminating: -ErrorAction Stop makes them throw here.
        $cases = @{
            # Wrong types (PowerShell's parameter binding names the parameter)
            'Get-IMAPIKey -Id not-a-guid'           = @{ Run = { Get-IMAPIKey -Session $im -Id 'not-a-guid' }; ErrorId = 'ParameterArgumentTransformationError,Get-IMAPIKey'; Field = "parameter 'Id'" }
            'Remove-JIMApiKey -Id abc'               = @{ Run = { Remove-JIMApiKey -Id 'abc' -Force }; ErrorId = 'ParameterArgumentTransformationError,Remove-JIMApiKey'; Field = "parameter 'Id'" }
            'New-JIMApiKey -RoleIds admin'           = @{ Run = { New-JIMApiKey -Name 'never' -RoleIds 'admin' }; ErrorId = 'ParameterArgumentTransformationError,New-JIMApiKey'; Field = "parameter 'RoleIds'" }
            'New-ApiKey -ExpiresAt not-a-date'       = @{ Run = { New-ApiKey -Name 'never' -ExpiresAt 'next blue moon' -Server $xJim }; ErrorId = 'ParameterArgumentTransformationError,New-ApiKey'; Field = "parameter 'ExpiresAt'" }
            'Get-TrueNasApiKey -Id seven'            = @{ Run = { Get-TrueNasApiKey -Session $tn -Id 'seven' }; ErrorId = 'ParameterArgumentTransformationError,Get-TrueNasApiKey'; Field = "parameter 'Id'" }
            'Remove-TrueNasApiKey -Id 0'             = @{ Run = { Remove-TrueNasApiKey -Session $tn -Id 0 -Force }; ErrorId = 'ParameterArgumentValidationError,Remove-TrueNasApiKey'; Field = "parameter 'Id'" }
            'Get-ApiKey -Server a string'            = @{ Run = { Get-ApiKey -Server 'http://127.0.0.1:9' }; ErrorId = 'ParameterArgumentTransformationError,Get-ApiKey'; Field = "parameter 'Server'" }
            'Connect-ApiKeyServer -ApiKey 42'        = @{ Run = { Connect-ApiKeyServer -Uri $jimUrl -ApiKey 42 }; ErrorId = 'InvalidApiKeyType,Connect-ApiKeyServer'; Field = '-ApiKey' }
            'Connect-TrueNas -ApiKey 42'             = @{ Run = { Connect-TrueNas -Uri $tnUrl -ApiKey 42 }; ErrorId = 'InvalidApiKeyType,Connect-TrueNas'; Field = '-ApiKey' }
            'Set-ApiKey -Id not-a-guid (Immich)'     = @{ Run = { Set-ApiKey -Id 'not-a-guid' -Name 'never' -Server $xIm -ErrorAction Stop }; ErrorId = 'InvalidArgument,Set-ApiKey'; Field = '^id: ' }
            'Remove-ApiKey -Id abc (TrueNAS)'        = @{ Run = { Remove-ApiKey -Id 'abc' -Server $tn -Force -ErrorAction Stop }; ErrorId = 'InvalidArgument,Remove-ApiKey'; Field = '^id: ' }
            'Remove-JIMApiKey -InputObject no Id'    = @{ Run = { Remove-JIMApiKey -InputObject ([pscustomobject]@{ Name = 'no id' }) -Force -ErrorAction Stop }; ErrorId = 'InputObjectWithoutId,Remove-JIMApiKey'; Field = 'Id property' }
            'New-TrueNasApiKey -Allowlist 42'        = @{ Run = { New-TrueNasApiKey -Session $tn -Name 'never' -Allowlist 42 }; ErrorId = 'InvalidAllowlist,New-TrueNasApiKey'; Field = '^-Allowlist: item 1' }

            # Empty and blank names
            'New-IMAPIKey -Name empty'               = @{ Run = { New-IMAPIKey -Session $im -Name '' }; ErrorId = 'ParameterArgumentValidationError,New-IMAPIKey'; Field = "parameter 'Name'" }
            'New-JIMApiKey -Name empty'              = @{ Run = { New-JIMApiKey -Name '' }; ErrorId = 'ParameterArgumentValidationErrorEmptyStringNotAllowed,New-JIMApiKey'; Field = "parameter 'Name'" }
            'New-ApiKey -Name empty'                 = @{ Run = { New-ApiKey -Name '' -Server $xJim }; ErrorId = 'ParameterArgumentValidationError,New-ApiKey'; Field = "parameter 'Name'" }
            'New-TrueNasApiKey -Name empty'          = @{ Run = { New-TrueNasApiKey -Session $tn -Name '' }; ErrorId = 'ParameterArgumentValidationError,New-TrueNasApiKey'; Field = "parameter 'Name'" }
            'Rename-IMAPIKey -Name empty'            = @{ Run = { Rename-IMAPIKey -Session $im -Id $imId -Name '' }; ErrorId = 'ParameterArgumentValidationError,Rename-IMAPIKey'; Field = "parameter 'Name'" }
            'Set-JIMApiKey -Name empty'              = @{ Run = { Set-JIMApiKey -Id $jimId -Name '' }; ErrorId = 'ParameterArgumentValidationError,Set-JIMApiKey'; Field = "parameter 'Name'" }
            'Set-TrueNasApiKey -Name empty'          = @{ Run = { Set-TrueNasApiKey -Session $tn -Id $tnId -Name '' }; ErrorId = 'ParameterArgumentValidationError,Set-TrueNasApiKey'; Field = "parameter 'Name'" }
            'New-JIMApiKey -Name blank'              = @{ Run = { New-JIMApiKey -Name '   ' -PassThru -ErrorAction Stop }; ErrorId = 'InvalidArgument,New-JIMApiKey'; Field = 'name: must not be empty' }
            'New-IMAPIKey -Name blank'               = @{ Run = { New-IMAPIKey -Session $im -Name "`t " -ErrorAction Stop }; ErrorId = 'InvalidArgument,New-IMAPIKey'; Field = '^name: must not be empty' }
            'New-ApiKey -Name blank (TrueNAS)'       = @{ Run = { New-ApiKey -Name '  ' -Server $tn -ErrorAction Stop }; ErrorId = 'InvalidArgument,New-ApiKey'; Field = '^name: must not be empty' }
            'Rename-IMAPIKey -Name blank'            = @{ Run = { Rename-IMAPIKey -Session $im -Id $imId -Name ' ' -ErrorAction Stop }; ErrorId = 'InvalidArgument,Rename-IMAPIKey'; Field = '^name: must not be empty' }
            'New-JIMApiKey -Name 201 characters'     = @{ Run = { New-JIMApiKey -Name ('x' * 201) -ErrorAction Stop }; ErrorId = 'InvalidArgument,New-JIMApiKey'; Field = 'name: must be at most 200 characters' }
            'New-TrueNasApiKey -Name control char'   = @{ Run = { New-TrueNasApiKey -Session $tn -Name "a`nb" -ErrorAction Stop }; ErrorId = 'InvalidArgument,New-TrueNasApiKey'; Field = '^name: must not contain control characters' }

            # Unknown permissions
            'New-IMAPIKey -Permission unknown'       = @{ Run = { New-IMAPIKey -Session $im -Name 'never' -Permission 'bogus.perm' -ErrorAction Stop }; ErrorId = 'InvalidArgument,New-IMAPIKey'; Field = "^permissions: 'bogus.perm' is not a permission" }
            'Set-IMAPIKey -Permission unknown'       = @{ Run = { Set-IMAPIKey -Session $im -Id $imId -Permission 'asset.read', 'nope' -ErrorAction Stop }; ErrorId = 'InvalidArgument,Set-IMAPIKey'; Field = "^permissions: 'nope'" }
            'New-IMAPIKey -Permission empty'         = @{ Run = { New-IMAPIKey -Session $im -Name 'never' -Permission '' }; ErrorId = 'ParameterArgumentValidationError,New-IMAPIKey'; Field = "parameter 'Permission'" }
            'New-ApiKey -Permission on JIM'          = @{ Run = { New-ApiKey -Name 'never' -Permission 'asset.read' -Server $xJim -ErrorAction Stop }; ErrorId = 'InvalidArgument,New-ApiKey'; Field = '^permissions: JIM keys have no such field' }
            'New-ApiKey -Permission on TrueNAS'      = @{ Run = { New-ApiKey -Name 'never' -Permission 'all' -Server $tn -ErrorAction Stop }; ErrorId = 'InvalidArgument,New-ApiKey'; Field = '^permissions: TrueNAS keys have no such field' }
            'New-ApiKey -Allowlist unknown method'   = @{ Run = { New-ApiKey -Name 'never' -Allowlist 'FETCH /pool' -Server $tn }; ErrorId = 'InvalidAllowlist,New-ApiKey'; Field = "^-Allowlist: item 1 \('FETCH /pool'\) has method 'FETCH'" }
            'Set-TrueNasApiKey -Allowlist no method' = @{ Run = { Set-TrueNasApiKey -Session $tn -Id $tnId -Allowlist @{ resource = '*' } }; ErrorId = 'InvalidAllowlist,Set-TrueNasApiKey'; Field = '^-Allowlist: item 1' }
            'New-TrueNasApiKey -Allowlist (25.10)'   = @{ Run = { New-TrueNasApiKey -Session $tn -Name 'never' -Allowlist '* *' -ErrorAction Stop }; ErrorId = 'InvalidArgument,New-TrueNasApiKey'; Field = '^allowlist: TrueNAS 25.10 keys have no such field' }

            # Out-of-range role ids
            'New-JIMApiKey -RoleIds 0'               = @{ Run = { New-JIMApiKey -Name 'never' -RoleIds 0 -ErrorAction Stop }; ErrorId = 'InvalidArgument,New-JIMApiKey'; Field = 'roleIds: 0 is not a valid role id' }
            'New-ApiKey -RoleId -3'                  = @{ Run = { New-ApiKey -Name 'never' -RoleId -3 -Server $xJim -ErrorAction Stop }; ErrorId = 'InvalidArgument,New-ApiKey'; Field = '^roleIds: -3 is not a valid role id' }
            'Set-JIMApiKey -RoleIds 1,0'             = @{ Run = { Set-JIMApiKey -Id $jimId -RoleIds 1, 0 -ErrorAction Stop }; ErrorId = 'InvalidArgument,Set-JIMApiKey'; Field = 'roleIds: 0 is not a valid role id' }
            'Set-ApiKey -RoleId 3,3'                 = @{ Run = { Set-ApiKey -Id $jimId -Server $xJim -RoleId 3, 3 -ErrorAction Stop }; ErrorId = 'InvalidArgument,Set-ApiKey'; Field = '^roleIds: role 3 is listed twice' }
            'New-JIMApiKey -RoleIds 2^31'            = @{ Run = { New-JIMApiKey -Name 'never' -RoleIds 2147483648 }; ErrorId = 'ParameterArgumentTransformationError,New-JIMApiKey'; Field = "parameter 'RoleIds'" }
            'New-ApiKey -RoleId on Immich'           = @{ Run = { New-ApiKey -Name 'never' -RoleId 1 -Server $xIm -ErrorAction Stop }; ErrorId = 'InvalidArgument,New-ApiKey'; Field = '^roleIds: Immich keys have no such field' }

            # Past expiry dates
            'New-JIMApiKey -ExpiresAt yesterday'     = @{ Run = { New-JIMApiKey -Name 'never' -ExpiresAt (Get-Date).AddDays(-1) }; ErrorId = 'ExpiryInPast,New-JIMApiKey'; Field = '^-ExpiresAt: .* is in the past' }
            'Set-JIMApiKey -ExpiresAt 2020'          = @{ Run = { Set-JIMApiKey -Id $jimId -ExpiresAt '2020-01-01' }; ErrorId = 'ExpiryInPast,Set-JIMApiKey'; Field = '^-ExpiresAt: 2020-01-01' }
            'New-ApiKey -ExpiresAt 5 minutes ago'    = @{ Run = { New-ApiKey -Name 'never' -ExpiresAt (Get-Date).AddMinutes(-5) -Server $xJim }; ErrorId = 'ExpiryInPast,New-ApiKey'; Field = '^-ExpiresAt: ' }
            'Set-ApiKey -ExpiresAt 2001'             = @{ Run = { Set-ApiKey -Id $jimId -Server $xJim -ExpiresAt ([datetime]::SpecifyKind([datetime]'2001-01-01', 'Utc')) }; ErrorId = 'ExpiryInPast,Set-ApiKey'; Field = '^-ExpiresAt: 2001-01-01T00:00:00' }
            'New-TrueNasApiKey -ExpiresAt now'       = @{ Run = { New-TrueNasApiKey -Session $tn -Name 'never' -ExpiresAt ([datetime]::UtcNow) }; ErrorId = 'ExpiryInPast,New-TrueNasApiKey'; Field = '^-ExpiresAt: ' }
            'Set-TrueNasApiKey -ExpiresAt 2020'      = @{ Run = { Set-TrueNasApiKey -Session $tn -Id $tnId -ExpiresAt '2020-06-01' }; ErrorId = 'ExpiryInPast,Set-TrueNasApiKey'; Field = '^-ExpiresAt: 2020-06-01' }

            # Closed sessions
            'Get-IMAPIKey, closed session'           = @{ Run = { Get-IMAPIKey -Session $closedIm }; ErrorId = 'SessionClosed,Get-IMAPIKey'; Field = 'closed.*Run Connect-Immich' }
            'New-IMAPIKey, closed session'           = @{ Run = { New-IMAPIKey -Session $closedIm -Name 'never' }; ErrorId = 'SessionClosed,New-IMAPIKey'; Field = 'Connect-Immich' }
            'Get-ApiKey, closed session'             = @{ Run = { Get-ApiKey -Server $closedX }; ErrorId = 'SessionClosed,Get-ApiKey'; Field = 'closed.*Run Connect-ApiKeyServer' }
            'Remove-ApiKey, closed session'          = @{ Run = { Remove-ApiKey -Id $jimId -Server $closedX -Force }; ErrorId = 'SessionClosed,Remove-ApiKey'; Field = 'Connect-ApiKeyServer' }
            'New-TrueNasApiKey, closed session'      = @{ Run = { New-TrueNasApiKey -Session $closedTn -Name 'never' }; ErrorId = 'SessionClosed,New-TrueNasApiKey'; Field = 'closed.*Run Connect-TrueNas' }
            'Set-TrueNasApiKey -Reset, closed'       = @{ Run = { Set-TrueNasApiKey -Session $closedTn -Id $tnId -Reset -Force }; ErrorId = 'SessionClosed,Set-TrueNasApiKey'; Field = 'Connect-TrueNas' }

            # Foreign sessions
            'Get-IMAPIKey -Session (JIM)'            = @{ Run = { Get-IMAPIKey -Session $jim }; ErrorId = 'ParameterArgumentTransformationError,Get-IMAPIKey'; Field = "parameter 'Session'.*ImmichSession" }
            'Remove-IMAPIKey -Session (JIM)'         = @{ Run = { Remove-IMAPIKey -Session $jim -Id $imId -Force }; ErrorId = 'ParameterArgumentTransformationError,Remove-IMAPIKey'; Field = "parameter 'Session'" }
            'New-IMAPIKey -Session (cross-server)'   = @{ Run = { New-IMAPIKey -Session $xIm -Name 'never' }; ErrorId = 'ParameterArgumentTransformationError,New-IMAPIKey'; Field = "parameter 'Session'" }
            'Get-TrueNasApiKey -Session (JIM)'       = @{ Run = { Get-TrueNasApiKey -Session $jim }; ErrorId = 'SessionKindMismatch,Get-TrueNasApiKey'; Field = '^-Session: a JIM session' }
            'Remove-TrueNasApiKey -Session (Immich)' = @{ Run = { Remove-TrueNasApiKey -Session $xIm -Id 1 -Force }; ErrorId = 'SessionKindMismatch,Remove-TrueNasApiKey'; Field = '^-Session: an? Immich session' }
            'New-TrueNasApiKey -Session (Immich)'    = @{ Run = { New-TrueNasApiKey -Session $im -Name 'never' }; ErrorId = 'ParameterArgumentTransformationError,New-TrueNasApiKey'; Field = "parameter 'Session'" }
            'Get-ApiKey -Server (ImmichSession)'     = @{ Run = { Get-ApiKey -Server $im }; ErrorId = 'ParameterArgumentTransformationError,Get-ApiKey'; Field = "parameter 'Server'" }
        }
    }

    It '<_>' -ForEach @(
        'Get-IMAPIKey -Id not-a-guid', 'Remove-JIMApiKey -Id abc', 'New-JIMApiKey -RoleIds admin', 'New-ApiKey -ExpiresAt not-a-date',
        'Get-TrueNasApiKey -Id seven', 'Remove-TrueNasApiKey -Id 0', 'Get-ApiKey -Server a string', 'Connect-ApiKeyServer -ApiKey 42',
        'Connect-TrueNas -ApiKey 42', 'Set-ApiKey -Id not-a-guid (Immich)', 'Remove-ApiKey -Id abc (TrueNAS)', 'Remove-JIMApiKey -InputObject no Id',
        'New-TrueNasApiKey -Allowlist 42',
        'New-IMAPIKey -Name empty', 'New-JIMApiKey -Name empty', 'New-ApiKey -Name empty', 'New-TrueNasApiKey -Name empty',
        'Rename-IMAPIKey -Name empty', 'Set-JIMApiKey -Name empty', 'Set-TrueNasApiKey -Name empty', 'New-JIMApiKey -Name blank',
        'New-IMAPIKey -Name blank', 'New-ApiKey -Name blank (TrueNAS)', 'Rename-IMAPIKey -Name blank', 'New-JIMApiKey -Name 201 characters',
        'New-TrueNasApiKey -Name control char',
        'New-IMAPIKey -Permission unknown', 'Set-IMAPIKey -Permission unknown', 'New-IMAPIKey -Permission empty', 'New-ApiKey -Permission on JIM',
        'New-ApiKey -Permission on TrueNAS', 'New-ApiKey -Allowlist unknown method', 'Set-TrueNasApiKey -Allowlist no method',
        'New-TrueNasApiKey -Allowlist (25.10)',
        'New-JIMApiKey -RoleIds 0', 'New-ApiKey -RoleId -3', 'Set-JIMApiKey -RoleIds 1,0', 'Set-ApiKey -RoleId 3,3', 'New-JIMApiKey -RoleIds 2^31',
        'New-ApiKey -RoleId on Immich',
        'New-JIMApiKey -ExpiresAt yesterday', 'Set-JIMApiKey -ExpiresAt 2020', 'New-ApiKey -ExpiresAt 5 minutes ago', 'Set-ApiKey -ExpiresAt 2001',
        'New-TrueNasApiKey -ExpiresAt now', 'Set-TrueNasApiKey -ExpiresAt 2020',
        'Get-IMAPIKey, closed session', 'New-IMAPIKey, closed session', 'Get-ApiKey, closed session', 'Remove-ApiKey, closed session',
        'New-TrueNasApiKey, closed session', 'Set-TrueNasApiKey -Reset, closed',
        'Get-IMAPIKey -Session (JIM)', 'Remove-IMAPIKey -Session (JIM)', 'New-IMAPIKey -Session (cross-server)', 'Get-TrueNasApiKey -Session (JIM)',
        'Remove-TrueNasApiKey -Session (Immich)', 'New-TrueNasApiKey -Session (Immich)', 'Get-ApiKey -Server (ImmichSession)'
    ) {
        $case = $cases[$_]
        $case | Should -Not -BeNullOrEmpty -Because "the case '$_' is defined"
        $counts = Get-Counts
        Clear-AllLogs
        $err = $case.Run | Should -Throw -PassThru
        $err | Should -BeOfType ([System.Management.Automation.ErrorRecord])
        $err.FullyQualifiedErrorId | Should -Be $case.ErrorId
        $err.Exception.Message | Should -Match $case.Field
        $err.CategoryInfo.Category | Should -BeIn @('InvalidArgument', 'InvalidData', 'InvalidOperation')
        $log = @(Get-AllRequests)
        $log.Count | Should -Be 0 -Because "nothing may be sent (sent: $(Format-Log $log))"
        Get-Counts | Should -Be $counts
    }

    It 'every case above has a test' {
        # Guards against a case defined but not listed (the It list is the discovery-time copy).
        $cases.Count | Should -Be 59
    }

    It 'a role id the server does not have: the server''s message, and no key is made' {
        $counts = Get-Counts
        Clear-AllLogs
        New-JIMApiKey -Name (New-TestName 'role99') -RoleIds 99 -PassThru -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev.Count | Should -Be 1
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].Exception.Message | Should -BeLike '*role*'
        Get-Counts | Should -Be $counts
        @(Get-AllKeyChanges | Where-Object status -lt 400).Count | Should -Be 0
    }

    It 'a JIM command after Disconnect-JIM says to run Connect-JIM, and sends nothing' {
        try {
            Disconnect-JIM 6>$null
            Clear-AllLogs
            $err = { Get-JIMApiKey } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'NotConnected,Get-JIMApiKey'
            $err.Exception.Message | Should -BeLike '*Connect-JIM*'
            $err = { Set-JIMApiKey -Id $jimId -Name 'never' } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'NotConnected,Set-JIMApiKey'
            @(Get-AllRequests).Count | Should -Be 0
        }
        finally {
            Connect-JIM -Url $jimUrl -ApiKey $sb.Jim.apiKey | Out-Null
        }
    }

    It 'Disconnect-TrueNas refuses a session of another kind (non-terminating) and leaves it open' {
        Disconnect-TrueNas -Session $xJim -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -Be 'SessionKindMismatch,Disconnect-TrueNas'
        $xJim.Connected | Should -BeTrue
    }

    It 'a failed command leaves the session usable' {
        { New-IMAPIKey -Session $im -Name 'never' -Permission 'bogus' -ErrorAction Stop } | Should -Throw
        @(Get-IMAPIKey -Session $im).Count | Should -BeGreaterOrEqual 1
        @(Get-TrueNasApiKey -Session $tn).Count | Should -BeGreaterOrEqual 1
        @(Get-ApiKey -Server $xJim).Count | Should -BeGreaterOrEqual 1
    }
}

Describe 'ForEach-Object -Parallel over one session' {
    BeforeAll {
        $manifest = Get-ApiKeysManifestPath
    }

    It '200 creates then 200 gets and deletes on one cross-server session (-ThrottleLimit 8): every result accounted for' {
        $base = [int](Get-SandboxState $jimUrl).keys
        $prefix = New-TestName 'par'
        $x = $xJim
        $created = @(1..200 | ForEach-Object -ThrottleLimit 8 -Parallel {
                Import-Module $using:manifest
                $i = $_
                try {
                    $k = New-ApiKey -Name "$($using:prefix)-$i" -RoleId 3 -Server $using:x -AsPlainText -ErrorAction Stop
                    [pscustomobject]@{ I = $i; Id = $k.Id; Name = $k.Name; Secret = $k.Secret; Error = $null }
                }
                catch { [pscustomobject]@{ I = $i; Id = $null; Name = $null; Secret = $null; Error = "$($_.FullyQualifiedErrorId): $_" } }
            })
        $created.Count | Should -Be 200
        @($created | Where-Object Error) | Should -BeNullOrEmpty
        @($created.I | Sort-Object -Unique).Count | Should -Be 200
        @($created.Id | Sort-Object -Unique).Count | Should -Be 200
        @($created.Secret | Sort-Object -Unique).Count | Should -Be 200
        foreach ($c in $created) { $c.Name | Should -Be "$prefix-$($c.I)" }
        [int](Get-SandboxState $jimUrl).keys | Should -Be ($base + 200)
        @(Get-ApiKey -Server $x -Name "$prefix-*").Count | Should -Be 200

        $removed = @($created | ForEach-Object -ThrottleLimit 8 -Parallel {
                Import-Module $using:manifest
                $c = $_
                try {
                    $k = Get-ApiKey -Id $c.Id -Server $using:x -ErrorAction Stop
                    Remove-ApiKey -Id $c.Id -Server $using:x -Force -ErrorAction Stop
                    [pscustomobject]@{ Id = $c.Id; Name = $k.Name; Error = $null }
                }
                catch { [pscustomobject]@{ Id = $c.Id; Name = $null; Error = "$($_.FullyQualifiedErrorId): $_" } }
            })
        $removed.Count | Should -Be 200
        @($removed | Where-Object Error) | Should -BeNullOrEmpty
        @($removed.Id | Sort-Object -Unique).Count | Should -Be 200
        foreach ($r in $removed) { $r.Name | Should -BeLike "$prefix-*" }
        [int](Get-SandboxState $jimUrl).keys | Should -Be $base
        $x.Connected | Should -BeTrue
    }

    It '100 create-and-delete rounds on one Immich session through the Immich commands' {
        $base = [int](Get-SandboxState $immichUrl).keys
        $prefix = New-TestName 'impar'
        $session = $im
        $results = @(1..100 | ForEach-Object -ThrottleLimit 8 -Parallel {
                Import-Module $using:manifest
                $i = $_
                try {
                    $k = New-IMAPIKey -Session $using:session -Name "$($using:prefix)-$i" -Permission 'asset.read' -ErrorAction Stop
                    $got = Get-IMAPIKey -Session $using:session -Id $k.apiKey.id -ErrorAction Stop
                    Remove-IMAPIKey -Session $using:session -Id $k.apiKey.id -Force -ErrorAction Stop
                    [pscustomobject]@{ I = $i; Id = $k.apiKey.id; Name = $got.name; Error = $null }
                }
                catch { [pscustomobject]@{ I = $i; Id = $null; Name = $null; Error = "$($_.FullyQualifiedErrorId): $_" } }
            })
        $results.Count | Should -Be 100
        @($results | Where-Object Error) | Should -BeNullOrEmpty
        @($results.Id | Sort-Object -Unique).Count | Should -Be 100
        foreach ($r in $results) { $r.Name | Should -Be "$prefix-$($r.I)" }
        [int](Get-SandboxState $immichUrl).keys | Should -Be $base
        @(Get-IMAPIKey -Session $im | Where-Object name -like "$prefix-*").Count | Should -Be 0
    }

    It 'errors in parallel runspaces are per item and the other items still succeed' {
        $x = $xJim
        $base = [int](Get-SandboxState $jimUrl).keys
        $results = @(1..16 | ForEach-Object -ThrottleLimit 8 -Parallel {
                Import-Module $using:manifest
                $i = $_
                $role = if ($i % 4 -eq 0) { 0 } else { 3 }
                try {
                    $k = New-ApiKey -Name "pe-$i-$([guid]::NewGuid().ToString('n').Substring(0, 6))" -RoleId $role -Server $using:x -ErrorAction Stop
                    Remove-ApiKey -Id $k.Id -Server $using:x -Force -ErrorAction Stop
                    [pscustomobject]@{ I = $i; Ok = $true; ErrorId = $null }
                }
                catch { [pscustomobject]@{ I = $i; Ok = $false; ErrorId = $_.FullyQualifiedErrorId } }
            })
        $results.Count | Should -Be 16
        @($results | Where-Object Ok).Count | Should -Be 12
        @($results | Where-Object { -not $_.Ok }).ErrorId | Sort-Object -Unique | Should -Be 'InvalidArgument,New-ApiKey'
        [int](Get-SandboxState $jimUrl).keys | Should -Be $base
    }
}

Describe 'TLS: verification on by default, -SkipCertificateCheck, -CertificateAuthority' {
    BeforeAll {
        $tls = Start-TestSandbox -Kind all -Https
        $ca = $tls.Info.caFile
        $ca | Should -Not -BeNullOrEmpty
        $connect = @{
            'Connect-Immich'       = { param($extra) Connect-Immich -BaseURL $tls.Immich.baseUrl -AccessToken $tls.Immich.apiKey -PassThru @extra }
            'Connect-JIM'          = { param($extra) Connect-JIM -Url $tls.Jim.baseUrl -ApiKey $tls.Jim.apiKey @extra }
            'Connect-ApiKeyServer' = { param($extra) Connect-ApiKeyServer -Uri $tls.Jim.baseUrl -ApiKey $tls.Jim.apiKey -PassThru @extra }
            'Connect-TrueNas'      = { param($extra) Connect-TrueNas -Uri $tls.TrueNas.baseUrl -ApiKey $tls.TrueNas.apiKey -PassThru @extra }
        }
        function Get-TlsLog { @($tls.Immich.baseUrl, $tls.Jim.baseUrl, $tls.TrueNas.baseUrl | ForEach-Object { Get-SandboxRequest $_ }) }
        # Runs a connect command; returns @{ Output; Warnings } (warnings read from stream 3).
        function Invoke-Connect([string]$Name, [hashtable]$Extra) {
            $all = @(& $connect[$Name] $Extra 3>&1)
            @{
                Output   = @($all | Where-Object { $_ -isnot [System.Management.Automation.WarningRecord] })
                Warnings = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
            }
        }
    }
    AfterAll {
        Stop-TestSandbox $tls
        Connect-Immich -BaseURL $immichUrl -AccessToken $sb.Immich.apiKey
        Connect-JIM -Url $jimUrl -ApiKey $sb.Jim.apiKey | Out-Null
    }

    It '<_>: an untrusted certificate is a terminating SecurityError, and no request gets through' -ForEach @('Connect-Immich', 'Connect-JIM', 'Connect-ApiKeyServer', 'Connect-TrueNas') {
        foreach ($u in $tls.Immich.baseUrl, $tls.Jim.baseUrl, $tls.TrueNas.baseUrl) { Clear-SandboxRequest $u }
        $err = { & $connect[$_] @{} } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be "TlsFailed,$_"
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*-CertificateAuthority*'
        @(Get-TlsLog).Count | Should -Be 0 -Because 'the TLS handshake fails before any HTTP request'
    }

    It '<_> -CertificateAuthority (the sandbox''s CA file) connects without a warning' -ForEach @('Connect-Immich', 'Connect-JIM', 'Connect-ApiKeyServer', 'Connect-TrueNas') {
        $r = Invoke-Connect $_ @{ CertificateAuthority = $ca }
        $r.Output.Count | Should -Be 1
        $r.Output[0].Connected | Should -BeTrue
        $r.Warnings.Count | Should -Be 0
    }

    It '<_> -SkipCertificateCheck connects, with a warning' -ForEach @('Connect-Immich', 'Connect-JIM', 'Connect-ApiKeyServer', 'Connect-TrueNas') {
        $r = Invoke-Connect $_ @{ SkipCertificateCheck = $true }
        $r.Output[0].Connected | Should -BeTrue
        $r.Warnings.Count | Should -Be 1
        $r.Warnings[0].Message | Should -BeLike 'Certificate checks are off for https://*-SkipCertificateCheck*'
    }

    It 'the TrueNAS commands work over wss:// with -CertificateAuthority (create, reset, remove)' {
        $s = Connect-TrueNas -Uri $tls.TrueNas.baseUrl -ApiKey $tls.TrueNas.apiKey -CertificateAuthority $ca -PassThru
        $s.Transport | Should -Be 'websocket'
        $k = New-TrueNasApiKey -Session $s -Name (New-TestName 'wss') -AsPlainText
        $r = Set-TrueNasApiKey -Session $s -Id $k.id -Reset -Force -AsPlainText
        $r.key | Should -Not -Be $k.key
        Remove-TrueNasApiKey -Session $s -Id $k.id -Force
        @(Get-TrueNasApiKey -Session $s).id | Should -Not -Contain $k.id
        Disconnect-TrueNas -Session $s
    }

    It 'a missing -CertificateAuthority file is a terminating ObjectNotFound naming the path, before anything is sent' -ForEach @('Connect-Immich', 'Connect-JIM', 'Connect-TrueNas') {
        $err = { & $connect[$_] @{ CertificateAuthority = './no-such-ca.pem' } } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be "CertificateAuthorityNotFound,$_"
        $err.Exception.Message | Should -BeLike '*-CertificateAuthority*no-such-ca.pem*'
    }
}

Describe 'A secret sent over plain http:// to a host other than loopback warns' {
    BeforeAll {
        $remote = 'http://apikeys-test.invalid:8080'
        $connect = @{
            'Connect-Immich'            = { Connect-Immich -BaseURL $remote -AccessToken 'k-not-sent-anywhere' }
            'Connect-Immich -Credential' = { Connect-Immich -BaseURL $remote -Credential ([pscredential]::new('a@b.c', (ConvertTo-SecureString 'pw' -AsPlainText -Force))) }
            'Connect-JIM'               = { Connect-JIM -Url $remote -ApiKey ('jim_ak_' + ('0' * 64)) }
            'Connect-ApiKeyServer'      = { Connect-ApiKeyServer -Uri $remote -Kind JIM -ApiKey 'k' -TimeoutSec 5 }
            'Connect-TrueNas -AllowInsecureKeyTransport' = { Connect-TrueNas -Uri $remote -ApiKey ('1-' + ('a' * 64)) -AllowInsecureKeyTransport -TimeoutSec 5 }
        }
    }

    It '<_>: warns before connecting (the connection then fails: the name does not resolve)' -ForEach @(
        'Connect-Immich', 'Connect-Immich -Credential', 'Connect-JIM', 'Connect-ApiKeyServer', 'Connect-TrueNas -AllowInsecureKeyTransport'
    ) {
        $run = $connect[$_]
        $all = @(& { try { & $run } catch { $_ } } 3>&1)
        $warnings = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $err = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })[0]
        $err | Should -Not -BeNullOrEmpty -Because 'the connection fails'
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeLike '*apikeys-test.invalid*plain http://*'
        $warnings[0].Message | Should -Not -BeLike '*k-not-sent-anywhere*'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'TrueNAS refuses to send a key over plain http:// to another host unless -AllowInsecureKeyTransport (InvalidArgument naming baseUrl)' {
        # The TrueNAS 25.10 sandbox through a TCP forwarder on this machine's non-loopback address:
        # the library probes the server (GET /api/versions, no key), sees 25.04+, and refuses.
        $fwd = Start-TestTcpForwarder -Port ([uri]$tnUrl).Port
        if (-not $fwd) { Set-ItResult -Skipped -Because 'this machine has no non-loopback IPv4 address'; return }
        try {
            $via = "http://$($fwd.Host):$($fwd.Port)"
            Clear-SandboxRequest $tnUrl
            $err = { Connect-TrueNas -Uri $via -ApiKey $sb.TrueNas.apiKey -TimeoutSec 5 -WarningAction SilentlyContinue } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'InvalidArgument,Connect-TrueNas'
            $err.Exception.Message | Should -BeLike '*baseUrl*refusing to send the API key over plain *'
            $err.Exception.Message | Should -BeLike '*allowInsecureKeyTransport*'
            $err.Exception.Message | Should -Not -BeLike "*$($sb.TrueNas.apiKey)*"
            $err = { Connect-ApiKeyServer -Uri $via -ApiKey $sb.TrueNas.apiKey -TimeoutSec 5 -WarningAction SilentlyContinue } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'InvalidArgument,Connect-ApiKeyServer'
            $log = @(Get-SandboxRequest $tnUrl)
            # Only anonymous probes (the generation, and Connect-ApiKeyServer's kind detection): no
            # WebSocket upgrade or login, no REST call that carries the key.
            @($log | Where-Object { $_.method -eq 'WS' -or $_.path -like '/api/current*' -or $_.path -like '/api/v2.0/*' }) |
                Should -BeNullOrEmpty -Because "no key may be sent (sent: $(Format-Log $log))"
            # Insisting works (on a real 25.04+ server this revokes the key; the sandbox sees loopback).
            $all = @(Connect-TrueNas -Uri $via -ApiKey $sb.TrueNas.apiKey -AllowInsecureKeyTransport -TimeoutSec 5 -PassThru 3>&1)
            $s = @($all | Where-Object { $_ -isnot [System.Management.Automation.WarningRecord] })[0]
            $s.Connected | Should -BeTrue
            @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count | Should -Be 1
            Disconnect-TrueNas -Session $s
        }
        finally { Stop-TestTcpForwarder $fwd }
    }

    It 'no warning for loopback (127.0.0.1, localhost) or for https://' {
        $w = @(& {
                Connect-JIM -Url $jimUrl -ApiKey $sb.Jim.apiKey | Out-Null
                $s = Connect-ApiKeyServer -Uri ($immichUrl -replace '127\.0\.0\.1', 'localhost') -ApiKey $sb.Immich.apiKey -PassThru
                Disconnect-ApiKeyServer -Server $s
                try { Connect-ApiKeyServer -Uri 'https://apikeys-test.invalid' -Kind JIM -ApiKey 'k' -TimeoutSec 5 } catch { $null = $_ }
            } 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $w.Count | Should -Be 0 -Because (($w | ForEach-Object Message) -join '; ')
    }
}
