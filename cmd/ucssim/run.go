package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/report"
	"github.com/ucssim/ucssim/sim/scenario"
)

type runFlags struct {
	labels   []string
	focus    string
	seed     uint64
	parallel int
	shard    string
	junit    string
	trace    string
	format   string
	html     string
	report   bool
	wire     string
}

// wireHelp documents --wire wherever it is offered.
const wireHelp = "what carries SIP and HTTP: loopback (127.0.0.1 sockets) or memory (in-process, same bytes and parsers, no file descriptors: for large populations)"

// caseReporter is what --format chooses: it prints each case as it completes and the summary.
type caseReporter interface {
	Progress(done, total int)
	Case(c report.Case)
	Summary(cases []report.Case)
}

// Output formats of ucssim run.
const (
	formatTerminal = "terminal"
	formatGitHub   = "github"
	formatTAP      = "tap"
)

// reporter builds the reporter --format names; with no --format, GitHub Actions
// (GITHUB_ACTIONS=true) gets annotations and anything else the terminal reporter.
func (a *App) reporter(format string, total int) (caseReporter, error) {
	if format == "" {
		format = formatTerminal
		if a.getenv("GITHUB_ACTIONS") == "true" {
			format = formatGitHub
		}
	}
	switch format {
	case formatTerminal:
		return a.terminal(), nil
	case formatGitHub:
		return report.NewGitHub(a.Stdout), nil
	case formatTAP:
		return report.NewTAP(a.Stdout, total), nil
	}
	return nil, fmt.Errorf("bad --format %q", format)
}

func (a *App) runCmd() *cobra.Command {
	var fl runFlags
	cmd := &cobra.Command{
		Use:   "run [PATH...]",
		Short: "Run scenario files (the bundled suite when no PATH is given)",
		Long: `Run every scenario file (*.yaml, *.yml) under the given files and directories, or the suite
bundled in the binary when no PATH is given. Each scenario builds its own world on loopback sockets
and runs on its own virtual clock; results print in file order, whatever --parallel is.

A file that does not validate is reported with file:line:col and nothing of it runs; the others
still run. The last line counts them: N passed, N failed, N invalid. Filters that select no
scenario at all are an error that names the labels the files carry.

--format github (the default when GITHUB_ACTIONS=true) adds workflow annotations
(::error file=...,line=...,col=...::) at failing steps and invalid files; --format tap writes TAP 13.
--junit writes JUnit XML with each scenario's description, labels, notes and failing step.

--report prints, after each scenario, its migration-wave report: migrations started, completed and
failed per virtual hour, the time until 50/90/100% of the users that began migrating had migrated,
the peak of concurrent migrations, Exchange requests per second and ErrorServerBusy answers, and
failures by reason (docs/SCENARIO-FORMAT.md "Populations"); with --html the page charts it.

Exit codes: 0 all passed, 1 some failed, 2 a file was invalid, no scenario matched the filters,
or the flags were wrong.`,
		Example: `  ucssim run
  ucssim run scenarios/rollback scenarios/remigration
  ucssim run --label rollback --label prompts --parallel 4
  ucssim run --focus 'hold|7 days' --seed 42
  ucssim run --shard 2/4 --junit junit.xml --trace traces/
  ucssim run --html report/ scenarios/rollback     # then open report/index.html
  ucssim run --format github scenarios/
  ucssim run --report --html report/ scenarios/population`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var seed *uint64
			if cmd.Flags().Changed("seed") {
				seed = &fl.seed
			}
			return a.run(cmd.Context(), args, fl, seed)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&fl.labels, "label", nil, "run only scenarios with this label (repeatable; any match)")
	f.StringVar(&fl.focus, "focus", "", "run only scenarios whose name matches this regular expression")
	f.Uint64Var(&fl.seed, "seed", 0, "override every file's seed")
	f.IntVar(&fl.parallel, "parallel", runtime.GOMAXPROCS(0), "scenarios run at once")
	f.StringVar(&fl.shard, "shard", "", "run only slice i of n of the sorted files, e.g. 2/4")
	f.StringVar(&fl.junit, "junit", "", "write a JUnit XML report to this file")
	f.StringVar(&fl.trace, "trace", "", "write each scenario's trace to DIR/<name>.jsonl")
	f.StringVar(&fl.format, "format", "", "output: terminal, github (workflow annotations; the default under GitHub Actions) or tap")
	f.StringVar(&fl.html, "html", "", "write a timeline page per scenario and DIR/index.html (self-contained HTML)")
	f.BoolVar(&fl.report, "report", false, "print a migration-wave report after each scenario (and chart it in --html pages)")
	f.StringVar(&fl.wire, "wire", "loopback", wireHelp)
	return cmd
}

