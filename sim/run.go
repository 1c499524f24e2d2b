package sim

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
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
}

// Failure says which step failed, what it expected and what it saw.
type Failure struct {
	Path       string
	Line, Col  int
	Step       string
	Expected   string
	Seen       string
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
	res := &Result{File: f, Seed: seed}
	w, err := NewWorld(f.World, f.Start, seed, WorldOptions{})
	if err != nil {
		res.Err = err
		res.Failure = &Failure{Path: f.Path, Line: 1, Col: 1, Step: "world", Expected: "the world to start", Seen: err.Error()}
		res.Wall = time.Since(began)
		return res
	}
	defer w.Close()
	r := &runner{w: w, f: f, ctx: ctx}
	for i, step := range f.Steps {
		if opt.OnStep != nil {
			opt.OnStep(i, step)
		}
		if err := ctx.Err(); err != nil {
			res.Failure = r.fail(step, "the run to go on", err.Error())
			break
		}
		if fail := r.step(step); fail != nil {
			res.Failure = fail
			break
		}
	}
	if res.Failure == nil {
		if err := w.Sched.Settle(); err != nil {
			res.Failure = &Failure{Path: f.Path, Line: 1, Col: 1, Step: "end of scenario", Expected: "a quiescent world", Seen: err.Error()}
		}
	}
	res.Passed = res.Failure == nil
	res.Trace = w.Trace.JSONL()
	res.Virtual = w.Sched.Now().Sub(w.Start)
	res.Wall = time.Since(began)
	return res
}

type runner struct {
	w       *World
	f       *scenario.File
	ctx     context.Context
	signins int
}

func (r *runner) fail(s scenario.Step, expected, seen string) *Failure {
	return &Failure{
		Path: r.f.Path, Line: s.Pos.Line, Col: s.Pos.Col,
		Step: describeStep(s), Expected: expected, Seen: seen,
		LastEvents: r.w.Trace.Last(lastEventsShown),
	}
}

// do runs fn as a step goroutine holding one unit of quiescence, while the driver moves virtual time
// whenever the step is parked on it (an Exchange latency fault, a back-off).
func (r *runner) do(fn func(ctx context.Context) error) error {
	done := make(chan error, 1)
	end := r.w.Sched.Tracker().Begin("step")
	go func() {
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("internal error: %v", p)
			}
			done <- err
			end()
		}()
		err = fn(r.ctx)
	}()
	far := r.w.Sched.Now().Add(366 * 24 * time.Hour)
	for {
		if err := r.w.Sched.Settle(); err != nil {
			return err
		}
		select {
		case err := <-done:
			return err
		default:
		}
		ran, err := r.w.Sched.Step(far)
		if err != nil {
			return err
		}
		if !ran {
			select {
			case err := <-done:
				return err
			default:
			}
			return errors.New("the step is waiting on virtual time but nothing is scheduled")
		}
	}
}

func (r *runner) user(id string) (string, error) {
	return r.w.Engine.ResolveUser(id)
}

