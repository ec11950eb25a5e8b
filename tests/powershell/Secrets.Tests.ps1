Set-StrictMode -Version Latest

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $immichCanary = Get-ImmichCanary
    $jimCanary = Get-JimCanary
    $trueNasCanary = Get-TrueNasCanary
    $sb = Start-TestSandbox -Kind all -ImmichKey $immichCanary -JimKey $jimCanary -TrueNasKey $trueNasCanary
    $immichUrl = $sb.Immich.baseUrl
    $jimUrl = $sb.Jim.baseUrl
    $trueNasUrl = $sb.TrueNas.baseUrl
    $P = @{ ImmichUrl = $immichUrl; JimUrl = $jimUrl; ImmichKey = $immichCanary; JimKey = $jimCanary; TrueNasUrl = $trueNasUrl; TrueNasKey = $trueNasCanary }

    # Every command of the module, with every stream switched on, in a fresh runspace.
    $everything = @'
$all = @{ Verbose = $true; Debug = $true }
$created = [System.Collections.Generic.List[string]]::new()
$asked = [System.Collections.Generic.List[object]]::new()
$notAsked = [System.Collections.Generic.List[object]]::new()
$caught = [System.Collections.Generic.List[object]]::new()

# Immich family
$s = Connect-Immich -BaseURL $P.ImmichUrl -AccessToken $P.ImmichKey -PassThru @all
$notAsked.Add($s); $notAsked.Add((Get-IMSession @all))
$notAsked.AddRange([object[]]@(Get-IMAPIKey @all))
$n = New-IMAPIKey -Name 'canary-im' -Permission 'asset.read' @all
$created.Add($n.secret); $asked.Add($n)
$notAsked.Add((Get-IMAPIKey -Id $n.apiKey.id @all))
$notAsked.Add((Rename-IMAPIKey -Id $n.apiKey.id -Name 'canary-im2' @all))
$notAsked.Add((Set-IMAPIKey -Id $n.apiKey.id -Permission 'asset.view' @all))
$r = Reset-IMAPIKey -Id $n.apiKey.id -Force @all
$created.Add($r.secret); $asked.Add($r)
Remove-IMAPIKey -Id $r.apiKey.id -Force @all
Get-IMAPIKey -Id ([guid]::NewGuid()) @all -ErrorAction Continue
try { Connect-Immich -BaseURL $P.ImmichUrl -AccessToken ($P.ImmichKey + 'x') @all } catch { $caught.Add($_) }
try { Connect-Immich -BaseURL 'http://127.0.0.1:9' -AccessToken $P.ImmichKey @all } catch { $caught.Add($_) }
Disconnect-Immich @all

# JIM family
$notAsked.Add((Connect-JIM -Url $P.JimUrl -ApiKey $P.JimKey @all))
$notAsked.Add((Test-JIMConnection @all))
$notAsked.AddRange([object[]]@(Get-JIMRole @all))
$notAsked.AddRange([object[]]@(Get-JIMApiKey @all))
New-JIMApiKey -Name 'canary-lost' @all
$j = New-JIMApiKey -Name 'canary-jim' -RoleIds 1 -PassThru @all
$created.Add($j.Key); $asked.Add($j)
$notAsked.Add((Set-JIMApiKey -Id $j.Id -Disable -PassThru @all))
$notAsked.Add((Remove-JIMApiKey -Id $j.Id -Force -PassThru @all))
Remove-JIMApiKey -Id $j.Id -Force @all -ErrorAction Continue
try { Connect-JIM -Url $P.JimUrl -ApiKey ($P.JimKey.Substring(0, 70) + '0') @all } catch { $caught.Add($_) }
try { Connect-JIM -Url 'http://127.0.0.1:9' -ApiKey $P.JimKey @all } catch { $caught.Add($_) }
Disconnect-JIM @all

