Set-StrictMode -Version Latest

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $script:commands = @(Get-Command -Module ApiKeys | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'Comment-based help of <Name>' -ForEach $commands {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
        $examples = Get-Help -Name $Name -Examples
        $cmd = Get-Command -Name $Name
    }

    It 'has a synopsis of its own (not the generated syntax line)' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name *"
    }

    It 'has a description' {
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code and an explanation (Get-Help -Examples)' {
        $list = @($examples.examples.example)
        $list.Count | Should -BeGreaterOrEqual 1
        foreach ($e in $list) {
            $e.code | Should -Not -BeNullOrEmpty
            $e.code | Should -Match ([regex]::Escape($Name.Split('-')[1])) -Because 'each example should use the command'
            ($e.remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter (WhatIf and Confirm too)' {
        foreach ($p in $cmd.Parameters.Keys | Where-Object { $_ -notin $common -or $_ -in 'WhatIf', 'Confirm' }) {
            $ph = $help.parameters.parameter | Where-Object name -eq $p
            $ph | Should -Not -BeNullOrEmpty -Because "parameter -$p needs help"
            ($ph.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "parameter -$p needs a description"
        }
    }

    It 'links to related commands' {
        @($help.relatedLinks.navigationLink).Count | Should -BeGreaterOrEqual 1
    }
}

Describe 'Help examples as a whole' {
    It 'shows a pipeline example for every command that takes pipeline input' {
        foreach ($c in Get-Command -Module ApiKeys) {
            $piped = $c.Parameters.Values | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) } }
            if (-not $piped) { continue }
            $code = (Get-Help $c.Name -Examples).examples.example.code -join "`n"
            $code | Should -Match "\|\s*$([regex]::Escape($c.Name))" -Because "$($c.Name) accepts pipeline input"
        }
    }
}
