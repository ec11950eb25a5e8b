Set-StrictMode -Version Latest

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $sb = Start-TestSandbox -Kind all
    $immichUrl = $sb.Immich.baseUrl
    $jimUrl = $sb.Jim.baseUrl
    Connect-Immich -BaseURL $immichUrl -AccessToken $sb.Immich.apiKey
    Connect-JIM -Url $jimUrl -ApiKey $sb.Jim.apiKey | Out-Null
    $xImmich = Connect-ApiKeyServer -Uri $immichUrl -ApiKey $sb.Immich.apiKey -PassThru
    $xJim = Connect-ApiKeyServer -Uri $jimUrl -ApiKey $sb.Jim.apiKey -PassThru

    function Get-Counts { @{ Immich = (Get-SandboxState $immichUrl).keys; Jim = (Get-SandboxState $jimUrl).keys } }
    function Clear-Logs { Clear-SandboxRequest $immichUrl; Clear-SandboxRequest $jimUrl }
    function Get-AllRequests { @(Get-SandboxRequest $immichUrl) + @(Get-SandboxRequest $jimUrl) }
    $promptText = 'Are you sure you want to perform this action?'
    function Get-PromptCount([string]$Text) { ([regex]::Matches($Text, [regex]::Escape($promptText))).Count }
}

AfterAll {
    Get-Module ApiKeys | Remove-Module -Force
    Stop-TestSandbox $sb
}

Describe '-WhatIf sends nothing, even with -Force' {
    BeforeAll {
        $im = (New-IMAPIKey -Name (New-TestName 'whatif-im') -Permission 'asset.read').apiKey
        $jk = New-JIMApiKey -Name (New-TestName 'whatif-jim') -PassThru
        $jkObject = Get-JIMApiKey -Id $jk.Id
        $xKeys = @(Get-ApiKey -Server $xImmich, $xJim)
        $cases = @(
            @{ Name = 'New-IMAPIKey'; Run = { New-IMAPIKey -Name 'never' -WhatIf } }
            @{ Name = 'Rename-IMAPIKey'; Run = { Rename-IMAPIKey -Id $im.id -Name 'never' -WhatIf } }
            @{ Name = 'Set-IMAPIKey'; Run = { Set-IMAPIKey -Id $im.id -Permission 'all' -WhatIf } }
            @{ Name = 'Remove-IMAPIKey'; Run = { Remove-IMAPIKey -Id $im.id -WhatIf } }
            @{ Name = 'Remove-IMAPIKey -Force'; Run = { Remove-IMAPIKey -Id $im.id -Force -WhatIf } }
            @{ Name = 'Reset-IMAPIKey -Force'; Run = { Reset-IMAPIKey -Id $im.id -Force -WhatIf } }
            @{ Name = 'New-JIMApiKey'; Run = { New-JIMApiKey -Name 'never' -PassThru -WhatIf } }
            @{ Name = 'Set-JIMApiKey'; Run = { Set-JIMApiKey -Id $jk.Id -Disable -WhatIf } }
            @{ Name = 'Remove-JIMApiKey'; Run = { Remove-JIMApiKey -Id $jk.Id -WhatIf } }
            @{ Name = 'Remove-JIMApiKey -Force'; Run = { Remove-JIMApiKey -Id $jk.Id -Force -WhatIf } }
            @{ Name = 'Remove-JIMApiKey -Force (pipeline)'; Run = { $jkObject | Remove-JIMApiKey -Force -WhatIf } }
            @{ Name = 'New-ApiKey'; Run = { New-ApiKey -Name 'never' -Server $xImmich, $xJim -WhatIf } }
            @{ Name = 'Set-ApiKey'; Run = { $xKeys | Set-ApiKey -Name 'never' -WhatIf } }
            @{ Name = 'Enable-ApiKey'; Run = { $xKeys | Enable-ApiKey -WhatIf } }
            @{ Name = 'Disable-ApiKey'; Run = { $xKeys | Disable-ApiKey -WhatIf } }
            @{ Name = 'Remove-ApiKey -Force'; Run = { $xKeys | Remove-ApiKey -Force -WhatIf } }
            @{ Name = 'Reset-ApiKey -Force'; Run = { Reset-ApiKey -Id $jk.Id -Server $xJim -Force -WhatIf } }
        )
    }

    It '<Name> -WhatIf leaves the request logs empty and the key counts unchanged' -ForEach @(
        'New-IMAPIKey', 'Rename-IMAPIKey', 'Set-IMAPIKey', 'Remove-IMAPIKey', 'Remove-IMAPIKey -Force', 'Reset-IMAPIKey -Force',
        'New-JIMApiKey', 'Set-JIMApiKey', 'Remove-JIMApiKey', 'Remove-JIMApiKey -Force', 'Remove-JIMApiKey -Force (pipeline)',
        'New-ApiKey', 'Set-ApiKey', 'Enable-ApiKey', 'Disable-ApiKey', 'Remove-ApiKey -Force', 'Reset-ApiKey -Force'
    ) {
        $case = $cases | Where-Object Name -eq $_
        $before = Get-Counts
        Clear-Logs
        $out = & $case.Run
        $out | Should -BeNullOrEmpty
        $requests = @(Get-AllRequests)
        $requests.Count | Should -Be 0 -Because (($requests | ForEach-Object { "$($_.method) $($_.path)" }) -join "; ")
        (Get-Counts).Immich | Should -Be $before.Immich
        (Get-Counts).Jim | Should -Be $before.Jim
    }

    It 'leaves the keys exactly as they were' {
        $after = Get-IMAPIKey -Id $im.id
        $after.name | Should -Be $im.name
        $after.permissions | Should -Be @('asset.read')
        (Get-JIMApiKey -Id $jk.Id).IsEnabled | Should -BeTrue
    }
}

