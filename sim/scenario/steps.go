package scenario

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ucssim/ucssim/engine"
)

// The step keys come from the document types of shape.go: actionKeys are the action of each
// step type, optionSteps lists for each option key the steps it belongs to (nil: any step), and
// stepKeys is every key a step may have.
var (
	actionKeys, optionSteps, stepKeys = stepShape()

	faultKeys = keysOf[faultDoc]()
)

// contactStepKeys are the keys of the map of each contact step.
var contactStepKeys = map[string][]string{
	"addContact":        keysOf[addContactDoc](),
	"removeContact":     keysOf[removeContactDoc](),
	"outlookAddContact": keysOf[outlookContactDoc](),
}

// steps decodes the step list, tracking the earliest virtual time each step can start at, so
// an `until:` in the past is caught before anything runs.
func (d *decoder) steps(n *yaml.Node, w *World, start time.Time) []Step {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		if n.Kind != yaml.ScalarNode || n.Tag != "!!null" {
			d.errorf(n, "steps: expected a list, got %s", describe(n))
		}
		return nil
	}
	var out []Step
	now := start
	for _, item := range n.Content {
		s, ok := d.step(item, w, start, &now)
		if ok {
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) step(n *yaml.Node, w *World, start time.Time, now *time.Time) (Step, bool) {
	errsBefore := len(d.errs)
	f := d.mapping(n, "a step", stepKeys)
	if f == nil {
		return Step{}, false
	}
	s := Step{Pos: pos(f.node)}
	var actions []string
	for _, k := range f.order {
		if contains(actionKeys, k) {
			actions = append(actions, k)
		}
	}
	switch len(actions) {
	case 0:
		d.errorf(f.node, "step has no action: give exactly one of %s", strings.Join(actionKeys, ", "))
		return Step{}, false
	case 1:
	default:
		d.errorf(f.key[actions[1]], "step has two actions, %q and %q: give each its own step", actions[0], actions[1])
		return Step{}, false
	}
	kind := actions[0]
	s.Kind = StepKind(kind)
	for _, k := range f.order {
		allowed, isOption := optionSteps[k]
		if isOption && allowed != nil && !contains(allowed, kind) {
			d.errorf(f.key[k], "%q does not apply to a %s step (only to %s)", k, kind, strings.Join(allowed, ", "))
		}
	}
	if f.has("within") && f.has("throughout") {
		d.errorf(f.key["throughout"], "within and throughout cannot be used together: within waits until the check holds, throughout checks it for the whole window")
	}
	if kind == "run" && f.has("error") && f.has("output") {
		d.errorf(f.key["output"], "output cannot be checked on a run step that expects an error")
	}
	if v := f.val["note"]; v != nil {
		s.Note, _ = d.str(v, "note")
	}
	v := f.val[kind]
	switch s.Kind {
	case StepRun:
		d.run(f, &s)
	case StepSignIn, StepSignOut, StepAcceptPrompt:
		if name, ok := d.nonEmpty(v, kind); ok {
			s.User = d.resolveUser(v, name, w)
		}
		if s.Kind == StepSignIn {
			s.Client = engine.Lync2013
			if c := f.val["client"]; c != nil {
				s.Client = enumOf(d, c, "client", engine.ClientKinds())
			}
		}
		s.Endpoint = "desktop"
		if e := f.val["endpoint"]; e != nil {
			s.Endpoint, _ = d.nonEmpty(e, "endpoint")
		}
		optional(f, "error", &s.Error, d.str)
	case StepAddContact, StepRemoveContact, StepOutlookAddContact:
		d.contactStep(v, kind, w, &s)
		optional(f, "error", &s.Error, d.str)
	case StepFault:
		d.fault(v, w, &s.Fault)
	case StepMoveMailbox:
		d.moveMailbox(v, w, &s)
		optional(f, "error", &s.Error, d.str)
	case StepSignInWave:
		d.wave(f, w, now, &s)
	case StepServerToServerAuth:
		s.ServerToServerAuth, _ = d.boolean(v, "serverToServerAuth")
	case StepWait:
		if dur, ok := d.duration(v, "wait", true); ok {
			s.Wait = dur
			*now = now.Add(dur)
		}
	case StepUntil:
		d.until(v, start, now, &s)
	case StepExpect:
		s.Expect = d.expect(v, w)
		if x := f.val["within"]; x != nil {
			s.Within, _ = d.duration(x, "within", true)
			// within may end as soon as the check holds: the earliest position does not move.
		}
		if x := f.val["throughout"]; x != nil {
			if dur, ok := d.duration(x, "throughout", true); ok {
				s.Throughout = dur
				*now = now.Add(dur)
			}
		}
	}
	return s, len(d.errs) == errsBefore
}

func (d *decoder) run(f *fields, s *Step) {
	v := f.val["run"]
	line, ok := d.nonEmpty(v, "run")
	if ok {
		s.Command = line
		if f.val["error"] == nil {
			// A step that expects an error may be a line that does not parse: the shell saves a
			// mistyped cmdlet that way, since the engine traces its cmdlet.error too.
			d.checkCommand(v, line)
		}
	}
	optional(f, "error", &s.Error, d.str)
	optional(f, "warning", &s.Warning, d.str)
	if e := f.val["output"]; e != nil {
		s.Output = d.output(e)
	}
	if e := f.val["answers"]; e != nil {
		s.Answers = d.answers(e)
	}
}

// answers decodes `answers: [yes, no, yes to all, no to all]` (or the letters Y, N, A, L that
// PowerShell offers): how the run step's confirmation questions are answered, in turn (a saved
// shell session where someone said no); questions past the list are answered No. Without
// answers: every question is answered Yes.
func (d *decoder) answers(n *yaml.Node) []engine.Choice {
	n = deref(n)
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		d.errorf(n, "answers: expected a list of yes, no, yes to all or no to all, e.g. [yes, no], got %s", describe(n))
		return nil
	}
	if len(n.Content) > MaxAnswers {
		d.errorf(n, "answers: at most %d answers, got %d", MaxAnswers, len(n.Content))
		return nil
	}
	out := make([]engine.Choice, 0, len(n.Content))
	for _, item := range n.Content {
		item = deref(item)
		c, ok := parseAnswer(item.Value)
		if item.Kind != yaml.ScalarNode || !ok {
			d.errorf(item, "answers: %s is not yes, no, yes to all or no to all (Y, N, A, L)", describe(item))
			return nil
		}
		out = append(out, c)
	}
	return out
}

