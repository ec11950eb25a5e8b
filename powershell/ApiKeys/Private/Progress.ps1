# Private/Progress.ps1: Write-Progress for pipelines and bulk work, throttled.
#
# A pipeline command creates the state (ApiKeys.Internal.ProgressState, ApiKeys.Runtime/
# Progress.cs) in begin, asks it per item in process and completes it in end. Work that is done
# within a quarter of a second shows no progress at all, so a single quick call pays one method
# call for it (a Write-Progress costs more than the call into the library); longer work reports
# at most every 200 ms. Status text holds key names and ids, never secrets.
#
# Per item, commands write `if ($progress.Due()) { Write-ApiKeysProgress $progress $label }`:
# the label string is only built when progress is due.

function Write-ApiKeysProgress {
    param([ApiKeys.Internal.ProgressState]$State, [string]$Status)
    Write-Progress -Id $State.Id -Activity $State.Activity -Status $State.Status($Status) -PercentComplete $State.Percent
    $State.Shown = $true
}

function Complete-ApiKeysProgress {
    param([ApiKeys.Internal.ProgressState]$State)
    if ($null -ne $State -and $State.Shown) {
        Write-Progress -Id $State.Id -Activity $State.Activity -Completed
        $State.Shown = $false
    }
}
