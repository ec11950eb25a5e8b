Set-StrictMode -Version Latest

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $sb = Start-TestSandbox -Kind all
    $immichUrl = $sb.Immich.baseUrl
    $jimUrl = $sb.Jim.baseUrl
    Connect-JIM -Url $jimUrl -ApiKey $sb.Jim.apiKey | Out-Null
    Connect-Immich -BaseURL $immichUrl -AccessToken $sb.Immich.apiKey
}

AfterAll {
    Set-SandboxFault $jimUrl -Clear
    Get-Module ApiKeys | Remove-Module -Force
    Stop-TestSandbox $sb
}

Describe 'Error records: category, stable FullyQualifiedErrorId, key id as target' {
    AfterEach { Set-SandboxFault $jimUrl -Clear; Set-SandboxFault $immichUrl -Clear }

    It 'not found: ObjectNotFound, ApiKeyNotFound, the id as TargetObject, the kind in Exception.Data' {
        $id = [guid]::NewGuid()
        Set-JIMApiKey -Id $id -Name 'x' -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -Be 'ApiKeyNotFound,Set-JIMApiKey'
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].TargetObject | Should -Be $id
        $ev[0].Exception.Data['ApiKeys.Kind'] | Should -Be 'not_found'
        $ev[0].Exception.Message | Should -BeLike 'Failed to update API Key: *'
    }

    It 'rate limited after the retries: LimitsExceeded' {
        Set-SandboxFault $jimUrl @{ status429 = 20; retryAfterSeconds = 0; match = '/api/v1/apikeys' }
        Get-JIMApiKey -Id ([guid]::NewGuid()) -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -Be 'RateLimited,Get-JIMApiKey'
        $ev[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
    }

    It 'server errors after the retries: ResourceUnavailable (non-terminating)' {
        Set-SandboxFault $immichUrl @{ status503 = 20; match = '/api/api-keys' }
        Get-IMAPIKey -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -Be 'ServerError,Get-IMAPIKey'
        $ev[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
    }

    It 'malformed JSON from the server: ProtocolError' {
        Set-SandboxFault $jimUrl @{ malformedJson = 5; match = '/api/v1/apikeys' }
        Get-JIMApiKey -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].CategoryInfo.Category | Should -Be 'ProtocolError'
        $ev[0].FullyQualifiedErrorId | Should -Be 'ProtocolError,Get-JIMApiKey'
    }

    It 'a key rejected in the middle of a pipeline is terminating (AuthenticationError): it concerns every item' {
        $x = Connect-ApiKeyServer -Uri $jimUrl -ApiKey $sb.Jim.apiKey -PassThru
        $temp = New-ApiKey -Name (New-TestName 'short-lived') -RoleId 1 -Server $x -AsPlainText
        $tempSession = Connect-ApiKeyServer -Uri $jimUrl -ApiKey $temp.Secret -PassThru
        $targets = 1..3 | ForEach-Object { New-ApiKey -Name (New-TestName 'target') -Server $x }
        Remove-ApiKey -Id $temp.Id -Server $x -Force
        $err = { $targets.Id | ForEach-Object { [pscustomobject]@{ Id = $_; Server = $tempSession } } | Disable-ApiKey } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'AuthenticationFailed,Disable-ApiKey'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        foreach ($t in $targets) { (Get-ApiKey -Id $t.Id -Server $x).Enabled | Should -BeTrue }
    }

    It 'a server that went away: ConnectionError, terminating' {
        $gone = Start-TestSandbox -Kind jim
        $s = Connect-ApiKeyServer -Uri $gone.Jim.baseUrl -ApiKey $gone.Jim.apiKey -TimeoutSec 5 -PassThru
        Stop-TestSandbox $gone
        $err = { Get-ApiKey -Server $s } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.FullyQualifiedErrorId | Should -Be 'ConnectionFailed,Get-ApiKey'
    }

    It 'a bad argument from the library: InvalidArgument naming the field' {
        New-JIMApiKey -Name (New-TestName 'dup-roles') -RoleIds 1, 1 -PassThru -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].Exception.Message | Should -BeLike '*role*'
    }

    It 'unsupported by the server: NotImplemented' {
        $x = Connect-ApiKeyServer -Uri $immichUrl -ApiKey $sb.Immich.apiKey -PassThru
        $k = New-ApiKey -Name (New-TestName 'imm') -Permission 'asset.read' -Server $x
        Enable-ApiKey -Id $k.Id -Server $x -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -Be 'NotSupported,Enable-ApiKey'
        $ev[0].CategoryInfo.Category | Should -Be 'NotImplemented'
    }

    It 'a missing native library: NativeLibraryNotFound naming the path ($env:APIKEYS_LIBRARY is honoured)' {
        $r = Invoke-InNewRunspace -Script @'
$old = $env:APIKEYS_LIBRARY
$env:APIKEYS_LIBRARY = '/nonexistent/libapikeys.so'
try {
    Import-Module (Get-Module ApiKeys).Path -Force
    try { Connect-Immich -BaseURL 'http://127.0.0.1:9' -AccessToken 'x' } catch { $_ }
}
finally { $env:APIKEYS_LIBRARY = $old }
'@
        $err = $r.Output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | Select-Object -First 1
        $err.FullyQualifiedErrorId | Should -Be 'NativeLibraryNotFound,Connect-Immich'
        $err.Exception.Message | Should -BeLike '*/nonexistent/libapikeys.so*'
        $err.CategoryInfo.Category | Should -Be 'NotInstalled'
    }
}
