Set-StrictMode -Version Latest

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $sb = Start-TestSandbox -Kind all
    Connect-Immich -BaseURL $sb.Immich.baseUrl -AccessToken $sb.Immich.apiKey
    Connect-JIM -Url $sb.Jim.baseUrl -ApiKey $sb.Jim.apiKey | Out-Null
    Connect-ApiKeyServer -Uri $sb.Jim.baseUrl -ApiKey $sb.Jim.apiKey
    function Get-Completion([string]$Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
    }
}

AfterAll {
    Get-Module ApiKeys | Remove-Module -Force
    Stop-TestSandbox $sb
}

Describe 'Argument completion' {
    It 'completes -Permission with the connected Immich version''s permissions' {
        $c = Get-Completion 'New-IMAPIKey -Name x -Permission asset.r'
        $c.CompletionText | Should -Contain 'asset.read'
        $c.CompletionText | Where-Object { $_ -notlike 'asset.r*' } | Should -BeNullOrEmpty
        (Get-Completion 'Set-IMAPIKey -Id x -Permission albumAsset.').CompletionText | Should -Contain 'albumAsset.create' -Because 'Immich 2.x renamed album.addAsset'
        (Get-Completion 'New-IMAPIKey -Name x -Permission album.add').Count | Should -Be 0 -Because '2.x has no album.addAsset'
    }

    It 'completes -Permission from an Immich 1.x server''s own list when -Session points there' {
        $old = Start-TestSandbox -Kind immich -ImmichVersion 1.x
        try {
            $global:completionSession = Connect-Immich -BaseURL $old.Immich.baseUrl -AccessToken $old.Immich.apiKey -PassThru
            Connect-Immich -BaseURL $sb.Immich.baseUrl -AccessToken $sb.Immich.apiKey
            (Get-Completion 'New-IMAPIKey -Session $global:completionSession -Name x -Permission album.add').CompletionText | Should -Contain 'album.addAsset'
        }
        finally { Remove-Variable completionSession -Scope Global -ErrorAction SilentlyContinue; Stop-TestSandbox $old }
    }

    It 'completes -RoleIds with the JIM server''s roles (id, with the name as tooltip)' {
        $c = Get-Completion 'New-JIMApiKey -Name x -RoleIds '
        @($c.CompletionText) | Should -Be @($sb.Jim.roles.id | ForEach-Object { "$_" })
        ($c | Where-Object CompletionText -eq '1').ToolTip | Should -Be 'Administrator'
        (Get-Completion 'Set-JIMApiKey -Id x -RoleIds Oper').CompletionText | Should -Be @('3')
    }

    It 'completes -Name of Get-JIMApiKey with key names, quoted when needed' {
        $null = New-JIMApiKey -Name 'Completion Target' -PassThru
        (Get-Completion 'Get-JIMApiKey -Name Completion').CompletionText | Should -Contain "'Completion Target'"
    }

    It 'completes -Id with the keys of the current session' {
        $k = (New-IMAPIKey -Name 'complete-me' -Permission 'asset.read').apiKey
        $c = Get-Completion 'Remove-IMAPIKey -Id '
        $c.CompletionText | Should -Contain "$($k.id)"
        ($c | Where-Object CompletionText -eq "$($k.id)").ListItemText | Should -Be "$($k.id) (complete-me)"
        (Get-Completion 'Get-IMAPIKey -Id complete-m').CompletionText | Should -Be @("$($k.id)") -Because 'names match too'
    }

    It 'refreshes the key cache after New- and Remove- commands' {
        $null = Get-Completion 'Get-ApiKey -Id '
        $k = New-ApiKey -Name 'fresh-key'
        (Get-Completion 'Get-ApiKey -Name fresh').CompletionText | Should -Contain 'fresh-key'
        Remove-ApiKey -Id $k.Id -Force
        (Get-Completion 'Get-ApiKey -Name fresh').Count | Should -Be 0
    }

    It 'offers nothing (and writes no error) without a session' {
        Disconnect-Immich
        $Error.Clear()
        (Get-Completion 'New-IMAPIKey -Name x -Permission a').Count | Should -Be 0
        $Error.Count | Should -Be 0
        Connect-Immich -BaseURL $sb.Immich.baseUrl -AccessToken $sb.Immich.apiKey
    }
}
