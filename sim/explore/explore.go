// Package explore finds timing bugs automatically: it runs random, valid action sequences against
// whole worlds (engine, SIP front end, EWS mock and simulated clients on real loopback sockets),
// checks the named invariants of scenario.InvariantNames after every settled step, and shrinks
// each violation to a minimal scenario file that `ucssim run` fails with the invariant's name.
//
// A run is one seed: the seed draws the world (users, contacts, mailboxes, policies) and each
// step from what the world shows at that instant (sign-ins and sign-outs of every client kind on
// several endpoints, prompt answers, contact edits through the clients and Outlook, policy
// cmdlets at every scope, rollbacks with and without -Force, Move-CsUser, Exchange faults, and
// clock moves that land on, just before and just after the instants that matter). The same seed
// always gives the same steps and the same trace.
//
//	sum, err := explore.Run(ctx, explore.Options{Seeds: 100, Steps: 60, Faults: true, Out: "found"})
//
// Shrink reduces a failing scenario (fewer steps, shorter waits, simpler faults, fewer users and
// contacts) while the same invariant still fails.
package explore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// Options tune an exploration.
type Options struct {
	Seeds int    // how many seeds (default 100)
	Seed  uint64 // the first seed (default 1); seeds are Seed, Seed+1, ...
	Steps int    // steps per seed (default 60)
	Users int    // at most this many users per world (default 3)
	// Faults adds Exchange faults of every kind, server-wide and per mailbox.
	Faults bool
	// Duration stops starting new seeds after this much wall time (0: no limit).
	Duration time.Duration
	// Out is where shrunk scenario files are written ("" = nowhere).
	Out string
	// World, if set, is the world every seed uses instead of a generated one.
	World *scenario.World
	// Invariants are checked (default all of scenario.InvariantNames).
	Invariants []string
	// MaxFindings stops after that many violations (0: no limit).
	MaxFindings int
	// ShrinkBudget bounds the candidate runs one shrink may try (default 400).
	ShrinkBudget int
	// Parallel is how many seeds run at once (default 1).
	Parallel int
	// DeterminismEvery replays every Nth seed to compare traces (default 1: every seed).
	DeterminismEvery int
	// WorldOptions are passed to every world (a test's planted defect).
	WorldOptions sim.WorldOptions
	// Progress, if set, gets one status line per seed ("\r"-rewritten on a terminal).
	Progress    io.Writer
	ProgressTTY bool
}

