function Get-BaselineFormat { [CmdletBinding()] param() [pscustomobject]@{ PSTypeName = 'BaselineFormat.Item'; Name = 'x' } }
