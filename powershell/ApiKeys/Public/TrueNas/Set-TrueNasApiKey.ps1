function Set-TrueNasApiKey {
    <#
    .SYNOPSIS
    Changes or resets TrueNAS API keys (the CLI's auth api_key update).

    .DESCRIPTION
    Updates keys in place: -Name renames, -Allowlist replaces the allowlist (SCALE 22.02 to
    24.10), -ExpiresAt sets the expiry (25.04+; $null removes it). Properties you leave out
    keep their values. A property the server's generation does not know is an InvalidArgument
    error naming the field, and nothing is sent.

    -Reset (reset=true) gives the key a new secret and returns it, as a
    TrueNAS.ApiKeyEntryWithKey whose key property holds the secret (a SecureString unless
    -AsPlainText). The key keeps its id, name and settings; the old secret stops working at once,
    and a revoked key (25.04+) is usable again. Because the old secret is lost, -Reset asks for
    confirmation unless you use -Force or -Confirm:$false (like Reset-ApiKey).

    Without -Reset nothing is returned unless -PassThru is given (the CLI prints nothing). Keys
    come from -Id or from the pipeline (Get-TrueNasApiKey output); a key that fails is a
    non-terminating error and the others are still processed.

    .PARAMETER Session
    The TrueNAS session to use (Connect-TrueNas -PassThru). Default: the last Connect-TrueNas.

    .PARAMETER Id
    The ids of the keys. Accepts pipeline input by value and by property name.

    .PARAMETER InputObject
    Keys from Get-TrueNasApiKey.

    .PARAMETER Name
    The new name.

    .PARAMETER Allowlist
    TrueNAS 22.02 to 24.10: the new allowlist, replacing the old one: 'METHOD resource' strings,
    hashtables @{ method; resource } or objects with method and resource.

    .PARAMETER ExpiresAt
    TrueNAS 25.04+: the new expiry (in the future), or $null so that the key never expires.

    .PARAMETER Reset
    Gives the key a new secret and returns it.

    .PARAMETER Force
    Resets without asking.

    .PARAMETER AsPlainText
    With -Reset: returns the new secret as a plain string instead of a SecureString.

    .PARAMETER PassThru
    Returns the updated keys (with -Reset the new key is always returned).

    .PARAMETER WhatIf
    Shows what would change without sending anything.

    .PARAMETER Confirm
    Asks before each change (the default with -Reset).

    .EXAMPLE
    Set-TrueNasApiKey -Id 2 -Name 'apikey3' -PassThru

    Renames key 2 and shows it.

    .EXAMPLE
    $new = Set-TrueNasApiKey -Id 2 -Reset -Force
    $new.key | ConvertFrom-SecureString -AsPlainText

    Resets key 2 without asking (auth api_key update id=2 reset=true) and reads the new secret once.

    .EXAMPLE
    Get-TrueNasApiKey | Where-Object revoked | Set-TrueNasApiKey -Reset -AsPlainText -Confirm:$false | Select-Object id, name, key

    Gives every revoked key (25.04+) a new secret and lists the new secrets.

    .EXAMPLE
    Get-TrueNasApiKey -Name 'ci-*' | Set-TrueNasApiKey -ExpiresAt (Get-Date).AddDays(30)

    Makes every CI key expire in 30 days (25.04+).

    .OUTPUTS
    TrueNAS.ApiKeyEntryWithKey (with -Reset), TrueNAS.ApiKeyEntry or TrueNAS.UserApiKeyEntry (with -PassThru)

    .LINK
    Get-TrueNasApiKey

    .LINK
    New-TrueNasApiKey
    #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'ByInputObject')]
    [OutputType('TrueNAS.ApiKeyEntryWithKey', 'TrueNAS.ApiKeyEntry', 'TrueNAS.UserApiKeyEntry')]
    param(
        [ApiKeys.ApiKeyServer]$Session,

        [Parameter(Mandatory, Position = 0, ParameterSetName = 'ById', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidateRange(1, [long]::MaxValue)]
        [long[]]$Id,

        [Parameter(Mandatory, ParameterSetName = 'ByInputObject', ValueFromPipeline)]
        [TrueNAS.ApiKeyEntry[]]$InputObject,

        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [AllowEmptyCollection()]
        [object[]]$Allowlist,

        [Nullable[datetime]]$ExpiresAt,

        [switch]$Reset,

        [switch]$Force,

        [switch]$AsPlainText,

        [switch]$PassThru
    )
    begin {
        # -Reset loses the old secret: it prompts as Reset-ApiKey (ConfirmImpact High) does.
        if ($Force -and -not $WhatIfPreference) { $ConfirmPreference = 'None' }
        elseif ($Reset -and $ConfirmPreference -eq 'High') { $ConfirmPreference = 'Medium' }
        $update = [ordered]@{}
        if ($PSBoundParameters.ContainsKey('Name')) { $update.name = $Name }
        if ($PSBoundParameters.ContainsKey('Allowlist')) { $update.allowlist = ConvertTo-ApiKeysAllowlist -Cmdlet $PSCmdlet -Allowlist $Allowlist }
        if ($PSBoundParameters.ContainsKey('ExpiresAt')) {
            Assert-ApiKeysFutureDate -Cmdlet $PSCmdlet -Date $ExpiresAt
            $update.expiresAt = if ($null -eq $ExpiresAt) { $null } else { ConvertTo-ApiKeysRfc3339 $ExpiresAt }
        }
        if ($update.Count -eq 0 -and -not $Reset) {
            $PSCmdlet.ThrowTerminatingError((New-ApiKeysErrorRecord -Kind invalid_argument -Message 'Nothing to change: give -Name, -Allowlist, -ExpiresAt or -Reset.' -ErrorId 'NothingToUpdate' -Category InvalidArgument))
        }
        $Session = Resolve-TrueNasSession -Cmdlet $PSCmdlet -Session $Session
        $type = Get-TrueNasKeyType $Session
        $json = if ($update.Count) { ConvertTo-ApiKeysJson $update } else { $null }
        $actions = @()
        if ($update.Count) { $actions += "Set API key $($update.Keys -join ', ')" }
        if ($Reset) { $actions += 'Reset API key (new secret; the old one stops working)' }
        $action = $actions -join '; '
        $progress = [ApiKeys.Internal.ProgressState]::new('Updating TrueNAS API keys')
    }
    process {
        $targets = if ($PSCmdlet.ParameterSetName -eq 'ByInputObject') {
            foreach ($k in $InputObject) { @{ Id = $k.id; Label = "$($k.name) ($($k.id)) on $($Session.Uri)" } }
        }
        else {
            foreach ($i in $Id) { @{ Id = $i; Label = "$i on $($Session.Uri)" } }
        }
        foreach ($t in $targets) {
            if ($progress.Due()) { Write-ApiKeysProgress $progress $t.Label }
            if (-not $PSCmdlet.ShouldProcess($t.Label, $action)) { continue }
            if ($json) {
                $out = Invoke-Native -Cmdlet $PSCmdlet -Operation key_update -Type $type -Session $Session -Id $t.Id -Json $json -TargetObject $t.Id
                if ($null -eq $out) { continue }
                Clear-ApiKeysKeyNameCache $Session
                if ($PassThru -and -not $Reset) { $out }
            }
            if ($Reset) {
                $out = Invoke-Native -Cmdlet $PSCmdlet -Operation key_rotate -Type $script:Types.TrueNasCreatedKey -Created -Session $Session -Id $t.Id -TargetObject $t.Id
                if ($null -eq $out) { continue }
                Write-Verbose "Reset API key $($t.Label): it has a new secret."
                ConvertTo-TrueNasCreatedKey -Created $out -AsPlainText:$AsPlainText
            }
        }
    }
    end { if ($progress.Shown) { Complete-ApiKeysProgress $progress } }
}