# Cross-server family
$xi = Connect-ApiKeyServer -Uri $P.ImmichUrl -ApiKey (ConvertTo-SecureString $P.ImmichKey -AsPlainText -Force) -SkipCertificateCheck -PassThru @all
$xj = Connect-ApiKeyServer -Uri $P.JimUrl -ApiKey $P.JimKey -PassThru @all
$notAsked.AddRange([object[]]@(Get-ApiKeyServer @all))
$notAsked.AddRange([object[]]@(Get-ApiKey -Server $xi, $xj @all))
$secure = New-ApiKey -Name 'canary-x' -RoleId 1 -Server $xj @all
$created.Add((ConvertFrom-SecureString $secure.Secret -AsPlainText)); $notAsked.Add($secure)
$notAsked.Add((Set-ApiKey -Id $secure.Id -Server $xj -Name 'canary-x2' -PassThru @all))
$notAsked.Add((Disable-ApiKey -Id $secure.Id -Server $xj -PassThru @all))
$notAsked.Add((Enable-ApiKey -Id $secure.Id -Server $xj -PassThru @all))
$rot = Reset-ApiKey -Id $secure.Id -Server $xj -Force @all
$created.Add((ConvertFrom-SecureString $rot.Secret -AsPlainText)); $notAsked.Add($rot)
$plain = New-ApiKey -Name 'canary-plain' -Permission 'asset.read' -Server $xi -AsPlainText @all
$created.Add($plain.Secret); $asked.Add($plain)
Remove-ApiKey -Id $plain.Id, $rot.Id -Server $xi -Force @all -ErrorAction Continue
try { Connect-ApiKeyServer -Uri $P.JimUrl -ApiKey ($P.JimKey + 'x') @all } catch { $caught.Add($_) }
Disconnect-ApiKeyServer -All @all

# TrueNAS family (25.10, JSON-RPC over WebSocket)
$t = Connect-TrueNas -Uri $P.TrueNasUrl -ApiKey (ConvertTo-SecureString $P.TrueNasKey -AsPlainText -Force) -PassThru @all
$notAsked.Add($t)
$notAsked.AddRange([object[]]@(Get-TrueNasApiKey @all))
$tk = New-TrueNasApiKey -Name 'canary-tn' @all
$created.Add((ConvertFrom-SecureString $tk.key -AsPlainText)); $notAsked.Add($tk)
$notAsked.Add((Set-TrueNasApiKey -Id $tk.id -Name 'canary-tn2' -PassThru @all))
$tr = Set-TrueNasApiKey -Id $tk.id -Reset -Force -AsPlainText @all
$created.Add($tr.key); $asked.Add($tr)
Remove-TrueNasApiKey -Id $tk.id -Force @all
Get-TrueNasApiKey -Id 999999 @all -ErrorAction Continue
try { Connect-TrueNas -Uri $P.TrueNasUrl -ApiKey ($P.TrueNasKey.Substring(0, 60) + 'AAAA') @all } catch { $caught.Add($_) }
Disconnect-TrueNas @all

[pscustomobject]@{ Created = @($created); Asked = @($asked); NotAsked = @($notAsked); Caught = @($caught) }
'@
    $run = Invoke-InNewRunspace -Script $everything -Parameters $P
    $result = $run.Output | Where-Object { $_.PSObject.Properties['Created'] } | Select-Object -Last 1
    $errorText = $run.StreamText + (Get-ErrorText $result.Caught)
}

AfterAll {
    Get-Module ApiKeys | Remove-Module -Force
    Stop-TestSandbox $sb
}

