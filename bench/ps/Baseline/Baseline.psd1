# A one-function script module with a manifest: the fixed cost of Import-Module itself in a
# fresh pwsh, against which ApiKeys' own import time is read (bench/ps/import.ps1).
@{
    RootModule        = 'Baseline.psm1'
    ModuleVersion     = '0.0.1'
    GUID              = '0b6c3f0e-2a51-4c7e-9d0a-5e1f2b3c4d5e'
    FunctionsToExport = @('Get-Baseline')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
