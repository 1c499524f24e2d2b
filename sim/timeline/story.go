package timeline

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim/report"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// Story is what the scenario file and the runner add to a trace: names, the steps as written, when
// each ran and how the run ended. The zero Story (a bare trace) is valid.
type Story struct {
	Name, Path, Description string
	Note                    string // the file's top-level note:
	Labels                  []string
	Seed                    uint64
	Start                   time.Time // zero: the first event's time
	Users                   []User    // in file order; users seen only in events are added after them
	Policies                []Policy  // world.policies (global is always there, UcsAllowed True unless listed)
	Site, Pool              string
	Steps                   []Step
	// Ran is true when the story comes from a run (Passed and Failure are then meaningful).
	Ran        bool
	Passed     bool
	Failure    *report.Failure
	Err        string // the world could not be built / the run did not finish
	Wall       time.Duration
	Virtual    time.Duration
	FailedStep int // index into Steps of the failing step, -1 if none
}

// User is a user of the world.
type User struct {
	Name, SIP string
	Store     string // lync | exchange at the start
	Policy    string // per-user grant at the start, "" for none
}

// Policy is a policy of the world at its start.
type Policy struct {
	Identity   string
	UcsAllowed bool
}

// Step is one step of the scenario file and, when it ran, when.
type Step struct {
	Index     int // 0-based, in file order
	Line, Col int
	Kind      string // run, signIn, expect, ...
	Text      string // as a person reads it: "Invoke-CsUcsRollback -Identity "Ken Myer""
	Note      string
	User      string // SIP address of the user it acts on or checks, "" for none
	Ran       bool
	At, End   time.Time
	// FirstSeq, LastSeq: events with seq in (FirstSeq, LastSeq] happened while the step ran.
	FirstSeq, LastSeq int
	Failed            bool
	Expected, Seen    string // of the failing step
}

// FromFile is the story of a scenario file before (or without) a run.
func FromFile(f *scenario.File) Story {
	st := Story{
		Name: f.Name, Path: f.Path, Description: f.Description, Note: f.Note, Labels: f.Labels, Seed: f.Seed,
		Start: f.Start, Site: f.World.Site, Pool: f.World.Pool, FailedStep: -1,
	}
	names := map[string]string{}
	for _, u := range f.World.Users {
		store := u.Store.String()
		if store == "" {
			store = engine.StoreLync.String()
		}
		st.Users = append(st.Users, User{Name: u.Name, SIP: u.SIP, Store: store, Policy: u.Policy})
		names[strings.ToLower(u.SIP)] = u.Name
	}
	for _, p := range f.World.Policies {
		st.Policies = append(st.Policies, Policy{Identity: p.Identity, UcsAllowed: p.UcsAllowed})
	}
	for i, s := range f.Steps {
		st.Steps = append(st.Steps, Step{
			Index: i, Line: s.Pos.Line, Col: s.Pos.Col, Kind: string(s.Kind), Note: s.Note,
			Text: StepText(s, f.Start, names), User: StepUser(s),
		})
	}
	return st
}

// FromCase is the story of a scenario run: the file plus the case's outcome and step instants.
func FromCase(f *scenario.File, c report.Case) Story {
	st := FromFile(f)
	st.Ran = true
	st.Passed = c.Passed && c.Err == nil
	st.Failure = c.Failure
	st.Wall, st.Virtual = c.Wall, c.Virtual
	if !c.Start.IsZero() {
		st.Start = c.Start
	}
	if c.Err != nil {
		st.Err = c.Err.Error()
	}
	for i, sp := range c.Steps {
		if i >= len(st.Steps) {
			break
		}
		s := &st.Steps[i]
		s.Ran, s.At, s.End, s.FirstSeq, s.LastSeq = true, sp.At.UTC(), sp.End.UTC(), sp.FirstSeq, sp.LastSeq
	}
	if fl := c.Failure; fl != nil {
		for i := range st.Steps {
			s := &st.Steps[i]
			if s.Ran && s.Line == fl.Line && s.Col == fl.Col {
				s.Failed, s.Expected, s.Seen = true, fl.Expected, fl.Seen
				st.FailedStep = i
			}
		}
	}
	return st
}

// StepUser is the SIP address of the user a step acts on or checks, "" for none.
func StepUser(s scenario.Step) string {
	if s.Expect != nil {
		return s.Expect.User
	}
	if s.Kind == scenario.StepFault {
		return s.Fault.User
	}
	return s.User
}

