package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ucssim/ucssim/sim/scenario"
)

func (a *App) schemaCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of scenario files (for editors and validators)",
		Long: `Print the JSON Schema (draft 2020-12) of the scenario file format, generated from the types the
loader itself takes its keys and values from, with a description of every key and the values of every
enum. Editors that run yaml-language-server (VS Code's YAML extension, Neovim, JetBrains, ...) give
completion, hover and checks on a file whose first line is

  # yaml-language-server: $schema=<path or URL of the schema file>

The repository keeps a copy in docs/scenario.schema.json; the bundled scenarios point at it.`,
		Example: `  ucssim schema > scenario.schema.json
  ucssim schema -o .vscode/ucssim.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			data, err := scenario.SchemaJSON()
			if err != nil {
				return err
			}
			if out == "" {
				_, err = a.Stdout.Write(data)
				return err
			}
			if err := os.WriteFile(out, data, 0o644); err != nil {
				return fmt.Errorf("schema: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the schema to this file instead of standard output")
	return cmd
}
