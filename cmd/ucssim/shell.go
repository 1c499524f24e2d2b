package main

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/ucssim/ucssim/sim/report"
	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/sim/shell"
)

type shellFlags struct {
	world  string
	seed   uint64
	replay bool
	ui     string
}

func (a *App) shellCmd() *cobra.Command {
	var fl shellFlags
	cmd := &cobra.Command{
		Use:   "shell",
		Short: "An interactive Lync Server Management Shell over a simulated world",
		Long: `Open a Lync Server Management Shell over a simulated world on loopback, on a virtual clock.
Cmdlet lines work exactly as in the product (Invoke-CsUcsRollback asks to confirm unless
-Confirm:$False); shell verbs sign users in and out, answer the log-off prompt, inject Exchange
faults and move the clock (type help). Every trace event prints as virtual time reaches it.

The world is the world: section of a scenario file (--world), or by default the seed document's:
Ken Myer and Pilar Ackerman with 12 and 5 contacts. Fed a file instead of a terminal, the shell
prints a transcript: no prompts, each line echoed after "> ", confirmations read from the input.
The end of the input (or Ctrl-C) leaves the shell with exit code 0; a world file that does not load, 2.`,
		Example: `  ucssim shell
  ucssim shell --world scenarios/rollback/without-policy-change-remigrates.yaml --seed 7
  ucssim shell --world my.yaml --replay      # run the file's steps first, then take over
  ucssim shell < sim/shell/testdata/rollback-demo.txt
  ucssim shell --ui 127.0.0.1:8090          # and open http://127.0.0.1:8090/ : it follows the shell

  PS 2026-01-05 09:00:00 > signin Ken Myer
  PS 2026-01-05 09:00:00 > wait 10m
  PS 2026-01-05 09:10:00 > accept Ken Myer
  PS 2026-01-05 09:10:00 > Invoke-CsUcsRollback -Identity "Ken Myer"
  PS 2026-01-05 09:10:00 > until +7d10m
  PS 2026-01-12 09:10:00 > status`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runShell(cmd, fl, shell.Options{})
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.world, "world", "", "scenario file whose world: (name, description, start, seed) to load")
	f.Uint64Var(&fl.seed, "seed", 0, "override the world's seed")
	f.BoolVar(&fl.replay, "replay", false, "replay the file's steps before reading input")
	f.StringVar(&fl.ui, "ui", "", "also serve the live timeline page on this loopback address, e.g. 127.0.0.1:8090")
	return cmd
}

// runShell loads the world, then serves the shell on the command's input until it ends.
func (a *App) runShell(cmd *cobra.Command, fl shellFlags, opt shell.Options) error {
	opt.Replay = fl.replay
	opt.UI = fl.ui
	opt.Color = report.OptionsFor(a.Stdout).Color
	if fl.world != "" {
		f, err := scenario.Load(fl.world)
		if err != nil {
			return err
		}
		opt.File = f
	}
	if cmd.Flags().Changed("seed") {
		opt.Seed = &fl.seed
	}
	in := cmd.InOrStdin()
	opt.Prompt = isTerminalInput(in)
	opt.Echo = !opt.Prompt
	err := shell.Run(cmd.Context(), in, a.Stdout, opt)
	if errors.Is(err, context.Canceled) {
		return nil // Ctrl-C leaves the shell like the end of the input
	}
	return err
}

// isTerminalInput reports whether in is an interactive terminal (the prompt is shown only then).
func isTerminalInput(in io.Reader) bool {
	f, ok := in.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