func parseAnswer(s string) (engine.Choice, bool) {
	switch strings.ToLower(strings.Join(strings.Fields(s), " ")) {
	case "yes", "y", "true":
		return engine.Yes, true
	case "no", "n", "false":
		return engine.No, true
	case "yes to all", "a":
		return engine.YesToAll, true
	case "no to all", "l":
		return engine.NoToAll, true
	}
	return 0, false
}

// AnswerName is how answers: spells a choice.
func AnswerName(c engine.Choice) string {
	switch c {
	case engine.Yes:
		return "yes"
	case engine.YesToAll:
		return "yes to all"
	case engine.NoToAll:
		return "no to all"
	}
	return "no"
}

// MaxAnswers bounds a run step's answers: list.
const MaxAnswers = 10000

// output decodes `output: {Field: value, ...}` in file order; any field name is accepted
// because each cmdlet prints its own.
func (d *decoder) output(n *yaml.Node) []Field {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "output: expected a mapping of field names to values, got %s", describe(n))
		return nil
	}
	var out []Field
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		name, ok := d.nonEmpty(k, "output field name")
		if !ok {
			continue
		}
		if first := seen[strings.ToLower(name)]; first != nil {
			d.errorf(k, "duplicate key %q in output (first at line %d)", name, first.Line)
			continue
		}
		seen[strings.ToLower(name)] = k
		if val, ok := d.str(v, name); ok {
			out = append(out, Field{Name: name, Value: val})
		}
	}
	if len(out) == 0 && len(n.Content) == 0 {
		d.errorf(n, "output: give at least one field, e.g. {Result: Success}")
	}
	return out
}