Describe '-Confirm prompts are honoured (a child pwsh answers on standard input)' {
    BeforeAll {
        # Scenarios run one after another in one child pwsh (starting pwsh is the slow part);
        # each prints a marker line, and the answers on stdin are consumed in order.
        $imIds = 1..4 | ForEach-Object { (New-IMAPIKey -Name (New-TestName "confirm$_") -Permission 'asset.read').apiKey.id }
        $jimNo = New-JIMApiKey -Name (New-TestName 'prompted') -PassThru
        $jimYes = New-JIMApiKey -Name (New-TestName 'prompted-yes') -PassThru
        $yesAllPrefix = New-TestName 'yesall'
        $yesAll = 1..3 | ForEach-Object { New-JIMApiKey -Name "$yesAllPrefix-$_" -PassThru }
        $noAllPrefix = New-TestName 'notoall'
        $noAll = 1..3 | ForEach-Object { New-JIMApiKey -Name "$noAllPrefix-$_" -PassThru }
        $resetNo = New-ApiKey -Name (New-TestName 'reset-no') -Server $xJim
        $immichBefore = (Get-SandboxState $immichUrl).keys + 0
        $env = @{
            T_IURL = $immichUrl; T_IKEY = $sb.Immich.apiKey; T_JURL = $jimUrl; T_JKEY = $sb.Jim.apiKey
            T_IMIDS = ($imIds -join ','); T_JNO = "$($jimNo.Id)"; T_JYES = "$($jimYes.Id)"
            T_YESALL = $yesAllPrefix; T_NOALL = $noAllPrefix; T_RESETNO = $resetNo.Id
        }
        $interactive = Invoke-ChildPwsh -Environment $env -Answers 'Y', 'N', 'A', 'N', 'Y', 'A', 'L', 'N', 'N' -Script @'
Connect-Immich -BaseURL $env:T_IURL -AccessToken $env:T_IKEY
Connect-JIM -Url $env:T_JURL -ApiKey $env:T_JKEY | Out-Null
Connect-ApiKeyServer -Uri $env:T_JURL -ApiKey $env:T_JKEY
'=== S1'
Remove-IMAPIKey -Id ($env:T_IMIDS -split ',')
'=== S2'
Remove-JIMApiKey -Id $env:T_JNO
'=== S3'
Remove-JIMApiKey -Id $env:T_JYES
'=== S4'
Get-JIMApiKey -Name "$($env:T_YESALL)-*" | Remove-JIMApiKey
'=== S5'
Get-JIMApiKey -Name "$($env:T_NOALL)-*" | Set-JIMApiKey -Disable -Confirm
'=== S6'
New-IMAPIKey -Name 'declined' -Confirm
'=== S7'
Reset-ApiKey -Id $env:T_RESETNO
'=== END'
'@
        $forced = New-JIMApiKey -Name (New-TestName 'forced') -PassThru
        $unforced = New-JIMApiKey -Name (New-TestName 'noninteractive') -PassThru
        $whatIfKey = New-JIMApiKey -Name (New-TestName 'whatif-child') -PassThru
        $env2 = @{ T_JURL = $jimUrl; T_JKEY = $sb.Jim.apiKey; T_FORCED = "$($forced.Id)"; T_UNFORCED = "$($unforced.Id)"; T_WHATIF = "$($whatIfKey.Id)" }
        $nonInteractive = Invoke-ChildPwsh -NonInteractive -Environment $env2 -Script @'
Connect-JIM -Url $env:T_JURL -ApiKey $env:T_JKEY | Out-Null
'=== N1'
Remove-JIMApiKey -Id $env:T_WHATIF -Force -WhatIf
'=== N2'
Remove-JIMApiKey -Id $env:T_FORCED -Force
'=== N3'
try { Remove-JIMApiKey -Id $env:T_UNFORCED; 'N3 DELETED' } catch { 'N3 FAILED ' + $_.FullyQualifiedErrorId }
'=== END'
'@
        function Get-Section([string]$Text, [string]$Name) {
            $m = [regex]::Match($Text, "(?s)=== $Name\r?\n(.*?)=== ")
            if (-not $m.Success) { throw "section $Name not found in child output:`n$Text" }
            $m.Groups[1].Value
        }
    }

    It 'the children ran every scenario' {
        $interactive.ExitCode | Should -Be 0 -Because $interactive.Output
        $interactive.Output | Should -Match '=== END'
        $nonInteractive.ExitCode | Should -Be 0 -Because $nonInteractive.Output
        $nonInteractive.Output | Should -Match '=== END'
    }

    It 'Remove-IMAPIKey: Yes, No, then Yes to All (no more prompts)' {
        Get-PromptCount (Get-Section $interactive.Output 'S1') | Should -Be 3
        $left = (Get-IMAPIKey).id
        $left | Should -Not -Contain $imIds[0]
        $left | Should -Contain $imIds[1]
        $left | Should -Not -Contain $imIds[2]
        $left | Should -Not -Contain $imIds[3]
    }

    It 'Remove-JIMApiKey prompts by default (No keeps the key, the prompt names it)' {
        $section = Get-Section $interactive.Output 'S2'
        Get-PromptCount $section | Should -Be 1
        $section | Should -Match ('Delete API Key.*' + [regex]::Escape($jimNo.Name))
        (Get-JIMApiKey -Id $jimNo.Id).Id | Should -Be $jimNo.Id
    }

    It 'Remove-JIMApiKey: Yes deletes' {
        Get-PromptCount (Get-Section $interactive.Output 'S3') | Should -Be 1
        (Get-JIMApiKey).Id | Should -Not -Contain $jimYes.Id
    }

    It 'Remove-JIMApiKey in a pipeline: one Yes to All answers every prompt' {
        Get-PromptCount (Get-Section $interactive.Output 'S4') | Should -Be 1
        @(Get-JIMApiKey -Name "$yesAllPrefix-*").Count | Should -Be 0
    }

    It 'Set-JIMApiKey -Confirm in a pipeline: No to All changes nothing' {
        Get-PromptCount (Get-Section $interactive.Output 'S5') | Should -Be 1
        foreach ($k in $noAll) { (Get-JIMApiKey -Id $k.Id).IsEnabled | Should -BeTrue }
    }

    It 'New-IMAPIKey -Confirm: No creates nothing' {
        Get-PromptCount (Get-Section $interactive.Output 'S6') | Should -Be 1
        @(Get-IMAPIKey | Where-Object name -eq 'declined').Count | Should -Be 0
    }

    It 'Reset-ApiKey prompts by default and No keeps the old key' {
        Get-PromptCount (Get-Section $interactive.Output 'S7') | Should -Be 1
        (Get-ApiKey -Id $resetNo.Id -Server $xJim).Id | Should -Be $resetNo.Id
    }

    It 'Remove-JIMApiKey -Force -WhatIf prints what it would do and deletes nothing' {
        $section = Get-Section $nonInteractive.Output 'N1'
        $section | Should -Match ('What if: Performing the operation "Delete API Key" on target "' + [regex]::Escape("$($whatIfKey.Id)") + '"')
        (Get-JIMApiKey -Id $whatIfKey.Id).Id | Should -Be $whatIfKey.Id
    }

    It 'Remove-JIMApiKey -Force skips the prompt (non-interactive host)' {
        Get-PromptCount (Get-Section $nonInteractive.Output 'N2') | Should -Be 0
        (Get-JIMApiKey).Id | Should -Not -Contain $forced.Id
    }

    It 'Remove-JIMApiKey cannot run unprompted in a non-interactive host without -Force' {
        (Get-Section $nonInteractive.Output 'N3') | Should -Match 'N3 FAILED'
        (Get-JIMApiKey -Id $unforced.Id).Id | Should -Be $unforced.Id
    }
}