func (a *App) run(ctx context.Context, paths []string, fl runFlags, seed *uint64) error {
	if fl.parallel < 1 {
		return usageError{fmt.Errorf("bad --parallel %d: want 1 or more", fl.parallel)}
	}
	sh, err := parseShard(fl.shard)
	if err != nil {
		return usageError{err}
	}
	wire, err := sim.ParseWire(fl.wire)
	if err != nil {
		return usageError{fmt.Errorf("bad --wire: %w", err)}
	}
	filt, err := newFilter(fl.labels, fl.focus)
	if err != nil {
		return usageError{err}
	}
	switch fl.format {
	case "", formatTerminal, formatGitHub, formatTAP:
	default:
		return usageError{fmt.Errorf("bad --format %q: want terminal, github or tap", fl.format)}
	}
	all, err := a.load(paths)
	if err != nil {
		return err
	}
	if filt.active() && !filt.selectsAny(all) {
		return usageError{fmt.Errorf("no scenario matches %s; %s", filt, knownLabels(all))}
	}
	// Shard first, over every discovered file in sorted order, so that the slices are the same
	// whatever each file holds; invalid files are reported by the shard that owns them.
	var cases []report.Case
	var jobs []int              // indexes into cases of the files to run
	picked := make(map[int]int) // case index -> index in all
	for k, l := range all {
		if !sh.owns(k) {
			continue
		}
		if l.file == nil {
			cases = append(cases, report.Case{Path: l.path, Invalid: true, Err: l.err})
			continue
		}
		if !filt.match(l.file) {
			continue
		}
		picked[len(cases)] = k
		jobs = append(jobs, len(cases))
		cases = append(cases, report.Case{Name: l.file.Name, Path: l.path, Labels: l.file.Labels,
			Description: l.file.Description, Notes: notesOf(l.file)})
	}
	if len(cases) == 0 {
		// The filters select scenarios, but none fell to this shard: nothing to do here.
		fmt.Fprintf(a.Stderr, "ucssim: shard %s holds none of the selected scenarios\n", fl.shard)
	}

	started := time.Now()
	term, err := a.reporter(fl.format, len(cases))
	if err != nil {
		return usageError{err}
	}
	done := make([]chan struct{}, len(cases))
	for i := range done {
		done[i] = make(chan struct{})
	}
	for i, c := range cases {
		if c.Invalid {
			close(done[i])
		}
	}
	var wg sync.WaitGroup
	queue := make(chan int)
	var mu sync.Mutex
	finished := 0
	for w := 0; w < min(fl.parallel, max(len(jobs), 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range queue {
				c := a.runOne(ctx, all[picked[i]].file, RunConfig{Seed: seed, Wire: wire, Report: fl.report})
				c.Name, c.Path, c.Labels = cases[i].Name, cases[i].Path, cases[i].Labels
				c.Description, c.Notes = cases[i].Description, cases[i].Notes
				cases[i] = c
				mu.Lock()
				finished++
				n := finished
				mu.Unlock()
				term.Progress(n, len(jobs))
				close(done[i])
			}
		}()
	}
	go func() {
		for _, i := range jobs {
			queue <- i
		}
		close(queue)
	}()
	// Print in file order as soon as each result and all before it are in.
	for i := range cases {
		<-done[i]
		term.Case(cases[i])
		if w := cases[i].Wave; w != nil {
			prefix := ""
			if fl.format == formatTAP {
				prefix = "# "
			}
			w.WriteText(a.Stdout, prefix)
		}
	}
	wg.Wait()
	term.Summary(cases)

	if fl.junit != "" {
		if err := writeJUnit(fl.junit, started, cases); err != nil {
			return err
		}
	}
	if fl.trace != "" {
		if _, err := report.WriteTraces(fl.trace, cases); err != nil {
			return err
		}
	}
	if fl.html != "" {
		files := make(map[int]*scenario.File, len(picked))
		for i, k := range picked {
			files[i] = all[k].file
		}
		if err := writeHTML(fl.html, cases, files, time.Since(started)); err != nil {
			return err
		}
	}
	return exitError{exitCode(cases)}
}

// runOne calls the runner, turning a panic into a failed case so one broken scenario cannot
// take the suite down.
func (a *App) runOne(ctx context.Context, f *scenario.File, cfg RunConfig) (c report.Case) {
	defer func() {
		if p := recover(); p != nil {
			c = report.Case{Err: fmt.Errorf("internal error: %v", p)}
		}
	}()
	return a.Runner(ctx, f, cfg)
}

func writeJUnit(path string, started time.Time, cases []report.Case) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("--junit: %w", err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	if err := report.WriteJUnit(f, "ucssim", started, cases); err != nil {
		f.Close()
		return fmt.Errorf("--junit: %w", err)
	}
	return f.Close()
}

// exitCode is 2 when a file was invalid, else 1 when a scenario failed, else 0.
func exitCode(cases []report.Case) int {
	code := exitPassed
	for _, c := range cases {
		switch {
		case c.Invalid:
			return exitInvalid
		case !c.Passed || c.Err != nil:
			code = exitFailed
		}
	}
	return code
}
