# Private/Progress.ps1: Write-Progress for pipelines and bulk work, throttled.
#
# A pipeline command creates the state in begin, steps it per item in process and completes
# it in end. The first item always reports; later updates at most every 200 ms, so progress
# costs nothing measurable on 10,000 items. Status text holds key names and ids, never secrets.

function New-ApiKeysProgress {
    param([string]$Activity, [int]$Total = -1, [int]$Id = 1)
    @{
        Activity = $Activity
        Total    = $Total
        Id       = $Id
        Count    = 0
        Shown    = $false
        Watch    = [System.Diagnostics.Stopwatch]::StartNew()
    }
}

function Step-ApiKeysProgress {
    param([hashtable]$State, [string]$Status)
    if ($null -eq $State) { return }
    $State.Count++
    if ($State.Count -gt 1 -and $State.Watch.ElapsedMilliseconds -lt 200) { return }
    $State.Watch.Restart()
    $text = if ($State.Total -gt 0) { "$($State.Count) of $($State.Total): $Status" } else { "$($State.Count): $Status" }
    $pct = if ($State.Total -gt 0) { [Math]::Min(100, [int](100 * $State.Count / $State.Total)) } else { -1 }
    Write-Progress -Id $State.Id -Activity $State.Activity -Status $text -PercentComplete $pct
    $State.Shown = $true
}

function Complete-ApiKeysProgress {
    param([hashtable]$State)
    if ($null -ne $State -and $State.Shown) {
        Write-Progress -Id $State.Id -Activity $State.Activity -Completed
        $State.Shown = $false
    }
}
