# ApiKeys.psm1: loads the module. The compiled runtime first (bin/ApiKeys.Runtime.dll: the
# module's types, the calls into libapikeys, JSON reading), then the private helpers, then one
# file per public command (Public/<Family>/<Verb>-<Noun>.ps1). Nothing here talks to a server.
Set-StrictMode -Version 3.0

$script:ModuleRoot = $PSScriptRoot

# Loaded once per process: a re-import (or -Force) finds the assembly already there and reuses
# its types, so objects from before a re-import keep their types.
if ($null -eq ('ApiKeys.Internal.Library' -as [type])) {
    $runtime = [System.IO.Path]::Combine($PSScriptRoot, 'bin', 'ApiKeys.Runtime.dll')
    if (-not [System.IO.File]::Exists($runtime)) {
        throw [System.IO.FileNotFoundException]::new("The ApiKeys runtime assembly was not found at '$runtime'. Build it with tools/build.", $runtime)
    }
    $null = [System.Reflection.Assembly]::LoadFrom($runtime)
}

# The sources: Private/*.ps1, then Public/<Family>/<Verb>-<Noun>.ps1 (ModuleLayout.cs).
# tools/build also writes them into one file, bin/ApiKeys.Functions.ps1, each after a
# "# source: <path>" line: PowerShell pays per dot-sourced script, and the one file imports
# about 30% faster than the 39 (bench/README.md, "Cold Import-Module"). It is used only while
# it matches the sources exactly, so an edit without a rebuild is never shadowed by a stale
# copy; otherwise the sources are dot-sourced one by one.
$layout = [ApiKeys.Internal.ModuleLayout]::Read($PSScriptRoot)
if ($layout.Combined) { . $layout.Combined }
else { foreach ($file in $layout.Sources) { . $file } }

$script:Types = Initialize-ApiKeysTypes

Register-ApiKeysArgumentCompleter

# Remove-Module closes every native session this module opened.
$ExecutionContext.SessionState.Module.OnRemove = {
    Close-AllApiKeysSessions
}

Export-ModuleMember -Function $layout.PublicFunctions
