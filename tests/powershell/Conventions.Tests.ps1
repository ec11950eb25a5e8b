Set-StrictMode -Version Latest

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    $script:all = @(Get-Command -Module ApiKeys | ForEach-Object { @{ Name = $_.Name; Verb = $_.Verb } })
    $script:changing = @($all | Where-Object { $_.Verb -in 'New', 'Set', 'Remove', 'Reset', 'Rename', 'Enable', 'Disable' })
    $script:destructive = @($all | Where-Object { $_.Verb -in 'Remove', 'Reset' })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelper.psm1') -Force
    Import-ApiKeysForTest
    function Get-CmdletBinding([string]$Name) {
        (Get-Command $Name).ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
    }
}

Describe 'Module conventions' {
    It '<Name> declares [OutputType()]' -ForEach $all {
        (Get-Command $Name).OutputType.Count | Should -BeGreaterOrEqual 1
    }

    It '<Name> is an advanced function' -ForEach $all {
        Get-CmdletBinding $Name | Should -Not -BeNullOrEmpty
    }

    It '<Name> supports ShouldProcess (-WhatIf/-Confirm)' -ForEach $changing {
        (Get-CmdletBinding $Name).SupportsShouldProcess | Should -BeTrue
        (Get-Command $Name).Parameters.Keys | Should -Contain 'WhatIf'
    }

    It '<Name> has ConfirmImpact High and -Force' -ForEach $destructive {
        (Get-CmdletBinding $Name).ConfirmImpact | Should -Be 'High'
        (Get-Command $Name).Parameters.Keys | Should -Contain 'Force'
    }

    It 'has one file per public command, named after it, under Public/(family)/' {
        $root = Split-Path (Get-ApiKeysManifestPath)
        $files = Get-ChildItem -Path (Join-Path $root 'Public') -Recurse -Filter *.ps1
        @($files.BaseName | Sort-Object) | Should -Be @((Get-Command -Module ApiKeys).Name | Sort-Object)
        foreach ($f in $files) {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($f.FullName, [ref]$null, [ref]$null)
            $functions = @($ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $false))
            $functions.Count | Should -Be 1 -Because "$($f.Name) holds one command"
            $functions[0].Name | Should -Be $f.BaseName
        }
    }

    It 'never uses Add-Type, Invoke-Expression or Invoke-RestMethod in the module (the library does the HTTP)' {
        $root = Split-Path (Get-ApiKeysManifestPath)
        foreach ($f in Get-ChildItem -Path $root -Recurse -Filter *.ps1) {
            $tokens = $null
            $null = [System.Management.Automation.Language.Parser]::ParseFile($f.FullName, [ref]$tokens, [ref]$null)
            $names = $tokens | Where-Object { $_.TokenFlags -band 'CommandName' } | ForEach-Object Text
            $names | Should -Not -Contain 'Add-Type' -Because $f.Name
            $names | Should -Not -Contain 'Invoke-Expression' -Because $f.Name
            $names | Should -Not -Contain 'Invoke-RestMethod' -Because $f.Name
            $names | Should -Not -Contain 'Invoke-WebRequest' -Because $f.Name
        }
    }

    It 'parses without errors under the strict parser' {
        $root = Split-Path (Get-ApiKeysManifestPath)
        foreach ($f in Get-ChildItem -Path $root -Recurse -Include *.ps1, *.psm1) {
            $errors = $null
            $null = [System.Management.Automation.Language.Parser]::ParseFile($f.FullName, [ref]$null, [ref]$errors)
            @($errors).Count | Should -Be 0 -Because $f.Name
        }
    }
}
