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

foreach ($file in [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($PSScriptRoot, 'Private'), '*.ps1')) {
    . $file
}

$script:Types = Initialize-ApiKeysTypes

$publicFunctions = [System.Collections.Generic.List[string]]::new()
foreach ($dir in [System.IO.Directory]::GetDirectories([System.IO.Path]::Combine($PSScriptRoot, 'Public'))) {
    foreach ($file in [System.IO.Directory]::GetFiles($dir, '*.ps1')) {
        . $file
        $publicFunctions.Add([System.IO.Path]::GetFileNameWithoutExtension($file))
    }
}

Register-ApiKeysArgumentCompleter

# Remove-Module closes every native session this module opened.
$ExecutionContext.SessionState.Module.OnRemove = {
    Close-AllApiKeysSessions
}

Export-ModuleMember -Function $publicFunctions
