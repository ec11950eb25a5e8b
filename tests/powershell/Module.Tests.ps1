Set-StrictMode -Version Latest

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $manifestPath = Get-ApiKeysManifestPath
    $sb = Start-TestSandbox -Kind all
    $immichCred = [pscredential]::new($sb.Immich.email, (ConvertTo-SecureString $sb.Immich.password -AsPlainText -Force))
    function Test-NativeHandle([object]$Native, [uint64]$Handle) {
        # Calls apikeys_key_list on a raw handle: 0 = open session, 1 = closed/unknown handle.
        $Native.Invoke('key_list', $Handle, $null, $null, $null, $null, 'Text').Status
    }
}

AfterAll {
    Get-Module ApiKeys | Remove-Module -Force
    Stop-TestSandbox $sb
}

Describe 'Module manifest and layout' {
    It 'is a valid manifest: PowerShell 7.2+, Core, explicit exports, a format file' {
        $m = Test-ModuleManifest -Path $manifestPath
        $m.PowerShellVersion | Should -Be ([version]'7.2')
        $m.CompatiblePSEditions | Should -Be @('Core')
        $data = Import-PowerShellDataFile $manifestPath
        $data.FunctionsToExport | Should -Not -Contain '*'
        $data.FunctionsToExport.Count | Should -Be 33
        $data.FormatsToProcess | Should -Be @('ApiKeys.Format.ps1xml')
        @((Get-Command -Module ApiKeys).Name | Sort-Object) | Should -Be @($data.FunctionsToExport | Sort-Object)
    }

    It 'loads its functions from the one combined file tools/build writes, which matches the sources' {
        $moduleRoot = Split-Path $manifestPath
        $layout = [ApiKeys.Internal.ModuleLayout]::Read($moduleRoot)
        $layout.Combined | Should -Be ([System.IO.Path]::Combine($moduleRoot, 'bin', 'ApiKeys.Functions.ps1'))
        $layout.PublicFunctions.Count | Should -Be 33
        $layout.Sources.Count | Should -Be (33 + @(Get-ChildItem (Join-Path $moduleRoot 'Private') -Filter *.ps1).Count)
        (Get-Command Get-ApiKey -Module ApiKeys).ScriptBlock.File | Should -Be $layout.Combined
    }

    It 'dot-sources the sources themselves when one changed after the build (never a stale combined copy)' {
        $copy = Join-Path $TestDrive 'ApiKeys'
        Copy-Item -Path (Split-Path $manifestPath) -Destination $copy -Recurse
        $edited = Join-Path $copy 'Public/ApiKey/Get-ApiKeyServer.ps1'
        Add-Content -LiteralPath $edited -Value '# edited after the build'
        [ApiKeys.Internal.ModuleLayout]::Read($copy).Combined | Should -BeNullOrEmpty
        # In a child process: the copy's format file would stay in this session's format table.
        $pwsh = @(Get-ChildPwshCommand)
        $script = "Import-Module '$(Join-Path $copy 'ApiKeys.psd1')'; (Get-Command Get-ApiKeyServer -Module ApiKeys).ScriptBlock.File; (Get-Command Get-ApiKey -Module ApiKeys).ScriptBlock.File; @(Get-Command -Module ApiKeys).Count"
        $out = @(& $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script)
        $LASTEXITCODE | Should -Be 0
        $out | Should -Be @($edited, (Join-Path $copy 'Public/ApiKey/Get-ApiKey.ps1'), '33')
    }

    It 'exports every documented command' {
        $expected = 'Connect-ApiKeyServer', 'Disconnect-ApiKeyServer', 'Get-ApiKeyServer', 'New-ApiKey', 'Get-ApiKey', 'Set-ApiKey',
        'Remove-ApiKey', 'Reset-ApiKey', 'Enable-ApiKey', 'Disable-ApiKey',
        'Connect-Immich', 'Get-IMSession', 'Disconnect-Immich', 'New-IMAPIKey', 'Get-IMAPIKey', 'Rename-IMAPIKey', 'Remove-IMAPIKey', 'Set-IMAPIKey', 'Reset-IMAPIKey',
        'Connect-JIM', 'Disconnect-JIM', 'Test-JIMConnection', 'Get-JIMRole', 'Get-JIMApiKey', 'New-JIMApiKey', 'Set-JIMApiKey', 'Remove-JIMApiKey',
        'Connect-TrueNas', 'Disconnect-TrueNas', 'Get-TrueNasApiKey', 'New-TrueNasApiKey', 'Set-TrueNasApiKey', 'Remove-TrueNasApiKey'
        foreach ($c in $expected) { Get-Command $c -Module ApiKeys | Should -Not -BeNullOrEmpty }
    }

    It 'has a table view for every output type' {
        $views = ([xml](Get-Content -Raw (Join-Path (Split-Path $manifestPath) 'ApiKeys.Format.ps1xml'))).Configuration.ViewDefinitions.View
        foreach ($t in 'ImmichSession', 'ApiKeys.ApiKeyServer', 'PSImmich.ObjectType.IMAPIKey', 'JIM.ApiKeyDto', 'JIM.RoleDto', 'ApiKeys.ApiKey', 'ApiKeys.CreatedApiKey',
            'TrueNAS.ApiKeyEntry', 'TrueNAS.UserApiKeyEntry', 'TrueNAS.ApiKeyEntryWithKey', 'TrueNAS.AllowlistItem') {
            ($views | Where-Object { $_.Name -eq $t -and $_.ViewSelectedBy.TypeName -eq $t -and $_.TableControl }) | Should -Not -BeNullOrEmpty -Because $t
        }
    }

    It 'imports cold in a fresh pwsh in under 5 seconds (about 0.5 s on an idle machine)' {
        $r = Invoke-ChildPwsh -NonInteractive -NoImport -Script @'
$t = Measure-Command { Import-Module ($env:T_MANIFEST) }
Write-Result @{ Ms = [int]$t.TotalMilliseconds; Count = @(Get-Command -Module ApiKeys).Count }
'@ -Environment @{ T_MANIFEST = $manifestPath }
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Result.Count | Should -Be 33
        Write-Host "      cold Import-Module: $($r.Result.Ms) ms"
        $r.Result.Ms | Should -BeLessThan 5000 -Because "a cold import took $($r.Result.Ms) ms"
    }
}