func (o *Options) defaults() {
	if o.Seeds <= 0 {
		o.Seeds = 100
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Steps <= 0 {
		o.Steps = 60
	}
	if o.Users <= 0 {
		o.Users = 3
	}
	if len(o.Invariants) == 0 {
		o.Invariants = slices.Clone(scenario.InvariantNames)
	}
	if o.ShrinkBudget <= 0 {
		o.ShrinkBudget = 400
	}
	if o.Parallel <= 0 {
		o.Parallel = 1
	}
	if o.DeterminismEvery <= 0 {
		o.DeterminismEvery = 1
	}
}

// Finding is one violated invariant and the scenario that shows it.
type Finding struct {
	Seed      uint64
	Invariant string
	Detail    string
	AtStep    int            // 1-based step of the generated run after which it was seen
	Steps     int            // steps of the shrunk file
	File      *scenario.File // the shrunk scenario
	Path      string         // where it was written ("" if Out was empty)
	// Confirmed: `ucssim run` of the written file fails with the same invariant.
	Confirmed bool
}

// Summary is what an exploration did.
type Summary struct {
	Seeds, Steps int
	Wall         time.Duration
	Findings     []Finding
	// Checks counts, per invariant, how many times it was checked.
	Checks map[string]int
}

// Run explores the seeds (Parallel at a time) and shrinks every violation it finds. Findings
// come back in seed order.
func Run(ctx context.Context, opt Options) (*Summary, error) {
	opt.defaults()
	began := time.Now()
	sum := &Summary{Checks: map[string]int{}}
	var baseline sim.Resources
	leaks := slices.Contains(opt.Invariants, scenario.InvNoLeaks)
	if leaks {
		baseline = sim.CountResources()
	}
	results := make([]seedOutcome, opt.Seeds)
	var (
		mu       sync.Mutex
		next     int
		found    int
		firstErr error
	)
	stop := func() bool {
		return ctx.Err() != nil || (opt.Duration > 0 && time.Since(began) > opt.Duration) ||
			(opt.MaxFindings > 0 && found >= opt.MaxFindings) || firstErr != nil
	}
	var wg sync.WaitGroup
	for w := 0; w < opt.Parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= opt.Seeds || stop() {
					mu.Unlock()
					return
				}
				i := next
				next++
				mu.Unlock()
				out := runSeed(ctx, opt.Seed+uint64(i), i, opt)
				mu.Lock()
				results[i] = out
				sum.Seeds++
				sum.Steps += out.steps
				if out.finding != nil {
					found++
				}
				if out.err != nil && firstErr == nil {
					firstErr = out.err
				}
				progress(opt, sum.Seeds, sum.Steps, found, began)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, r := range results {
		for k, v := range r.checks {
			sum.Checks[k] += v
		}
		if r.finding != nil {
			sum.Findings = append(sum.Findings, *r.finding)
		}
	}
	if leaks && sum.Seeds > 0 {
		sum.Checks[scenario.InvNoLeaks]++
		if after, ok := sim.WaitResources(baseline, 3*time.Second); !ok {
			sum.Findings = append(sum.Findings, Finding{Seed: opt.Seed, Invariant: scenario.InvNoLeaks,
				Detail: fmt.Sprintf("%d goroutines (%d running world code) and %d file descriptors before %d worlds, %d (%d: %s) and %d after they closed",
					baseline.Goroutines, baseline.World, baseline.FDs, sum.Seeds, after.Goroutines, after.World, after.Leaked, after.FDs)})
		}
	}
	sum.Wall = time.Since(began)
	if opt.Progress != nil && opt.ProgressTTY {
		fmt.Fprintln(opt.Progress)
	}
	if firstErr != nil {
		return sum, firstErr
	}
	return sum, ctx.Err()
}

// seedOutcome is what one seed's exploration gave.
type seedOutcome struct {
	steps   int
	finding *Finding
	err     error
	checks  map[string]int
}

// runSeed explores one seed; i is its index among the run's seeds.
func runSeed(ctx context.Context, seed uint64, i int, opt Options) (out seedOutcome) {
	out.checks = map[string]int{}
	f, found, err := generate(ctx, seed, opt)
	if err != nil {
		out.err = fmt.Errorf("seed %d: %w", seed, err)
		return out
	}
	out.steps = len(f.Steps)
	for _, n := range opt.Invariants {
		if perStep(n) {
			out.checks[n] += len(f.Steps)
		}
	}
	if found == nil && slices.Contains(opt.Invariants, scenario.InvDeterministic) && opt.DeterminismEvery > 0 && i%opt.DeterminismEvery == 0 {
		out.checks[scenario.InvDeterministic]++
		found = checkDeterministic(ctx, f, opt)
	}
	if found != nil {
		fd := shrinkAndWrite(ctx, f, *found, opt)
		out.finding = &fd
	}
	return out
}

func perStep(n string) bool { return n != scenario.InvDeterministic && n != scenario.InvNoLeaks }

func progress(opt Options, seeds, steps, found int, began time.Time) {
	if opt.Progress == nil {
		return
	}
	secs := time.Since(began).Seconds()
	line := fmt.Sprintf("seeds %d/%d  steps %d  %.0f steps/s  violations %d", seeds, opt.Seeds, steps, float64(steps)/max(secs, 1e-9), found)
	if opt.ProgressTTY {
		fmt.Fprintf(opt.Progress, "\r\x1b[K%s", line)
	} else if seeds%10 == 0 || seeds == opt.Seeds {
		fmt.Fprintln(opt.Progress, line)
	}
}

// violation is what a run saw first.
type violation struct {
	invariant, detail string
	step              int // 0-based index of the step after which it was seen
}

// baseFile is the scenario a seed's run is recorded into.
func baseFile(seed uint64, world scenario.World, opt Options) *scenario.File {
	return &scenario.File{
		Path:       fmt.Sprintf("explore-seed-%d.yaml", seed),
		Name:       fmt.Sprintf("explore seed %d", seed),
		Labels:     []string{"explore"},
		Seed:       seed,
		Start:      scenario.DefaultStart,
		World:      world,
		Invariants: slices.DeleteFunc(slices.Clone(opt.Invariants), func(n string) bool { return !perStep(n) }),
	}
}

// generate runs one seed: a fresh world and opt.Steps steps drawn from what it shows, each
// followed by the invariant checks. It returns the steps as a scenario file (each failing action
// with its `error:`), and the first violation.
func generate(ctx context.Context, seed uint64, opt Options) (*scenario.File, *violation, error) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed_ec5_1011))
	var world scenario.World
	if opt.World != nil {
		world = *opt.World
	} else {
		world = genWorld(rng, opt.Users)
	}
	f := baseFile(seed, world, opt)
	s, err := runner.Start(f, runner.RunOptions{World: opt.WorldOptions})
	if err != nil {
		s.Close()
		return f, nil, err
	}
	defer s.Close()
	s.Lenient = true
	g := &generator{rng: rng, faults: opt.Faults, w: s.World, spec: world}
	for i := 0; i < opt.Steps; i++ {
		step := g.next()
		step.Pos = scenario.Pos{Line: i + 1, Col: 1}
		act, fail := s.Step(ctx, step)
		step.Error = errorOption(act)
		f.Steps = append(f.Steps, step)
		if fail != nil {
			if fail.Invariant == "" {
				return f, nil, fmt.Errorf("step %d (%s): %s", i+1, fail.Step, fail.Seen)
			}
			return f, &violation{invariant: fail.Invariant, detail: strings.TrimPrefix(fail.Seen, "invariant "+fail.Invariant+" violated: "), step: i}, nil
		}
	}
	return f, nil, nil
}

