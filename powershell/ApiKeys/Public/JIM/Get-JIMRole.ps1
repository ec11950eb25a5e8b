function Get-JIMRole {
    <#
    .SYNOPSIS
    Gets JIM roles.

    .DESCRIPTION
    Lists the roles of the connected JIM server (GET /api/v1/security/roles), or gets one by
    id. Role ids are what New-JIMApiKey and Set-JIMApiKey take in -RoleIds; do not hard-code
    them, look them up here. Needs the Administrator role.

    .PARAMETER Id
    The id of a role. Accepts pipeline input by property name.

    .PARAMETER Name
    Filter by role name. Supports wildcards.

    .EXAMPLE
    Get-JIMRole

    Lists all roles: Id, Name, BuiltIn, StaticMemberCount.

    .EXAMPLE
    $admin = Get-JIMRole -Name 'Admin*'
    New-JIMApiKey -Name 'Deploy' -RoleIds $admin.Id -PassThru

    Finds the Administrator role and creates a key with it.

    .EXAMPLE
    [pscustomobject]@{ Id = 1 } | Get-JIMRole

    Gets a role by the Id property of a piped object.

    .OUTPUTS
    JIM.RoleDto

    .LINK
    New-JIMApiKey
    #>
    [CmdletBinding(DefaultParameterSetName = 'List')]
    [OutputType('JIM.RoleDto')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'ById', ValueFromPipelineByPropertyName)]
        [int]$Id,

        [Parameter(ParameterSetName = 'List')]
        [SupportsWildcards()]
        [string]$Name
    )
    begin {
        $s = Resolve-JimConnection -Cmdlet $PSCmdlet
        $catalog = Get-ApiKeysCatalog -Cmdlet $PSCmdlet -Session $s -NoCache
    }
    process {
        if ($null -eq $catalog) { return }
        if ($PSCmdlet.ParameterSetName -eq 'ById') {
            $role = @($catalog.Roles | Where-Object { $_.Id -eq $Id })
            if ($role.Count -eq 0) {
                $PSCmdlet.WriteError((New-ApiKeysErrorRecord -Kind not_found -Message "Role not found: $Id" -TargetObject $Id -ErrorId 'RoleNotFound' -Category ObjectNotFound))
                return
            }
            return $role[0]
        }
        foreach ($r in $catalog.Roles) {
            if (-not $Name -or $r.Name -like $Name) { $r }
        }
    }
}
