function Get-Baseline { [CmdletBinding()] param([string]$Name) "hello $Name" }
Export-ModuleMember -Function Get-Baseline