var volatile = regexp.MustCompile(`127\.0\.0\.1:\d+|\[::1\]:\d+`)

// errorOption turns an action's error into the step's `error:` value: the message up to anything
// that differs between runs (a loopback port).
func errorOption(err error) *string {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if loc := volatile.FindStringIndex(msg); loc != nil {
		msg = msg[:loc[0]]
	}
	msg = strings.TrimSpace(msg)
	if len(msg) > 120 {
		msg = msg[:120]
	}
	if msg == "" {
		msg = "refused"
	}
	return &msg
}

// replay runs f's steps leniently, re-deriving each step's `error:`, and reports the first
// violation of target ("" = any invariant).
func replay(ctx context.Context, f *scenario.File, opt Options, target string) (*scenario.File, *violation, []byte, error) {
	out := *f
	out.Steps = nil
	s, err := runner.Start(&out, runner.RunOptions{World: opt.WorldOptions})
	if err != nil {
		s.Close()
		return &out, nil, nil, err
	}
	defer s.Close()
	s.Lenient = true
	for i, step := range f.Steps {
		act, fail := s.Step(ctx, step)
		step.Error = errorOption(act)
		out.Steps = append(out.Steps, step)
		if fail != nil {
			if fail.Invariant == "" {
				return &out, nil, nil, errors.New(fail.Seen)
			}
			v := &violation{invariant: fail.Invariant, detail: strings.TrimPrefix(fail.Seen, "invariant "+fail.Invariant+" violated: "), step: i}
			if target != "" && v.invariant != target {
				return &out, nil, nil, nil
			}
			return &out, v, nil, nil
		}
	}
	if err := s.World.Sched.Settle(); err != nil {
		return &out, nil, nil, err
	}
	trace, err := s.World.Trace.JSONL()
	return &out, nil, trace, err
}

// checkDeterministic replays a seed's steps twice and compares the traces.
func checkDeterministic(ctx context.Context, f *scenario.File, opt Options) *violation {
	g := *f
	g.Invariants = nil
	_, _, a, err1 := replay(ctx, &g, opt, "")
	_, _, b, err2 := replay(ctx, &g, opt, "")
	if err1 != nil || err2 != nil || string(a) != string(b) {
		detail := "two replays of the same steps gave different traces"
		if err1 != nil || err2 != nil {
			detail = fmt.Sprintf("two replays of the same steps ended differently (%v / %v)", err1, err2)
		}
		return &violation{invariant: scenario.InvDeterministic, detail: detail, step: len(f.Steps) - 1}
	}
	return nil
}

// shrinkAndWrite shrinks the seed's failing run, writes the file and confirms that `ucssim run`
// (runner.Run, strict) fails it with the same invariant.
func shrinkAndWrite(ctx context.Context, f *scenario.File, v violation, opt Options) Finding {
	fd := Finding{Seed: f.Seed, Invariant: v.invariant, Detail: v.detail, AtStep: v.step + 1}
	small := Shrink(ctx, f, v.invariant, opt)
	small.Name = fmt.Sprintf("explore seed %d: %s", f.Seed, v.invariant)
	small.Description = fmt.Sprintf("Found by `ucssim explore --seed %d` after step %d of %d; shrunk to %d steps.\nFirst seen: %s\n",
		f.Seed, v.step+1, len(f.Steps), len(small.Steps), v.detail)
	small.Labels = []string{"explore", v.invariant}
	if v.invariant == scenario.InvDeterministic {
		small.Invariants = []string{scenario.InvDeterministic}
	} else {
		small.Invariants = []string{v.invariant}
	}
	fd.Steps = len(small.Steps)
	data := scenario.Encode(small)
	name := fmt.Sprintf("explore-seed-%d-%s.yaml", f.Seed, v.invariant)
	if opt.Out != "" {
		if err := os.MkdirAll(opt.Out, 0o755); err == nil {
			p := filepath.Join(opt.Out, name)
			if os.WriteFile(p, data, 0o644) == nil {
				fd.Path = p
			}
		}
	}
	parsed, err := scenario.Parse(name, data)
	if err != nil {
		fd.Detail += fmt.Sprintf(" (the written file does not load: %v)", err)
		return fd
	}
	fd.File = parsed
	res := runner.Run(ctx, parsed, runner.RunOptions{World: opt.WorldOptions})
	fd.Confirmed = !res.Passed && res.Failure != nil && res.Failure.Invariant == v.invariant
	return fd
}
