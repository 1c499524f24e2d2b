package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *App) validateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate [PATH...]",
		Short: "Check scenario files without running them",
		Long: `Parse and check every scenario file (*.yaml, *.yml) under the given files and directories (the
bundled suite when no PATH is given): unknown keys, wrong types, unknown users or policies, bad
durations, until times in the past, cmdlet lines that do not parse, duplicate names. Every problem
prints as file:line:col: message. Exit code 0 when all are valid, 2 otherwise.`,
		Example: `  ucssim validate scenarios/
  ucssim validate my-scenario.yaml other.yml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := a.load(args)
			if err != nil {
				return err
			}
			invalid := 0
			for _, l := range files {
				if l.err != nil {
					invalid++
					fmt.Fprintln(a.Stderr, l.err)
				}
			}
			fmt.Fprintf(a.Stdout, "%d valid, %d invalid\n", len(files)-invalid, invalid)
			if invalid > 0 {
				return exitError{exitInvalid}
			}
			return nil
		},
	}
}
