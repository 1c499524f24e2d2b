// Package runner runs a scenario file (docs/SCENARIO-FORMAT.md): it builds the file's world with
// package sim, plays its steps in order on the world's actions, checks its expectations (with
// within/throughout on virtual time) and returns the outcome with the trace. The world itself, and
// everything a step does to it, is package sim; this package only reads the file and judges.
package runner

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/report"
	"github.com/ucssim/ucssim/sim/scenario"
)

// RunOptions tune one run of a scenario.
type RunOptions struct {
	Seed *uint64 // overrides the file's seed
	// OnStep, if set, is called before each step (the shell's and a trainer's timeline).
	OnStep func(i int, s scenario.Step)
	// World tunes the world beyond the file (test hooks such as a planted defect).
	World sim.WorldOptions
	// Requests asks for the Exchange requests of the run in Result.Requests (`ucssim run --report`).
	Requests bool
}

// Result is the outcome of one scenario run.
type Result struct {
	File    *scenario.File
	Seed    uint64
	Passed  bool
	Failure *Failure
	Trace   []byte // JSON lines
	Wall    time.Duration
	Virtual time.Duration
	Err     error // the world could not be built or did not settle (Failure says where)
	Start   time.Time
	// Requests are the Exchange requests of the run, when RunOptions.Requests asked for them.
	Requests []sim.ExchangeRequest
	// Steps holds, for each step that ran (in file order), the virtual instants it began and ended
	// (wait, until and within/throughout move the clock); the timeline places steps with them.
	Steps []StepSpan
}

// StepSpan is the virtual time a step took: it began at At and the clock stood at End after it
// (wait, until and within/throughout move the clock). The reports read the same type.
type StepSpan = report.StepSpan

// Failure says which step failed, what it expected and what it saw; the reports read the same type.
type Failure = report.Failure

// lastEventsShown is how many trace events a failure report carries.
const lastEventsShown = 8

// runLock lets a run that checks the no-leaks invariant have the process to itself: every run
// holds it shared, such a run exclusively, so the goroutines and descriptors it counts are its own.
var runLock sync.RWMutex

// leakWait bounds how long (real time) a closed world's goroutines and sockets may take to go.
const leakWait = 3 * time.Second

// Run builds the file's world and runs its steps in order. It never panics on bad scenario content:
// what cannot be done is a failure at that step. The file's `invariants:` are checked after every
// step (the per-step ones) and once for the run (deterministic: a second run gives the same trace;
// no-leaks: nothing of the world outlives it).
func Run(ctx context.Context, f *scenario.File, opt RunOptions) *Result {
	leaks := slices.Contains(f.Invariants, scenario.InvNoLeaks)
	if leaks {
		runLock.Lock()
		defer runLock.Unlock()
	} else {
		runLock.RLock()
		defer runLock.RUnlock()
	}
	var before sim.Resources
	if leaks {
		before = sim.CountResources()
	}
	res := run(ctx, f, opt)
	if res.Failure == nil && leaks {
		if after, ok := sim.WaitResources(before, leakWait); !ok {
			res.Failure = &Failure{Path: f.Path, Line: f.InvariantsPos.Line, Col: f.InvariantsPos.Col, Step: "end of scenario",
				Invariant: scenario.InvNoLeaks, Expected: "invariant no-leaks: nothing of the world outlives it",
				Seen: fmt.Sprintf("invariant no-leaks violated: %d goroutines (%d running world code) and %d file descriptors before the world, %d (%d: %s) and %d after it closed",
					before.Goroutines, before.World, before.FDs, after.Goroutines, after.World, after.Leaked, after.FDs)}
		}
	}
	if res.Failure == nil && slices.Contains(f.Invariants, scenario.InvDeterministic) {
		again := run(ctx, f, opt)
		if !bytes.Equal(again.Trace, res.Trace) {
			res.Failure = &Failure{Path: f.Path, Line: f.InvariantsPos.Line, Col: f.InvariantsPos.Col, Step: "end of scenario",
				Invariant: scenario.InvDeterministic, Expected: "invariant deterministic: the same trace from a second run with the same seed",
				Seen: "invariant deterministic violated: " + firstDifference(res.Trace, again.Trace)}
		}
	}
	res.Passed = res.Failure == nil
	return res
}

