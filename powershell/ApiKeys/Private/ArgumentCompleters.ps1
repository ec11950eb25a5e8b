# Private/ArgumentCompleters.ps1: every tab completer of the module, registered in one place.
#
#   -Permission  Immich permissions of the connected server's version (apikeys_catalog)
#   -RoleIds     JIM roles from the server (apikeys_catalog), -RoleId on the cross-server commands
#   -Id / -Name  keys of the current session (apikeys_key_list, cached 60 s, cleared on change),
#                for the Immich, JIM, TrueNAS and cross-server commands
#
# Catalogs are cached per session (Get-ApiKeysCatalog). A completer never writes an error:
# with no session or an unreachable server it simply offers nothing.

function New-ApiKeysCompletion {
    param([string]$Text, [string]$ListItem, [string]$ToolTip, [switch]$Quote)
    $completion = $Text
    if ($Quote -and $Text -match '[\s''"`$;,(){}|&<>@#]') { $completion = "'" + ($Text -replace "'", "''") + "'" }
    if (-not $ListItem) { $ListItem = $Text }
    if (-not $ToolTip) { $ToolTip = $Text }
    [System.Management.Automation.CompletionResult]::new($completion, $ListItem, 'ParameterValue', $ToolTip)
}

function Get-ApiKeysCompletionSession {
    # The session a command line would use: its -Session/-Server value, else the family default.
    param([string]$Family, [System.Collections.IDictionary]$BoundParameters)
    $s = $null
    switch ($Family) {
        'Immich' { $s = $BoundParameters['Session']; if (-not $s) { $s = $script:DefaultSession.Immich } }
        'JIM' { $s = $script:DefaultSession.JIM }
        'TrueNAS' { $s = $BoundParameters['Session']; if (-not $s) { $s = $script:DefaultSession.TrueNAS } }
        'ApiKey' {
            $s = $BoundParameters['Server']
            if ($s -is [array]) { $s = $s[0] }
            if (-not $s) { $s = $script:DefaultSession.ApiKey }
        }
    }
    if ($null -eq $s -or $s -is [string] -or -not $s.Connected) { return $null }
    $s
}

function Get-ApiKeysCompletionWord {
    param([string]$WordToComplete)
    $WordToComplete.Trim("'", '"')
}

function Register-ApiKeysArgumentCompleter {
    $permission = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        $family = if ($commandName -like '*-IM*') { 'Immich' } else { 'ApiKey' }
        $s = Get-ApiKeysCompletionSession -Family $family -BoundParameters $fakeBoundParameters
        if (-not $s) { return }
        try { $catalog = Get-ApiKeysCatalog -Session $s } catch { return }
        # TrueNAS lists its allowlist methods there; its keys take no -Permission.
        if (-not $catalog -or $catalog.Kind -eq 'truenas') { return }
        $word = Get-ApiKeysCompletionWord $wordToComplete
        foreach ($p in $catalog.Permissions) {
            if ($p -like "$word*") { New-ApiKeysCompletion -Text $p -Quote }
        }
    }
    Register-ArgumentCompleter -CommandName 'New-IMAPIKey', 'Set-IMAPIKey', 'New-ApiKey', 'Set-ApiKey' -ParameterName 'Permission' -ScriptBlock $permission

    $roleIds = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        $family = if ($commandName -like '*-JIM*') { 'JIM' } else { 'ApiKey' }
        $s = Get-ApiKeysCompletionSession -Family $family -BoundParameters $fakeBoundParameters
        if (-not $s) { return }
        try { $catalog = Get-ApiKeysCatalog -Session $s } catch { return }
        if (-not $catalog) { return }
        $word = Get-ApiKeysCompletionWord $wordToComplete
        foreach ($r in $catalog.Roles) {
            if ("$($r.Id)" -like "$word*" -or $r.Name -like "$word*") {
                New-ApiKeysCompletion -Text "$($r.Id)" -ListItem "$($r.Id) ($($r.Name))" -ToolTip $r.Name
            }
        }
    }
    Register-ArgumentCompleter -CommandName 'New-JIMApiKey', 'Set-JIMApiKey' -ParameterName 'RoleIds' -ScriptBlock $roleIds
    Register-ArgumentCompleter -CommandName 'New-ApiKey', 'Set-ApiKey' -ParameterName 'RoleId' -ScriptBlock $roleIds

    $roleName = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        $s = Get-ApiKeysCompletionSession -Family 'JIM' -BoundParameters $fakeBoundParameters
        if (-not $s) { return }
        try { $catalog = Get-ApiKeysCatalog -Session $s } catch { return }
        if (-not $catalog) { return }
        $word = Get-ApiKeysCompletionWord $wordToComplete
        foreach ($r in $catalog.Roles) {
            if ($r.Name -like "$word*") { New-ApiKeysCompletion -Text $r.Name -Quote }
        }
    }
    Register-ArgumentCompleter -CommandName 'Get-JIMRole' -ParameterName 'Name' -ScriptBlock $roleName

    $keyId = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        $family = if ($commandName -like '*-IM*') { 'Immich' } elseif ($commandName -like '*-JIM*') { 'JIM' } elseif ($commandName -like '*-TrueNas*') { 'TrueNAS' } else { 'ApiKey' }
        $s = Get-ApiKeysCompletionSession -Family $family -BoundParameters $fakeBoundParameters
        if (-not $s) { return }
        $word = Get-ApiKeysCompletionWord $wordToComplete
        foreach ($k in (Get-ApiKeysKeyNameCache -Session $s)) {
            if ($k.Id -like "$word*" -or $k.Name -like "$word*") {
                New-ApiKeysCompletion -Text $k.Id -ListItem "$($k.Id) ($($k.Name))" -ToolTip $k.Name
            }
        }
    }
    Register-ArgumentCompleter -ParameterName 'Id' -ScriptBlock $keyId -CommandName @(
        'Get-IMAPIKey', 'Rename-IMAPIKey', 'Set-IMAPIKey', 'Remove-IMAPIKey', 'Reset-IMAPIKey',
        'Get-JIMApiKey', 'Set-JIMApiKey', 'Remove-JIMApiKey',
        'Get-TrueNasApiKey', 'Set-TrueNasApiKey', 'Remove-TrueNasApiKey',
        'Get-ApiKey', 'Set-ApiKey', 'Remove-ApiKey', 'Reset-ApiKey', 'Enable-ApiKey', 'Disable-ApiKey')

    $keyName = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        $family = if ($commandName -like '*-JIM*') { 'JIM' } elseif ($commandName -like '*-TrueNas*') { 'TrueNAS' } else { 'ApiKey' }
        $s = Get-ApiKeysCompletionSession -Family $family -BoundParameters $fakeBoundParameters
        if (-not $s) { return }
        $word = Get-ApiKeysCompletionWord $wordToComplete
        $seen = @{}
        foreach ($k in (Get-ApiKeysKeyNameCache -Session $s)) {
            if ($k.Name -like "$word*" -and -not $seen.ContainsKey($k.Name)) {
                $seen[$k.Name] = $true
                New-ApiKeysCompletion -Text $k.Name -Quote
            }
        }
    }
    Register-ArgumentCompleter -CommandName 'Get-JIMApiKey', 'Get-ApiKey', 'Get-TrueNasApiKey' -ParameterName 'Name' -ScriptBlock $keyName
}