// StepText renders a step as a person reads it in a step list.
func StepText(s scenario.Step, start time.Time, names map[string]string) string {
	who := func(sip string) string {
		if n, ok := names[strings.ToLower(sip)]; ok {
			return n
		}
		return sip
	}
	var b strings.Builder
	switch s.Kind {
	case scenario.StepRun:
		b.WriteString(s.Command)
	case scenario.StepSignIn, scenario.StepSignOut, scenario.StepAcceptPrompt:
		fmt.Fprintf(&b, "%s: %s", s.Kind, who(s.User))
		var opts []string
		if s.Client != "" {
			opts = append(opts, "client "+s.Client.String())
		}
		if s.Endpoint != "" {
			opts = append(opts, "endpoint "+s.Endpoint)
		}
		if len(opts) > 0 {
			b.WriteString(" (" + strings.Join(opts, ", ") + ")")
		}
	case scenario.StepAddContact, scenario.StepRemoveContact, scenario.StepOutlookAddContact:
		fmt.Fprintf(&b, "%s: %s %s", s.Kind, who(s.User), s.Contact.URI)
		if s.Contact.Name != "" {
			fmt.Fprintf(&b, " (%s)", s.Contact.Name)
		}
	case scenario.StepFault:
		fmt.Fprintf(&b, "fault: Exchange %s for %s", s.Fault.Kind, FormatDuration(s.Fault.For))
		if s.Fault.BackOff > 0 {
			fmt.Fprintf(&b, ", back-off %s", FormatDuration(s.Fault.BackOff))
		}
		if s.Fault.Latency > 0 {
			fmt.Fprintf(&b, ", latency %s", FormatDuration(s.Fault.Latency))
		}
		if s.Fault.User != "" {
			fmt.Fprintf(&b, ", mailbox of %s only", who(s.Fault.User))
		}
	case scenario.StepWait:
		fmt.Fprintf(&b, "wait %s", FormatDuration(s.Wait))
	case scenario.StepUntil:
		b.WriteString("until " + instantText(s.Until, start))
	case scenario.StepExpect:
		b.WriteString("expect " + expectText(s.Expect, start, who))
		if s.Within > 0 {
			fmt.Fprintf(&b, " within %s", FormatDuration(s.Within))
		}
		if s.Throughout > 0 {
			fmt.Fprintf(&b, " throughout %s", FormatDuration(s.Throughout))
		}
	default:
		b.WriteString(string(s.Kind))
	}
	if s.Error != nil {
		fmt.Fprintf(&b, " (error: %q)", *s.Error)
	}
	if s.Warning != nil {
		fmt.Fprintf(&b, " (warning: %q)", *s.Warning)
	}
	if len(s.Output) > 0 {
		parts := make([]string, len(s.Output))
		for i, f := range s.Output {
			parts[i] = f.Name + ": " + f.Value
		}
		b.WriteString(" (output: " + strings.Join(parts, ", ") + ")")
	}
	return b.String()
}

func instantText(in scenario.Instant, start time.Time) string {
	if !in.Absolute.IsZero() {
		return in.Absolute.UTC().Format(time.RFC3339)
	}
	return "+" + FormatDuration(in.Offset)
}

// orEmpty prints an optional value of an expectation ("" when not given).
func orEmpty[T any](p *T) string {
	if p == nil {
		return ""
	}
	return fmt.Sprint(*p)
}

func expectText(e *scenario.Expect, start time.Time, who func(string) string) string {
	if e == nil {
		return "{}"
	}
	var parts []string
	for _, k := range e.Keys {
		v := ""
		switch k.Key {
		case "user":
			v = who(e.User)
		case "state":
			v = e.State.String()
		case "contactsIn":
			v = e.ContactsIn.String()
		case "contacts":
			v = orEmpty(e.Contacts)
		case "has":
			v = strings.Join(e.Has, ", ")
		case "lacks":
			v = strings.Join(e.Lacks, ", ")
		case "prompt":
			v = e.Prompt
		case "clientReads":
			v = e.ClientReads.String()
		case "attempts":
			v = orEmpty(e.Attempts)
		case "holdUntil":
			switch {
			case e.HoldNone:
				v = "none"
			case e.HoldUntil != nil:
				v = instantText(*e.HoldUntil, start)
			}
		case "effectivePolicy":
			v = e.EffectivePolicy
		case "event":
			v = e.Event.String()
		case "count":
			v = orEmpty(e.Count)
		default:
			continue
		}
		parts = append(parts, k.Key+": "+v)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// FormatDuration writes a duration the way scenario files do, with days (scenario.FormatDuration:
// 7d10m, 1h30m, 90s → 1m30s, 0s), except that a fraction of a second past the first second is
// written as decimals: 1m1.5s, not 1m1s500ms.
func FormatDuration(d time.Duration) string {
	out := ""
	if d < 0 {
		out, d = "-", -d
	}
	if d < time.Second {
		return out + d.String()
	}
	if d%time.Second == 0 {
		return out + scenario.FormatDuration(d)
	}
	if whole := d.Truncate(time.Minute); whole > 0 {
		out += scenario.FormatDuration(whole)
		d -= whole
	}
	return out + fmt.Sprintf("%gs", d.Seconds())
}

// Offset is "+7d10m": the instant t relative to start.
func Offset(t, start time.Time) string {
	return "+" + FormatDuration(t.Sub(start))
}

// FromResult is the story of a run made with runner.Run (for Go callers; the CLI goes through
// report.Case), with the run's trace parsed into events.
func FromResult(f *scenario.File, r *runner.Result) (Story, []Event, error) {
	c := report.Case{Name: f.Name, Path: f.Path, Labels: f.Labels, Passed: r.Passed, Wall: r.Wall,
		Virtual: r.Virtual, Trace: r.Trace, Err: r.Err, Start: r.Start, Steps: r.Steps, Failure: r.Failure}
	var events []Event
	if len(bytes.TrimSpace(r.Trace)) > 0 {
		ev, err := ParseJSONL(bytes.NewReader(r.Trace))
		if err != nil {
			return Story{}, nil, err
		}
		events = ev
	}
	return FromCase(f, c), events, nil
}
