// Package runner runs a scenario file (docs/SCENARIO-FORMAT.md): it builds the file's world with
// package sim, plays its steps in order on the world's actions, checks its expectations (with
// within/throughout on virtual time) and returns the outcome with the trace. The world itself, and
// everything a step does to it, is package sim; this package only reads the file and judges.
package runner

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/scenario"
)

// RunOptions tune one run of a scenario.
type RunOptions struct {
	Seed *uint64 // overrides the file's seed
	// OnStep, if set, is called before each step (the shell's and a trainer's timeline).
	OnStep func(i int, s scenario.Step)
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
	// Steps holds, for each step that ran (in file order), the virtual instants it began and ended
	// (wait, until and within/throughout move the clock); the timeline places steps with them.
	Steps []StepSpan
}

// StepSpan is the virtual time a step took: it began at At and the clock stood at End after it;
// trace events with seq in (FirstSeq, LastSeq] were recorded while it ran.
type StepSpan struct {
	At, End           time.Time
	FirstSeq, LastSeq int
}

// Failure says which step failed, what it expected and what it saw.
type Failure struct {
	Path       string
	Line, Col  int
	Step       string
	Expected   string
	Seen       string
	Note       string // the failing step's `note:`, if it has one
	LastEvents []string
}

func (f *Failure) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s: expected %s, saw %s", f.Path, f.Line, f.Col, f.Step, f.Expected, f.Seen)
}

// lastEventsShown is how many trace events a failure report carries.
const lastEventsShown = 8

// Run builds the file's world and runs its steps in order. It never panics on bad scenario content:
// what cannot be done is a failure at that step.
func Run(ctx context.Context, f *scenario.File, opt RunOptions) *Result {
	began := time.Now()
	seed := f.Seed
	if opt.Seed != nil {
		seed = *opt.Seed
	}
	res := &Result{File: f, Seed: seed, Start: f.Start}
	w, err := sim.NewWorld(f.World, f.Start, seed, sim.WorldOptions{})
	if err != nil {
		res.Err = err
		res.Failure = &Failure{Path: f.Path, Line: 1, Col: 1, Step: "world", Expected: "the world to start", Seen: err.Error()}
		res.Wall = time.Since(began)
		return res
	}
	defer w.Close()
	res.Start = w.Start
	r := &runner{w: w, f: f, ctx: ctx}
	for i, step := range f.Steps {
		if opt.OnStep != nil {
			opt.OnStep(i, step)
		}
		if err := ctx.Err(); err != nil {
			res.Failure = r.fail(step, "the run to go on", err.Error())
			break
		}
		at, first := w.Sched.Now(), w.Trace.Len()
		fail := r.step(step)
		res.Steps = append(res.Steps, StepSpan{At: at, End: w.Sched.Now(), FirstSeq: first, LastSeq: w.Trace.Len()})
		if fail != nil {
			res.Failure = fail
			break
		}
	}
	if res.Failure == nil {
		if err := w.Sched.Settle(); err != nil {
			res.Failure = &Failure{Path: f.Path, Line: 1, Col: 1, Step: "end of scenario", Expected: "a quiescent world", Seen: err.Error()}
		}
	}
	trace, err := w.Trace.JSONL()
	if err != nil && res.Failure == nil {
		res.Failure = &Failure{Path: f.Path, Line: 1, Col: 1, Step: "end of scenario", Expected: "a trace that can be written", Seen: err.Error()}
	}
	res.Passed = res.Failure == nil
	res.Trace = trace
	res.Virtual = w.Sched.Now().Sub(w.Start)
	res.Wall = time.Since(began)
	return res
}

type runner struct {
	w   *sim.World
	f   *scenario.File
	ctx context.Context
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

func (r *runner) step(s scenario.Step) *Failure {
	switch s.Kind {
	case scenario.StepRun:
		return r.runCmdlet(s)
	case scenario.StepSignIn:
		return r.checkErr(s, r.w.SignIn(r.ctx, s.User, s.Endpoint, s.Client))
	case scenario.StepSignOut:
		return r.checkErr(s, r.w.SignOut(r.ctx, s.User, endpointOf(s)))
	case scenario.StepAcceptPrompt:
		return r.checkErr(s, r.w.AcceptPrompt(r.ctx, s.User, endpointOf(s)))
	case scenario.StepAddContact:
		group := ""
		if len(s.Contact.Groups) > 0 {
			group = s.Contact.Groups[0]
		}
		return r.checkErr(s, r.w.AddContact(r.ctx, s.User, s.Contact.URI, s.Contact.Name, group))
	case scenario.StepRemoveContact:
		return r.checkErr(s, r.w.RemoveContact(r.ctx, s.User, s.Contact.URI))
	case scenario.StepOutlookAddContact:
		return r.checkErr(s, r.w.OutlookAddContact(r.ctx, s.User, s.Contact.URI, s.Contact.Name))
	case scenario.StepFault:
		f := s.Fault
		if err := r.w.Fault(sim.FaultSpec{Kind: f.Kind, For: f.For, BackOff: f.BackOff, Latency: f.Latency, User: f.User}); err != nil {
			return r.fail(s, "a fault", err.Error())
		}
	case scenario.StepMoveMailbox:
		return r.checkErr(s, r.w.MoveMailbox(r.ctx, s.User, s.Mailbox))
	case scenario.StepServerToServerAuth:
		r.w.SetServerToServerAuth(s.ServerToServerAuth)
	case scenario.StepWait:
		if err := r.w.Sched.RunUntilContext(r.ctx, r.w.Sched.Now().Add(s.Wait)); err != nil {
			return r.fail(s, "the clock to advance", err.Error())
		}
	case scenario.StepUntil:
		if err := r.w.Sched.RunUntilContext(r.ctx, s.Until.At(r.w.Start)); err != nil {
			return r.fail(s, "the clock to advance", err.Error())
		}
	case scenario.StepExpect:
		return r.expect(s)
	default:
		return r.fail(s, "a known step", string(s.Kind))
	}
	return nil
}

// checkErr applies a step's `error:` option to the outcome of its action.
func (r *runner) checkErr(s scenario.Step, err error) *Failure {
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

func (r *runner) runCmdlet(s scenario.Step) *Failure {
	res, err := r.w.RunCmdlet(r.ctx, s.Command, nil)
	if f := r.checkErr(s, err); f != nil || err != nil {
		return f
	}
	if s.Warning != nil {
		found := false
		for _, w := range res.Warnings {
			if strings.Contains(strings.ToLower(w), strings.ToLower(*s.Warning)) {
				found = true
			}
		}
		if !found {
			return r.fail(s, fmt.Sprintf("a warning containing %q", *s.Warning), fmt.Sprintf("warnings %q", res.Warnings))
		}
	}
	if len(s.Output) > 0 && !outputMatches(res.Records, s.Output) {
		want := make([]string, len(s.Output))
		for i, f := range s.Output {
			want[i] = f.Name + ": " + f.Value
		}
		return r.fail(s, "output with {"+strings.Join(want, ", ")+"}", strings.TrimSpace(res.Text))
	}
	return nil
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
	}
	if s.User != "" {
		return string(s.Kind) + ": " + s.User
	}
	return string(s.Kind)
}