func run(ctx context.Context, f *scenario.File, opt RunOptions) *Result {
	began := time.Now()
	if opt.Requests {
		opt.World.KeepRequests = true
	}
	s, err := Start(f, opt)
	if err != nil {
		res := &Result{File: f, Seed: s.Seed, Err: err, Wall: time.Since(began), Start: f.Start}
		res.Failure = &Failure{Path: f.Path, Line: 1, Col: 1, Step: "world", Expected: "the world to start", Seen: err.Error()}
		return res
	}
	defer s.Close()
	for i, step := range f.Steps {
		if opt.OnStep != nil {
			opt.OnStep(i, step)
		}
		if err := ctx.Err(); err != nil {
			s.failure = s.r.fail(step, "the run to go on", err.Error())
			break
		}
		if _, fail := s.Step(ctx, step); fail != nil {
			break
		}
	}
	if s.failure == nil {
		if err := s.World.Sched.Settle(); err != nil {
			s.failure = &Failure{Path: f.Path, Line: 1, Col: 1, Step: "end of scenario", Expected: "a quiescent world", Seen: err.Error()}
		}
	}
	res := s.result(began)
	if opt.Requests {
		res.Requests = s.World.ExchangeRequests()
	}
	return res
}

// Session is a scenario run driven one step at a time: `ucssim explore` generates each step from
// what the world shows, and the runner uses it for files.
type Session struct {
	World *sim.World
	File  *scenario.File
	Seed  uint64

	// Lenient makes a step whose action fails, or succeeds against its `error:`, not a failure:
	// Step still returns the action's error. Explore generates steps this way and writes the
	// errors it saw into the file.
	Lenient bool

	r       *runner
	failure *Failure
	spans   []StepSpan
}

// Start builds the world of f (its steps are not run). Close it when done.
func Start(f *scenario.File, opt RunOptions) (*Session, error) {
	seed := f.Seed
	if opt.Seed != nil {
		seed = *opt.Seed
	}
	s := &Session{File: f, Seed: seed}
	w, err := sim.NewWorld(f.World, f.Start, seed, opt.World)
	if err != nil {
		return s, err
	}
	s.World = w
	s.r = &runner{w: w, f: f}
	return s, nil
}

// Step runs one step and then checks the file's per-step invariants. act is the error of the
// step's action itself (nil if it succeeded or has none); fail is the step's failure as a
// scenario file sees it (an unexpected error, an unmet expectation, a broken invariant). After a
// failure the session runs nothing more.
//
//lint:ignore ST1008 act is what the step's action returned and fail the step's verdict: two results side by side, read together by every caller
func (s *Session) Step(ctx context.Context, step scenario.Step) (act error, fail *Failure) {
	if s.failure != nil {
		return nil, s.failure
	}
	s.r.ctx = ctx
	s.r.lenient = s.Lenient
	at, first := s.World.Sched.Now(), s.World.Trace.Len()
	act, fail = s.r.step(step)
	s.spans = append(s.spans, StepSpan{At: at, End: s.World.Sched.Now(), FirstSeq: first, LastSeq: s.World.Trace.Len()})
	if fail == nil && len(s.File.Invariants) > 0 {
		fail = s.CheckInvariants(step)
	}
	s.failure = fail
	return act, fail
}

// CheckInvariants settles the world and checks the file's per-step invariants; the failure is
// reported at step (the last one run).
func (s *Session) CheckInvariants(step scenario.Step) *Failure {
	if err := s.World.Sched.Settle(); err != nil {
		return s.r.fail(step, "a quiescent world", err.Error())
	}
	vs := s.World.CheckInvariants(s.File.Invariants, func(e *scenario.Expect) (bool, []string, []string) {
		c := s.r.evaluate(e)
		return c.ok, c.expected, c.seen
	})
	if len(vs) == 0 {
		return nil
	}
	details := make([]string, len(vs))
	for i, v := range vs {
		details[i] = v.Detail
	}
	f := s.r.fail(step, "invariant "+vs[0].Invariant+" to hold", "invariant "+vs[0].Invariant+" violated: "+strings.Join(details[:countSame(vs)], "; "))
	f.Invariant = vs[0].Invariant
	return f
}

// countSame is how many leading violations share the first one's invariant.
func countSame(vs []sim.Violation) int {
	n := 0
	for n < len(vs) && vs[n].Invariant == vs[0].Invariant {
		n++
	}
	return n
}

// Failure is the session's failure so far, or nil.
func (s *Session) Failure() *Failure { return s.failure }

// Close stops the world.
func (s *Session) Close() {
	if s.World != nil {
		s.World.Close()
	}
}