Describe 'Secrets never leak' {
    It 'ran every family''s commands, with output, warnings, verbose and errors to scan' {
        $result | Should -Not -BeNullOrEmpty
        $result.Created.Count | Should -Be 8
        $run.Verbose.Count | Should -BeGreaterThan 5
        $run.Warning.Count | Should -BeGreaterOrEqual 2 -Because 'New-JIMApiKey without -PassThru and -SkipCertificateCheck warn'
        $run.Error.Count | Should -BeGreaterOrEqual 3 -Because 'unknown ids gave non-terminating errors'
        $result.Caught.Count | Should -Be 6
        @($result.Caught | Where-Object { $_.CategoryInfo.Category -eq 'AuthenticationError' }).Count | Should -Be 4
        @($result.Caught | Where-Object { $_.CategoryInfo.Category -eq 'ConnectionError' }).Count | Should -Be 2
    }

    It 'the canary admin keys appear in no stream: error, warning, verbose, debug, information, progress' {
        $errorText | Should -Not -BeLike "*$immichCanary*"
        $errorText | Should -Not -BeLike "*$jimCanary*"
        $errorText | Should -Not -BeLike "*$($immichCanary.Substring(0, 24))*"
        $errorText | Should -Not -BeLike "*$($jimCanary.Substring(12, 40))*"
        $errorText | Should -Not -BeLike "*$trueNasCanary*"
        $errorText | Should -Not -BeLike "*$($trueNasCanary.Substring(2, 40))*"
        $errorText | Should -BeLike '*Failed to connect*' -Because 'the scanned text holds the error messages'
    }

    It 'the canary admin keys appear in no output object (sessions, keys, connection objects)' {
        $text = Get-ObjectText (@($result.NotAsked) + @($result.Asked))
        $text | Should -Not -BeLike "*$immichCanary*"
        $text | Should -Not -BeLike "*$jimCanary*"
        $text | Should -Not -BeLike "*$trueNasCanary*"
    }

    It 'new secrets appear only in the output that was asked for them' {
        foreach ($secret in $result.Created) {
            $secret | Should -Not -BeNullOrEmpty
            $errorText | Should -Not -BeLike "*$secret*"
            Get-ObjectText $result.NotAsked | Should -Not -BeLike "*$secret*" -Because 'SecureString secrets and key listings never show a secret'
        }
        $askedText = Get-ObjectText $result.Asked
        foreach ($secret in $result.Created[0, 1, 2, 5, 7]) { $askedText | Should -BeLike "*$secret*" }
    }

    It 'the module keeps no copy of a key in its variables' {
        Import-ApiKeysForTest
        Connect-Immich -BaseURL $immichUrl -AccessToken $immichCanary
        Connect-JIM -Url $jimUrl -ApiKey $jimCanary | Out-Null
        Connect-ApiKeyServer -Uri $jimUrl -ApiKey $jimCanary
        Connect-TrueNas -Uri $trueNasUrl -ApiKey $trueNasCanary
        $vars = & (Get-Module ApiKeys) {
            Get-Variable -Scope Script | Where-Object { $_.Name -notin 'Types', 'Native', 'JsonOptions', 'ErrorKindMap', 'ExecutionContext' -and $_.Value -isnot [type] } | ForEach-Object { $_.Value }
        }
        $vars.Count | Should -BeGreaterThan 3
        $text = Get-ObjectText $vars
        $text | Should -Not -BeLike "*$immichCanary*"
        $text | Should -Not -BeLike "*$jimCanary*"
        $text | Should -Not -BeLike "*$trueNasCanary*"
    }

    It 'the console and a transcript of a session with -Verbose and -Debug show no key (child pwsh)' {
        $transcript = Join-Path ([System.IO.Path]::GetTempPath()) "apikeys-transcript-$([guid]::NewGuid().ToString('n')).txt"
        try {
            $r = Invoke-ChildPwsh -NonInteractive -Script @'
$ErrorActionPreference = 'Continue'
Start-Transcript -Path $env:T_TRANSCRIPT | Out-Null
$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'
Connect-Immich -BaseURL $env:T_IURL -AccessToken $env:T_IKEY -PassThru
Get-IMAPIKey | Format-Table
Connect-JIM $env:T_JURL $env:T_JKEY
Get-JIMApiKey | Format-List *
New-JIMApiKey -Name 'console' -RoleIds 1
Connect-ApiKeyServer -Uri $env:T_JURL -ApiKey $env:T_JKEY -PassThru | Format-List *
Get-ApiKey | Format-List *
New-ApiKey -Name 'console-x' | Format-List *
Connect-JIM $env:T_JURL ($env:T_JKEY + 'x')
Stop-Transcript | Out-Null
'@ -Environment @{ T_TRANSCRIPT = $transcript; T_IURL = $immichUrl; T_IKEY = $immichCanary; T_JURL = $jimUrl; T_JKEY = $jimCanary }
            $r.Output | Should -Match 'KeyPrefix' -Because 'the child listed JIM keys'
            $r.Output | Should -Not -BeLike "*$immichCanary*"
            $r.Output | Should -Not -BeLike "*$jimCanary*"
            $t = Get-Content -Raw $transcript
            $t | Should -Match 'Failed to connect to JIM'
            $t | Should -Not -BeLike "*$immichCanary*"
            $t | Should -Not -BeLike "*$jimCanary*"
        }
        finally { Remove-Item $transcript -ErrorAction Continue }
    }
}
