# ApiKeys.psm1: loads the module. Private helpers first, then one file per public command
# (Public/<Family>/<Verb>-<Noun>.ps1). Nothing here talks to a server.
Set-StrictMode -Version 3.0

$script:ModuleRoot = $PSScriptRoot

foreach ($file in [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($PSScriptRoot, 'Private'), '*.ps1')) {
    . $file
}

# The module's .NET types (sessions, keys), emitted once per process and reused on re-import.
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