Describe 'Compiled types and re-import' {
    It 'reuses the types and the bound library when the module is imported again' {
        $t1 = 'ImmichSession' -as [type]
        $k1 = 'JIM.ApiKeyDto' -as [type]
        Import-ApiKeysForTest
        ('ImmichSession' -as [type]) | Should -Be $t1
        ('JIM.ApiKeyDto' -as [type]) | Should -Be $k1
        $n1 = & (Get-Module ApiKeys) { Get-ApiKeysNative }
        Import-ApiKeysForTest
        $n2 = & (Get-Module ApiKeys) { Get-ApiKeysNative }
        $n2 | Should -Be $n1
        [object]::ReferenceEquals($n1, $n2) | Should -BeTrue
        @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'ApiKeys.Runtime' }).Count | Should -Be 1
        # The types come from the compiled assembly, not from one emitted at import.
        ('ImmichSession' -as [type]).Assembly.GetName().Name | Should -Be 'ApiKeys.Runtime'
        ('ImmichSession' -as [type]).Assembly.IsDynamic | Should -BeFalse
    }

    It 'a list shares the values that repeat between keys (one string instance), and keeps every value right' {
        $s = Connect-Immich -BaseURL $sb.Immich.baseUrl -AccessToken $sb.Immich.apiKey -PassThru
        $a = New-IMAPIKey -Session $s -Name 'shared-a' -Permission 'asset.read', 'album.read'
        $b = New-IMAPIKey -Session $s -Name 'shared-b' -Permission 'asset.read', 'library.read'
        try {
            $keys = @(Get-IMAPIKey -Session $s | Where-Object { $_.name -like 'shared-?' } | Sort-Object name)
            $keys.Count | Should -Be 2
            @($keys[0].permissions | Sort-Object) | Should -Be @('album.read', 'asset.read')
            @($keys[1].permissions | Sort-Object) | Should -Be @('asset.read', 'library.read')
            # Read from two separate JSON objects, yet one instance: the pool, not a copy per key.
            $first = $keys[0].permissions | Where-Object { $_ -eq 'asset.read' }
            $second = $keys[1].permissions | Where-Object { $_ -eq 'asset.read' }
            [object]::ReferenceEquals($first, $second) | Should -BeTrue
            $x = Connect-ApiKeyServer -Uri $sb.Immich.baseUrl -ApiKey $sb.Immich.apiKey -PassThru
            $generic = @(Get-ApiKey -Server $x -Name 'shared-?' | Sort-Object Name)
            $generic.Count | Should -Be 2
            $generic.Kind | Should -Be @('Immich', 'Immich')
            $generic.Server | ForEach-Object { [object]::ReferenceEquals($_, $x) | Should -BeTrue }
        }
        finally {
            Remove-IMAPIKey -Session $s -Id $a.apiKey.id, $b.apiKey.id -Confirm:$false
        }
    }

    It 'a session from before a re-import is closed and says so' {
        $s = Connect-Immich -BaseURL $sb.Immich.baseUrl -AccessToken $sb.Immich.apiKey -PassThru
        Import-ApiKeysForTest
        $s.Connected | Should -BeFalse
        { Get-IMAPIKey -Session $s } | Should -Throw -ErrorId 'SessionClosed,Get-IMAPIKey'
    }
}

