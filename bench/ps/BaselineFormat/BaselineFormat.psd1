# The import floor of a module with a format file: one function, one table view.
@{
    RootModule        = 'BaselineFormat.psm1'
    ModuleVersion     = '0.0.1'
    GUID              = '5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f'
    FormatsToProcess  = @('BaselineFormat.Format.ps1xml')
    FunctionsToExport = @('Get-BaselineFormat')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
