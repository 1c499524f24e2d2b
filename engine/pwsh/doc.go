// Package pwsh reads one line of Lync Server Management Shell input the way PowerShell does and
// binds it to a cmdlet's parameters.
//
// Parse is syntax only: a Verb-Noun cmdlet name followed by parameters (-Name, -Name value,
// -Name:value, switches; the en and em dashes pasted from TechNet count as '-') and values (bare
// words, 'single' and "double" quoted strings, numbers, $True, $False, $Null). (*Command).String
// gives a canonical form that parses back to the same command. Resolve picks the Spec for a
// command's name; Bind then matches the arguments to it as PowerShell's parameter binder does:
// case-insensitive names and aliases, unambiguous prefixes, positional values in Position order,
// switches, mandatory parameters, $Null and Boolean conversion. Spec.WithCommon adds PowerShell's
// common parameters (-Verbose, -ErrorAction, ..., and -WhatIf/-Confirm).
//
// Only what an administrator types at the shell prompt for these cmdlets is supported; pipelines,
// multiple statements, redirection, line continuation, variables and expressions are rejected with
// an error that says so. Every error is an *Error with a Code and the 1-based column, counted in
// characters (runes). Nothing here panics, and nothing here changes its inputs.
package pwsh