Describe 'Native sessions are freed' {
    It 'Disconnect-Immich frees the native handle' {
        Import-ApiKeysForTest
        $native = & (Get-Module ApiKeys) { Get-ApiKeysNative }
        $s = Connect-Immich -BaseURL $sb.Immich.baseUrl -AccessToken $sb.Immich.apiKey -PassThru
        $h = $s.Handle
        Test-NativeHandle $native $h | Should -Be 0
        Disconnect-Immich -Session $s
        Test-NativeHandle $native $h | Should -Be 1
        $s.Handle | Should -Be 0
    }

    It 'Remove-Module closes every native session of every family (and logs out password sessions)' {
        Import-ApiKeysForTest
        $native = & (Get-Module ApiKeys) { Get-ApiKeysNative }
        $im1 = Connect-Immich -BaseURL $sb.Immich.baseUrl -AccessToken $sb.Immich.apiKey -PassThru
        $im2 = Connect-Immich -BaseURL $sb.Immich.baseUrl -Credential $immichCred -PassThru
        Connect-JIM -Url $sb.Jim.baseUrl -ApiKey $sb.Jim.apiKey | Out-Null
        $x1 = Connect-ApiKeyServer -Uri $sb.Immich.baseUrl -ApiKey $sb.Immich.apiKey -PassThru
        $x2 = Connect-ApiKeyServer -Uri $sb.Jim.baseUrl -ApiKey $sb.Jim.apiKey -PassThru
        $tn = Connect-TrueNas -Uri $sb.TrueNas.baseUrl -ApiKey $sb.TrueNas.apiKey -PassThru
        $handles = @(& (Get-Module ApiKeys) { $script:Sessions | ForEach-Object Handle })
        $handles.Count | Should -Be 6
        foreach ($h in $handles) { Test-NativeHandle $native $h | Should -Be 0 }
        Clear-SandboxRequest $sb.Immich.baseUrl

        Remove-Module ApiKeys

        foreach ($h in $handles) { Test-NativeHandle $native $h | Should -Be 1 -Because "handle $h was freed" }
        (Get-SandboxRequest $sb.Immich.baseUrl | Where-Object { $_.method -eq 'POST' -and $_.path -eq '/api/auth/logout' }).Count | Should -Be 1
        foreach ($s in $im1, $im2, $x1, $x2, $tn) { $s.Connected | Should -BeFalse; $s.Handle | Should -Be 0 }
        Import-ApiKeysForTest
    }
}
