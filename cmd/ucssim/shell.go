package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/report"
	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/sim/shell"
)

type shellFlags struct {
	world     string
	seed      uint64
	replay    bool
	journal   string
	noJournal bool
	ui        string
	wire      string // shell only: serve is for outside clients, which need loopback
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
On a terminal: line editing, Up/Down history (kept in the user config directory's ucssim/history),
Get-History, Tab completion of cmdlets, parameters, users and policies; Ctrl-C drops the line,
Ctrl-D leaves.

save FILE writes the session as a scenario file that ucssim run replays to the same trace; undo,
checkpoint NAME / restore NAME and reset go back. Every session is journaled as it goes (the banner
says where): ucssim run JOURNAL replays a crashed or closed session to the same state.
The end of the input (or Ctrl-C) leaves the shell with exit code 0; a world file that does not load, 2.`,
		Example: `  ucssim shell
  ucssim shell --world scenarios/rollback/without-policy-change-remigrates.yaml --seed 7
  ucssim shell --world my.yaml --replay      # one step per Enter, exactly as ucssim run plays them
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
	fl.addFlags(cmd.Flags())
	cmd.Flags().StringVar(&fl.wire, "wire", "loopback", wireHelp)
	return cmd
}

// addFlags adds the flags shell and serve share.
func (fl *shellFlags) addFlags(f *pflag.FlagSet) {
	f.StringVar(&fl.world, "world", "", "scenario file whose world: (name, description, start, seed) to load")
	f.Uint64Var(&fl.seed, "seed", 0, "override the world's seed")
	f.BoolVar(&fl.replay, "replay", false, "play the file's steps one per Enter, exactly as ucssim run plays them")
	f.StringVar(&fl.journal, "journal", "", "journal the session to this file (default: a new file in "+journalDirHelp+", which keeps the newest 100)")
	f.BoolVar(&fl.noJournal, "no-journal", false, "keep no journal of the session")
	f.StringVar(&fl.ui, "ui", "", "also serve the live timeline page on this loopback address, e.g. 127.0.0.1:8090")
}

// runShell loads the world, then serves the shell on the command's input until it ends.
func (a *App) runShell(cmd *cobra.Command, fl shellFlags, opt shell.Options) error {
	opt.Replay = fl.replay
	if fl.wire != "" {
		wire, err := sim.ParseWire(fl.wire)
		if err != nil {
			return usageError{fmt.Errorf("bad --wire: %w", err)}
		}
		opt.World.Wire = wire
	}
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
	opt.Prompt = report.IsTerminal(in) // the prompt is shown only on an interactive terminal
	opt.Echo = !opt.Prompt
	// Line editing only when both ends are the process's terminal: liner reads os.Stdin and
	// draws on os.Stdout. Piped input or output stays plain.
	opt.Terminal = opt.Prompt && in == os.Stdin && a.Stdout == os.Stdout && report.IsTerminal(os.Stdout)
	if opt.Terminal {
		if dir, err := configDir(); err == nil {
			opt.HistoryFile = filepath.Join(dir, "history")
		}
	}
	if !fl.noJournal {
		opt.Journal = fl.journal
		if opt.Journal == "" {
			dir, err := configDir()
			if err != nil {
				return fmt.Errorf("no place for the journal (%v): give --journal FILE or --no-journal", err)
			}
			jdir := filepath.Join(dir, "journal")
			pruneJournals(jdir, journalsKept-1)
			opt.Journal = filepath.Join(jdir, time.Now().UTC().Format("20060102-150405")+fmt.Sprintf("-%d.yaml", os.Getpid()))
		}
	}
	err := shell.Run(cmd.Context(), in, a.Stdout, opt)
	if errors.Is(err, context.Canceled) {
		return nil // Ctrl-C leaves the shell like the end of the input
	}
	return err
}

// journalDirHelp names where journals go by default, for --help.
const journalDirHelp = "$XDG_CONFIG_HOME/ucssim/journal (~/.config/ucssim/journal)"

// journalsKept is how many session journals the default journal directory keeps: the oldest go
// when a new session starts.
const journalsKept = 100

// pruneJournals removes the oldest journals of dir (their names start with the UTC time they were
// made) so that at most keep are left. Failures only leave more behind.
func pruneJournals(dir string, keep int) {
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(names) <= keep {
		return
	}
	sort.Strings(names)
	for _, n := range names[:len(names)-keep] {
		_ = os.Remove(n)
	}
}

// configDir is ucssim's directory in the user's config directory: the shell's history and the
// session journals live there.
func configDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "ucssim"), nil
}
