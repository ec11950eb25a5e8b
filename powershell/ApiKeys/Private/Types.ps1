# Private/Types.ps1: the module's .NET types, compiled into bin/ApiKeys.Runtime.dll
# (powershell/ApiKeys.Runtime/Types.cs), loaded by ApiKeys.psm1 before this file runs.
#
# Why .NET types and not [pscustomobject]: System.Text.Json fills them straight from the
# library's UTF-8 JSON (10,000 keys in well under a second, no per-item PowerShell work), and
# session parameters can be typed ([ImmichSession], as in PSImmich). Why compiled and not
# emitted at import (as this module once did with Reflection.Emit): emitting them cost about
# 200 ms of every cold Import-Module; loading the assembly costs a few.
#
# $script:Types maps the short names the commands use to the types.

function Initialize-ApiKeysTypes {
    @{
        ImmichSession        = [ImmichSession]
        ApiKeyServer         = [ApiKeys.ApiKeyServer]
        IMAPIKey             = [PSImmich.ObjectType.IMAPIKey]
        JimRole              = [JIM.RoleDto]
        JimApiKey            = [JIM.ApiKeyDto]
        JimCreatedKey        = [JIM.ApiKeyCreateResponseDto]
        TrueNasAllowlistItem = [TrueNAS.AllowlistItem]
        TrueNasApiKey        = [TrueNAS.ApiKeyEntry]
        TrueNasUserApiKey    = [TrueNAS.UserApiKeyEntry]
        TrueNasCreatedKey    = [TrueNAS.ApiKeyEntryWithKey]
        Role                 = [ApiKeys.Role]
        AllowlistEntry       = [ApiKeys.AllowlistEntry]
        ApiKey               = [ApiKeys.ApiKey]
        CreatedApiKey        = [ApiKeys.CreatedApiKey]
    }
}