func (s *Session) result(began time.Time) *Result {
	w := s.World
	trace, err := w.Trace.JSONL()
	if err != nil && s.failure == nil {
		s.failure = &Failure{Path: s.File.Path, Line: 1, Col: 1, Step: "end of scenario", Expected: "a trace that can be written", Seen: err.Error()}
	}
	return &Result{File: s.File, Seed: s.Seed, Passed: s.failure == nil, Failure: s.failure,
		Trace: trace, Virtual: w.Sched.Now().Sub(w.Start), Wall: time.Since(began), Start: w.Start, Steps: s.spans}
}

// firstDifference describes where two traces first differ.
func firstDifference(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Sprintf("trace line %d is %q in the first run, %q in the second", i+1, x, y)
		}
	}
	return "the traces differ"
}

type runner struct {
	w       *sim.World
	f       *scenario.File
	ctx     context.Context
	lenient bool
	res     *engine.Result // what the last run: step's cmdlet returned
	probes  map[*scenario.Expect]*popProbe
}

// Runner runs a scenario's steps on a world one at a time, exactly as Run does: the shell's replay
// and a Go test stepping through a file use it, so that they see the trace Run would write.
type Runner struct{ r *runner }

// NewRunner returns a runner of f's steps over w (f names the file in failures).
func NewRunner(ctx context.Context, w *sim.World, f *scenario.File) *Runner {
	return &Runner{r: &runner{w: w, f: f, ctx: ctx}}
}

// Step runs one step; a failure says where, what was expected and what was seen. A step that
// cannot run because the context ended is a failure too.
func (r *Runner) Step(s scenario.Step) *Failure {
	r.r.res = nil
	if err := r.r.ctx.Err(); err != nil {
		return r.r.fail(s, "the run to go on", err.Error())
	}
	_, fail := r.r.step(s)
	return fail
}

// Result is what the last run: step's cmdlet returned (nil after other steps or an error).
func (r *Runner) Result() *engine.Result { return r.r.res }

// End is the end of the scenario: the world must settle, as Run requires after the last step.
func (r *Runner) End() *Failure {
	if err := r.r.w.Sched.Settle(); err != nil {
		return &Failure{Path: r.r.f.Path, Line: 1, Col: 1, Step: "end of scenario", Expected: "a quiescent world", Seen: err.Error()}
	}
	return nil
}

func (r *runner) fail(s scenario.Step, expected, seen string) *Failure {
	return &Failure{
		Path: r.f.Path, Line: s.Pos.Line, Col: s.Pos.Col,
		Step: describeStep(s), Expected: expected, Seen: seen, Note: s.Note,
		LastEvents: r.w.Trace.Last(lastEventsShown),
	}
}

func (r *runner) user(id string) (string, error) {
	return r.w.Engine.ResolveUser(id)
}

// step runs one step: act is its action's own error, fail the step's failure.
//
//lint:ignore ST1008 act is what the step's action returned and fail the step's verdict: two results side by side, read together by every caller
func (r *runner) step(s scenario.Step) (act error, fail *Failure) {
	switch s.Kind {
	case scenario.StepRun:
		return r.runCmdlet(s)
	case scenario.StepSignIn:
		act = r.w.SignIn(r.ctx, s.User, s.Endpoint, s.Client)
	case scenario.StepSignOut:
		act = r.w.SignOut(r.ctx, s.User, endpointOf(s))
	case scenario.StepAcceptPrompt:
		act = r.w.AcceptPrompt(r.ctx, s.User, endpointOf(s))
	case scenario.StepAddContact:
		group := ""
		if len(s.Contact.Groups) > 0 {
			group = s.Contact.Groups[0]
		}
		act = r.w.AddContact(r.ctx, s.User, s.Contact.URI, s.Contact.Name, group)
	case scenario.StepRemoveContact:
		act = r.w.RemoveContact(r.ctx, s.User, s.Contact.URI)
	case scenario.StepOutlookAddContact:
		act = r.w.OutlookAddContact(r.ctx, s.User, s.Contact.URI, s.Contact.Name)
	case scenario.StepFault:
		f := s.Fault
		if err := r.w.Fault(sim.FaultSpec{Kind: f.Kind, For: f.For, BackOff: f.BackOff, Latency: f.Latency, User: f.User}); err != nil {
			return err, r.fail(s, "a fault", err.Error())
		}
		return nil, nil
	case scenario.StepMoveMailbox:
		act = r.w.MoveMailbox(r.ctx, s.User, s.Mailbox)
	case scenario.StepSignInWave:
		_, act = r.w.SignInWave(r.ctx, s.Wave)
	case scenario.StepServerToServerAuth:
		r.w.SetServerToServerAuth(s.ServerToServerAuth)
		return nil, nil
	case scenario.StepWait:
		if err := r.w.Sched.RunUntilContext(r.ctx, r.w.Sched.Now().Add(s.Wait)); err != nil {
			return err, r.fail(s, "the clock to advance", err.Error())
		}
		return nil, nil
	case scenario.StepUntil:
		if err := r.w.Sched.RunUntilContext(r.ctx, s.Until.At(r.w.Start)); err != nil {
			return err, r.fail(s, "the clock to advance", err.Error())
		}
		return nil, nil
	case scenario.StepExpect:
		return nil, r.expect(s)
	default:
		return nil, r.fail(s, "a known step", string(s.Kind))
	}
	return act, r.checkErr(s, act)
}

