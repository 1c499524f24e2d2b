// Package pwsh reads Lync Server Management Shell input the way PowerShell does, binds it to a
// cmdlet's parameters, and holds the objects that flow through a pipeline.
//
// ParseScript reads one line: statements separated by ';', each an optional `$name =` and a
// pipeline of elements separated by '|'; the first element may be an expression ($u,
// $u.SipAddress, 'text', 42), the others are commands. A command is a name (Verb-Noun, or an alias
// such as ft or where) followed by parameters (-Name, -Name value, -Name:value, switches; the en
// and em dashes pasted from TechNet count as '-') and values (bare words, 'single' and "double"
// quoted strings, numbers, $True, $False, $Null, $variables with properties, comma lists and
// script blocks). A script block is parsed as a Filter: comparisons (-eq -ne -like -notlike -match
// -gt -lt ...) joined by -and, -or, -not, as Get-CsUser -Filter and Where-Object use them. Parse
// reads a line that holds exactly one command.
//
// Resolve picks the Spec for a command's name; Bind matches the arguments to it as PowerShell's
// parameter binder does: case-insensitive names and aliases, unambiguous prefixes, positional
// values in Position order, switches, mandatory parameters, $Null and Boolean conversion, enums.
// BindInput binds a pipeline input object by value and by property name. Spec.WithCommon adds
// PowerShell's common parameters (-Verbose, -ErrorAction, ..., and -WhatIf/-Confirm).
//
// Object is a pipeline object (a user, a policy, a test result); FormatList and FormatTable print
// objects as the shell does, Text prints one value.
//
// Redirection, '&', parentheses, '@' and line continuation are rejected with an error that says
// so. Every error is an *Error with a Code and the 1-based column, counted in characters (runes).
// Nothing here panics, and nothing here changes its inputs.
package pwsh
