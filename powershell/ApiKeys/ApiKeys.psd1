@{
    RootModule           = 'ApiKeys.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '7d0f3c4e-5b8a-4f6e-9c2d-1a3b5c7d9e0f'
    Author               = 'ApiKeys project'
    CompanyName          = 'ApiKeys project'
    Copyright            = '(c) ApiKeys project. All rights reserved.'
    Description          = 'Manage API keys on self-hosted servers (Immich, JIM, TrueNAS) through libapikeys. Includes PSImmich- and JIM-compatible commands and TrueNAS commands that mirror its CLI.'
    PowerShellVersion    = '7.2'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('ApiKeys.Format.ps1xml')
    FunctionsToExport    = @(
        # ApiKey
        'Connect-ApiKeyServer'
        'Disconnect-ApiKeyServer'
        'Get-ApiKeyServer'
        'New-ApiKey'
        'Get-ApiKey'
        'Set-ApiKey'
        'Remove-ApiKey'
        'Reset-ApiKey'
        'Enable-ApiKey'
        'Disable-ApiKey'
        # Immich
        'Connect-Immich'
        'Get-IMSession'
        'Disconnect-Immich'
        'New-IMAPIKey'
        'Get-IMAPIKey'
        'Rename-IMAPIKey'
        'Set-IMAPIKey'
        'Remove-IMAPIKey'
        'Reset-IMAPIKey'
        # JIM
        'Connect-JIM'
        'Disconnect-JIM'
        'Test-JIMConnection'
        'Get-JIMRole'
        'Get-JIMApiKey'
        'New-JIMApiKey'
        'Set-JIMApiKey'
        'Remove-JIMApiKey'
        # TrueNAS
        'Connect-TrueNas'
        'Disconnect-TrueNas'
        'Get-TrueNasApiKey'
        'New-TrueNasApiKey'
        'Set-TrueNasApiKey'
        'Remove-TrueNasApiKey'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('ApiKeys', 'Immich', 'JIM', 'TrueNAS', 'Security')
        }
    }
}