// checkErr applies a step's `error:` option to the outcome of its action.
func (r *runner) checkErr(s scenario.Step, err error) *Failure {
	if r.lenient {
		return nil
	}
	if s.Error != nil {
		if err == nil {
			return r.fail(s, fmt.Sprintf("an error containing %q", *s.Error), "success")
		}
		if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(*s.Error)) {
			return r.fail(s, fmt.Sprintf("an error containing %q", *s.Error), err.Error())
		}
		return nil
	}
	if err != nil {
		return r.fail(s, "success", err.Error())
	}
	return nil
}

//lint:ignore ST1008 act is what the step's action returned and fail the step's verdict: two results side by side, read together by every caller
func (r *runner) runCmdlet(s scenario.Step) (error, *Failure) {
	var res *engine.Result
	var err error
	if s.Answers != nil {
		res, err = r.w.RunLine(r.ctx, s.Command, sim.LineOptions{Ask: Answers(s.Answers)})
	} else {
		res, err = r.w.RunCmdlet(r.ctx, s.Command, nil)
	}
	if f := r.checkErr(s, err); f != nil || err != nil {
		return err, f
	}
	r.res = res
	if s.Warning != nil {
		found := false
		for _, w := range res.Warnings {
			if strings.Contains(strings.ToLower(w), strings.ToLower(*s.Warning)) {
				found = true
			}
		}
		if !found {
			return nil, r.fail(s, fmt.Sprintf("a warning containing %q", *s.Warning), fmt.Sprintf("warnings %q", res.Warnings))
		}
	}
	if len(s.Output) > 0 && !outputMatches(res.Records, s.Output) {
		want := make([]string, len(s.Output))
		for i, f := range s.Output {
			want[i] = f.Name + ": " + f.Value
		}
		return nil, r.fail(s, "output with {"+strings.Join(want, ", ")+"}", strings.TrimSpace(res.Text))
	}
	return nil, nil
}

// Answers answers confirmation questions in turn from answers (a recorded session's, or a run:
// step's answers:); questions past the end are answered No.
func Answers(answers []engine.Choice) func(question string) engine.Choice {
	i := 0
	return func(string) engine.Choice {
		if i >= len(answers) {
			return engine.No
		}
		i++
		return answers[i-1]
	}
}

// outputMatches reports whether some record has every wanted field (names and values compared
// case-insensitively, as the shell prints them).
func outputMatches(records []engine.Record, want []scenario.Field) bool {
	for _, rec := range records {
		all := true
		for _, wf := range want {
			hit := false
			for _, f := range rec {
				if strings.EqualFold(f.Name, wf.Name) && strings.EqualFold(strings.TrimSpace(f.Value), strings.TrimSpace(wf.Value)) {
					hit = true
					break
				}
			}
			if !hit {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// endpointOf is the step's endpoint; the format's default is "desktop".
func endpointOf(s scenario.Step) string {
	if s.Endpoint == "" {
		return "desktop"
	}
	return s.Endpoint
}

func describeStep(s scenario.Step) string {
	switch s.Kind {
	case scenario.StepRun:
		return "run: " + s.Command
	case scenario.StepExpect:
		return "expect"
	case scenario.StepWait:
		return "wait: " + s.Wait.String()
	case scenario.StepFault:
		return "fault: " + s.Fault.Kind.String()
	case scenario.StepUntil:
		return "until"
	case scenario.StepMoveMailbox:
		return "moveMailbox: " + s.User + " to " + s.Mailbox
	case scenario.StepServerToServerAuth:
		return fmt.Sprintf("serverToServerAuth: %t", s.ServerToServerAuth)
	case scenario.StepSignInWave:
		return "signInWave: " + s.Wave.Population
	}
	if s.User != "" {
		return string(s.Kind) + ": " + s.User
	}
	return string(s.Kind)
}