func (d *decoder) contactStep(n *yaml.Node, kind string, w *World, s *Step) {
	keys := contactStepKeys[kind]
	f := d.mapping(n, kind, keys)
	if f == nil {
		return
	}
	d.require(f, kind, "user", "uri")
	if v := f.val["user"]; v != nil {
		if name, ok := d.nonEmpty(v, "user"); ok {
			s.User = d.resolveUser(v, name, w)
		}
	}
	if v := f.val["uri"]; v != nil {
		if uri, ok := d.nonEmpty(v, "uri"); ok {
			if err := checkSIP(uri); err != nil {
				d.errorf(v, "%v", err)
			}
			s.Contact.URI = uri
		}
	}
	if v := f.val["name"]; v != nil {
		s.Contact.Name, _ = d.str(v, "name")
	}
	if v := f.val["group"]; v != nil {
		if g, ok := d.nonEmpty(v, "group"); ok {
			s.Contact.Groups = []string{g}
		}
	}
}

// fault decodes a `fault:` map. Extension to docs/SCENARIO-FORMAT.md: an optional `user:` limits the
// fault to that user's mailbox; without it the whole Exchange server misbehaves.
func (d *decoder) fault(n *yaml.Node, w *World, x *Fault) {
	f := d.mapping(n, "fault", faultKeys)
	if f == nil {
		return
	}
	d.require(f, "fault", "exchange", "for")
	if v := f.val["exchange"]; v != nil {
		x.Kind = enumOf(d, v, "fault kind", engine.FaultKinds())
	}
	if v := f.val["for"]; v != nil {
		x.For, _ = d.duration(v, "for", true)
	}
	if v := f.val["backoff"]; v != nil {
		x.BackOff, _ = d.duration(v, "backoff", false)
		if x.Kind != "" && x.Kind != "busy" {
			d.errorf(f.key["backoff"], "backoff applies only to exchange: busy (this fault is %s)", x.Kind)
		}
	}
	if v := f.val["latency"]; v != nil {
		x.Latency, _ = d.duration(v, "latency", true)
		if x.Kind != "" && x.Kind != "slow" {
			d.errorf(f.key["latency"], "latency applies only to exchange: slow (this fault is %s)", x.Kind)
		}
	}
	if v := f.val["user"]; v != nil {
		if name, ok := d.nonEmpty(v, "user"); ok {
			x.User = d.resolveUser(v, name, w)
		}
	}
}

// moveMailbox decodes `moveMailbox: {user, to}` (an extension to docs/SCENARIO-FORMAT.md).
func (d *decoder) moveMailbox(n *yaml.Node, w *World, s *Step) {
	f := d.mapping(n, "moveMailbox", keysOf[moveMailboxDoc]())
	if f == nil {
		return
	}
	d.require(f, "moveMailbox", "user", "to")
	if v := f.val["user"]; v != nil {
		if name, ok := d.nonEmpty(v, "user"); ok {
			s.User = d.resolveUser(v, name, w)
		}
	}
	if v := f.val["to"]; v != nil {
		s.Mailbox, _ = d.enum(v, "to", engine.Names(engine.MailboxKinds()))
	}
}

func (d *decoder) until(n *yaml.Node, start time.Time, now *time.Time, s *Step) {
	str, ok := d.str(n, "until")
	if !ok {
		return
	}
	in, err := ParseInstant(str)
	if err != nil {
		d.errorf(n, "until: %v", err)
		return
	}
	s.Until = in
	at := in.At(start)
	if at.Before(*now) {
		d.errorf(n, "until %q is in the past: the steps before it already reach %s (%s)", str, offset(now.Sub(start)), now.Format(time.RFC3339))
		return
	}
	*now = at
}

// offset prints a duration from the start as the files write it: +7d, +1d2h, +15m, +0s.
func offset(d time.Duration) string {
	return "+" + FormatDuration(d)
}

// FormatDuration prints a duration in the scenario syntax, compactly: 7d, 1d2h, 1h30m, 90s is 1m30s.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.unit; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			d -= n * u.unit
		}
	}
	if d > 0 {
		b.WriteString(d.String())
	}
	return b.String()
}

// resolveUser finds a user of the world by display name or SIP address (with or without
// "sip:"), case-insensitively, and returns its SIP address.
func (d *decoder) resolveUser(n *yaml.Node, id string, w *World) string {
	var names []string
	for _, u := range w.Users {
		if strings.EqualFold(u.Name, id) || strings.EqualFold(u.SIP, NormalizeSIP(id)) {
			return u.SIP
		}
		if u.Name != "" {
			names = append(names, u.Name)
		}
		names = append(names, u.SIP)
	}
	d.errorf(n, "unknown user %q: not in world.users%s", id, didYouMean(id, names))
	return ""
}