func (r *runner) step(s scenario.Step) *Failure {
	switch s.Kind {
	case scenario.StepRun:
		return r.runCmdlet(s)
	case scenario.StepSignIn, scenario.StepSignOut, scenario.StepAcceptPrompt:
		return r.session(s)
	case scenario.StepAddContact, scenario.StepRemoveContact:
		return r.edit(s)
	case scenario.StepOutlookAddContact:
		sip, err := r.user(s.User)
		if err != nil {
			return r.fail(s, "a known user", err.Error())
		}
		err = r.do(func(context.Context) error {
			return r.w.Exchange.OutlookAddContact(strings.TrimPrefix(sip, "sip:"), strings.TrimPrefix(normalizeSIP(s.Contact.URI), "sip:"), s.Contact.Name)
		})
		return r.checkErr(s, err)
	case scenario.StepFault:
		return r.fault(s)
	case scenario.StepWait:
		if err := r.w.Sched.Advance(s.Wait); err != nil {
			return r.fail(s, "the clock to advance", err.Error())
		}
	case scenario.StepUntil:
		if err := r.w.Sched.RunUntil(s.Until.At(r.w.Start)); err != nil {
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
	var res *engine.Result
	err := r.do(func(ctx context.Context) error {
		var err error
		res, err = r.w.Engine.Run(ctx, s.Command, engine.RunOptions{})
		return err
	})
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

func clientKind(s string) engine.ClientKind {
	switch strings.ToLower(s) {
	case "lync2010":
		return engine.Lync2010
	case "mobile":
		return engine.Mobile
	default:
		return engine.Lync2013
	}
}

func (r *runner) session(s scenario.Step) *Failure {
	sip, err := r.user(s.User)
	if err != nil {
		return r.fail(s, "a known user", err.Error())
	}
	name := s.Endpoint
	if name == "" {
		name = "desktop"
	}
	switch s.Kind {
	case scenario.StepSignIn:
		ep, err := r.w.endpointFor(sip, name, clientKind(s.Client))
		if err != nil {
			return r.fail(s, "a client", err.Error())
		}
		if ep.signedIn {
			return r.checkErr(s, fmt.Errorf("endpoint %q of %s is already signed in", name, sip))
		}
		err = r.do(ep.c.SignIn)
		if err == nil {
			ep.signedIn = true
			r.signins++
			ep.signInSeq = r.signins
		}
		return r.checkErr(s, err)
	default:
		var ep *endpoint
		for _, e := range r.w.signedIn(sip) {
			if e.name == name {
				ep = e
			}
		}
		if ep == nil {
			return r.checkErr(s, fmt.Errorf("endpoint %q of %s is not signed in", name, sip))
		}
		if s.Kind == scenario.StepSignOut {
			err = r.do(ep.c.SignOut)
			if err == nil {
				ep.signedIn = false
			}
			return r.checkErr(s, err)
		}
		err = r.do(ep.c.AcceptPrompt)
		if err == nil {
			r.signins++
			ep.signInSeq = r.signins
		}
		return r.checkErr(s, err)
	}
}

func (r *runner) edit(s scenario.Step) *Failure {
	sip, err := r.user(s.User)
	if err != nil {
		return r.fail(s, "a known user", err.Error())
	}
	eps := r.w.signedIn(sip)
	if len(eps) == 0 {
		return r.checkErr(s, fmt.Errorf("%s has no signed-in client to edit contacts with", sip))
	}
	c := eps[0].c
	uri := normalizeSIP(s.Contact.URI)
	err = r.do(func(ctx context.Context) error {
		if s.Kind == scenario.StepAddContact {
			group := ""
			if len(s.Contact.Groups) > 0 {
				group = s.Contact.Groups[0]
			}
			return c.AddContact(ctx, uri, s.Contact.Name, group)
		}
		return c.RemoveContact(ctx, uri)
	})
	return r.checkErr(s, err)
}

func (r *runner) fault(s scenario.Step) *Failure {
	fl := ews.Fault{Kind: s.Fault.Kind, Until: r.w.Sched.Now().Add(s.Fault.For), BackOff: s.Fault.BackOff, Latency: s.Fault.Latency}
	details := map[string]any{"exchange": s.Fault.Kind, "for": s.Fault.For.String()}
	if s.Fault.User != "" {
		sip, err := r.user(s.Fault.User)
		if err != nil {
			return r.fail(s, "a known user", err.Error())
		}
		fl.Mailbox = strings.TrimPrefix(sip, "sip:")
		details["mailbox"] = fl.Mailbox
	}
	if s.Fault.BackOff > 0 {
		details["backoff"] = s.Fault.BackOff.String()
	}
	if s.Fault.Latency > 0 {
		details["latency"] = s.Fault.Latency.String()
	}
	r.w.Exchange.SetFault(fl)
	r.w.Trace.Record(engine.Event{Time: r.w.Sched.Now(), Type: "fault.started", Details: details})
	r.w.Sched.At(fl.Until, "fault.ended", func() {
		r.w.Trace.Record(engine.Event{Time: r.w.Sched.Now(), Type: "fault.ended", Details: map[string]any{"exchange": s.Fault.Kind}})
	})
	return nil
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
		return "fault: " + s.Fault.Kind
	case scenario.StepUntil:
		return "until"
	}
	if s.User != "" {
		return string(s.Kind) + ": " + s.User
	}
	return string(s.Kind)
}
