package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/explore"
	"github.com/ucssim/ucssim/sim/report"
	"github.com/ucssim/ucssim/sim/scenario"
)

type exploreFlags struct {
	seeds, steps, users, parallel, every int
	seed                                 uint64
	faults                               bool
	duration                             time.Duration
	out, world                           string
	invariants                           []string
	wire                                 string
}

func (a *App) exploreCmd() *cobra.Command {
	var fl exploreFlags
	cmd := &cobra.Command{
		Use:   "explore",
		Short: "Run random action sequences against whole worlds and shrink every broken invariant to a scenario file",
		Long: `Explore generates random, valid action sequences against whole worlds (engine, SIP front end, EWS
mock and simulated clients on loopback sockets): sign-ins and sign-outs of every client kind on several
endpoints, prompt answers, contact edits through the clients and Outlook, policy cmdlets at every scope,
rollbacks with and without -Force, Move-CsUser, Exchange faults (--faults) and clock moves that land on,
just before and just after the instants that matter. After every settled step it checks the invariants:

  nothing-lost      every contact in exactly one authoritative store; none lost, duplicated or
                    resurrected, except what a contacts.lost event recorded
  clients-converge  every signed-in client shows the list where it reads from
  one-truth         engine, front end, clients, Debug-CsUnifiedContactStore, the trace and scenario
                    expectations agree on state, store, prompt and hold
  events-paired     every *.started has its end or is still in flight; Debug -PoolFqdn counts add up
  deterministic     the same steps with the same seed give a byte-identical trace
  no-leaks          no goroutine or file descriptor outlives the worlds

Each violation is shrunk (fewer steps, shorter waits, simpler faults, fewer users and contacts) to a
scenario file in --out whose top-level invariants: key makes 'ucssim run' fail it with the invariant's
name. Exit codes: 0 nothing found, 1 something found, 2 bad flags or world file.`,
		Example: `  ucssim explore --seeds 100 --steps 60 --faults
  ucssim explore --seed 18 --faults --out found/
  ucssim explore --world scenarios/seed/per-user-policy-story.yaml --duration 2m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opt := explore.Options{Seeds: fl.seeds, Seed: fl.seed, Steps: fl.steps, Users: fl.users, Faults: fl.faults,
				Duration: fl.duration, Out: fl.out, Parallel: fl.parallel, DeterminismEvery: fl.every}
			if cmd.Flags().Changed("seed") && !cmd.Flags().Changed("seeds") {
				opt.Seeds = 1
			}
			if fl.seed == 0 {
				opt.Seed = 1
			}
			for _, n := range fl.invariants {
				canon := ""
				for _, v := range scenario.InvariantNames {
					if strings.EqualFold(n, v) {
						canon = v
					}
				}
				if canon == "" {
					return usageError{fmt.Errorf("--invariant %q: one of %s", n, strings.Join(scenario.InvariantNames, ", "))}
				}
				opt.Invariants = append(opt.Invariants, canon)
			}
			if fl.world != "" {
				f, err := scenario.Load(fl.world)
				if err != nil {
					fmt.Fprintln(a.Stderr, err)
					return exitError{exitInvalid}
				}
				opt.World = &f.World
			}
			if a.exploreWorld != nil {
				opt.WorldOptions = *a.exploreWorld
			}
			wire, err := sim.ParseWire(fl.wire)
			if err != nil {
				return usageError{fmt.Errorf("bad --wire: %w", err)}
			}
			opt.WorldOptions.Wire = wire
			term := report.OptionsFor(a.Stderr)
			if a.Terminal != nil {
				term = *a.Terminal
			}
			opt.Progress, opt.ProgressTTY = a.Stderr, term.Progress
			sum, err := explore.Run(cmd.Context(), opt)
			writeExploreSummary(a, sum, opt)
			if err != nil {
				return err
			}
			if len(sum.Findings) > 0 {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&fl.seeds, "seeds", 100, "how many seeds to explore")
	f.Uint64Var(&fl.seed, "seed", 1, "the first seed (alone: explore only this seed)")
	f.IntVar(&fl.steps, "steps", 60, "steps per seed")
	f.IntVar(&fl.users, "users", 3, "at most this many users per generated world")
	f.BoolVar(&fl.faults, "faults", false, "add Exchange faults of every kind, server-wide and per mailbox")
	f.DurationVar(&fl.duration, "duration", 0, "start no new seed after this much wall time (0: no limit)")
	f.StringVar(&fl.out, "out", "explore-found", "directory for the shrunk scenario files")
	f.StringVar(&fl.world, "world", "", "use this scenario file's world instead of generated ones")
	f.IntVar(&fl.parallel, "parallel", 1, "seeds explored at once")
	f.IntVar(&fl.every, "determinism-every", 1, "replay every Nth seed to compare traces (deterministic)")
	f.StringArrayVar(&fl.invariants, "invariant", nil, "check only this invariant (repeatable; default all)")
	f.StringVar(&fl.wire, "wire", "loopback", wireHelp)
	return cmd
}

// writeExploreSummary prints one line per finding and the table of invariants.
func writeExploreSummary(a *App, sum *explore.Summary, opt explore.Options) {
	if sum == nil {
		return
	}
	w := a.Stdout
	for _, fd := range sum.Findings {
		fmt.Fprintf(w, "FOUND %s (seed %d, after step %d): %s\n", fd.Invariant, fd.Seed, fd.AtStep, fd.Detail)
		switch {
		case fd.Path != "" && fd.Confirmed:
			fmt.Fprintf(w, "  wrote %s: %d steps; 'ucssim run %s' fails it with %s\n", fd.Path, fd.Steps, fd.Path, fd.Invariant)
		case fd.Path != "":
			fmt.Fprintf(w, "  wrote %s: %d steps (not reproduced by 'ucssim run' on its own)\n", fd.Path, fd.Steps)
		}
	}
	per := map[string]int{}
	seeds := map[string][]string{}
	for _, fd := range sum.Findings {
		per[fd.Invariant]++
		seeds[fd.Invariant] = append(seeds[fd.Invariant], fmt.Sprint(fd.Seed))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "invariant\tchecks\tviolations\tseeds")
	invs := opt.Invariants
	if len(invs) == 0 {
		invs = scenario.InvariantNames
	}
	for _, n := range invs {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", n, sum.Checks[n], per[n], strings.Join(seeds[n], " "))
	}
	_ = tw.Flush()
	secs := max(sum.Wall.Seconds(), 1e-9)
	fmt.Fprintf(w, "%d seeds, %d steps in %s (%.1f seeds/s, %.0f steps/s): %d found\n", sum.Seeds, sum.Steps,
		sum.Wall.Round(time.Millisecond), float64(sum.Seeds)/secs, float64(sum.Steps)/secs, len(sum.Findings))
}
