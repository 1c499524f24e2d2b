// Package shell is ucssim's interactive Lync Server Management Shell over a simulated world: the
// Management Shell lines of the product (cmdlets, pipelines, variables: Get-CsUser -Filter {...} |
// Invoke-CsUcsRollback) go to the engine, which asks for confirmations as PowerShell does and
// prints errors as PowerShell error records; a few shell verbs sign users in and out, answer the
// log-off prompt, inject Exchange faults and move the virtual clock. While time moves, every trace
// event prints as it happens, so a trainer can show the 7-day re-migration after a rollback in a
// few keystrokes.
//
// The shell reads lines from any io.Reader: on a terminal it prints a `PS <virtual time> >` prompt;
// fed a file (`ucssim shell < demo.txt`) it echoes each line and prints a transcript.
package shell
