package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/report"
	"github.com/ucssim/ucssim/sim/scenario"
)

// Exit codes.
const (
	exitPassed  = 0
	exitFailed  = 1
	exitInvalid = 2
)

// Runner runs one valid scenario file as cfg asks. It is a variable of App so that the CLI can be
// tested with a fake world.
type Runner func(ctx context.Context, f *scenario.File, cfg RunConfig) report.Case

// RunConfig is what `ucssim run` asks of one run: Seed, when not nil, overrides the file's seed;
// Wire carries its world's SIP and HTTP (--wire); Report asks for the migration-wave report
// (report.Case.Wave).
type RunConfig struct {
	Seed   *uint64
	Wire   sim.Wire
	Report bool
}

// App is the CLI with its outputs and collaborators.
type App struct {
	Stdin          io.Reader // the shell's and serve's input; nil means os.Stdin
	Stdout, Stderr io.Writer
	Runner         Runner
	// Bundled is the suite run when no PATH is given (scenarios.FS in the real binary), and
	// BundledRoot the prefix its paths are shown under.
	Bundled     fs.FS
	BundledRoot string
	Version     string
	// Terminal decides colour and progress; nil means report.OptionsFor(Stdout).
	Terminal *report.TerminalOptions
	// exploreWorld, if set, tunes every world explore builds (specs plant a defect with it).
	exploreWorld *sim.WorldOptions
	// Getenv reads the environment (GITHUB_ACTIONS); nil means os.Getenv.
	Getenv func(string) string
}

func (a *App) getenv(key string) string {
	if a.Getenv != nil {
		return a.Getenv(key)
	}
	return os.Getenv(key)
}

// usageError marks a bad command line (exit 2).
type usageError struct{ error }

// exitError carries an exit code decided by a command.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Execute runs the command line args and returns the process exit code.
func (a *App) Execute(ctx context.Context, args []string) int {
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetOut(a.Stdout)
	root.SetErr(a.Stderr)
	if a.Stdin != nil {
		root.SetIn(a.Stdin)
	}
	err := root.ExecuteContext(ctx)
	var ee exitError
	switch {
	case err == nil:
		return exitPassed
	case errors.As(err, &ee):
		return ee.code
	}
	fmt.Fprintf(a.Stderr, "ucssim: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(a.Stderr, "Run 'ucssim --help' for usage.")
	}
	return exitInvalid
}

func (a *App) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "ucssim",
		Short: "Simulate the Lync Server 2013 unified contact store and run scenario files against it",
		Long: `ucssim simulates the Lync Server 2013 unified contact store: user services policies, the
migration of a user's contacts into an Exchange 2013 mailbox, log-off prompts, rollback and the
re-migration after the 7-day hold, all on a virtual clock over real SIP and EWS sockets on loopback.

Exit codes: 0 all scenarios passed, 1 some failed, 2 a file was invalid, no scenario matched the
filters, or the command line was wrong. Ctrl-C stops at the next virtual event; a second Ctrl-C
quits at once (130).`,
		Example: `  ucssim run                       # the bundled suite
  ucssim run scenarios/rollback     # every *.yaml under a directory
  ucssim validate my-scenario.yaml  # check a file without running it
  ucssim init                       # start scenarios/ and a CI file in this project
  ucssim schema -o scenario.schema.json  # for editors (yaml-language-server)`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.Version = a.Version
	root.SetVersionTemplate(versionLine(a.Version))
	root.AddCommand(a.runCmd(), a.validateCmd(), a.shellCmd(), a.serveCmd(), a.timelineCmd(), a.exploreCmd(), a.sweepCmd(), a.versionCmd(), a.schemaCmd(), a.initCmd())
	return root
}

// loaded is one discovered file: parsed, or the reason it is invalid.
type loaded struct {
	path string
	file *scenario.File
	err  error
}

// load discovers and parses the files named by paths, or the bundled suite when there are none,
// then checks suite-wide rules (a later file reusing a name is invalid).
func (a *App) load(paths []string) ([]loaded, error) {
	var out []loaded
	if len(paths) == 0 {
		if a.Bundled == nil {
			return nil, usageError{errors.New("this build has no bundled suite: give a PATH")}
		}
		found, err := scenario.DiscoverFS(a.Bundled, []string{"."})
		if err != nil {
			return nil, err
		}
		for _, p := range found {
			shown := p
			if a.BundledRoot != "" {
				shown = a.BundledRoot + "/" + p
			}
			data, err := fs.ReadFile(a.Bundled, p)
			if err != nil {
				out = append(out, loaded{path: shown, err: err})
				continue
			}
			f, err := scenario.Parse(shown, data)
			out = append(out, loaded{path: shown, file: f, err: err})
		}
	} else {
		found, err := scenario.Discover(paths)
		if err != nil {
			return nil, err
		}
		for _, p := range found {
			f, err := scenario.Load(p)
			out = append(out, loaded{path: p, file: f, err: err})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no scenario files (*.yaml, *.yml) found")
	}
	checkSuite(out)
	return out, nil
}

// checkSuite applies scenario.CheckSuite and marks each file it reports as invalid.
func checkSuite(files []loaded) {
	var valid []*scenario.File
	for _, l := range files {
		if l.file != nil {
			valid = append(valid, l.file)
		}
	}
	err := scenario.CheckSuite(valid)
	var list scenario.ErrorList
	if !errors.As(err, &list) {
		return
	}
	for _, e := range list {
		for i := range files {
			if files[i].file != nil && files[i].path == e.Path {
				files[i].file = nil
				files[i].err = scenario.ErrorList{e}
			}
		}
	}
}

func (a *App) terminal() *report.Terminal {
	opt := report.OptionsFor(a.Stdout)
	if a.Terminal != nil {
		opt = *a.Terminal
	}
	return report.NewTerminal(a.Stdout, opt)
}
