package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Encode writes f as a scenario file that Parse reads back to the same model (positions aside):
// the world's documented defaults are left out, users are named by SIP address in steps, and
// durations use the format's syntax (7d, 10m, 1h30m). `ucssim explore` writes what it found with it.
func Encode(f *File) []byte {
	root := mapNode()
	put(root, "name", str(f.Name))
	if f.Description != "" {
		put(root, "description", &yaml.Node{Kind: yaml.ScalarNode, Value: f.Description, Style: yaml.LiteralStyle})
	}
	if len(f.Labels) > 0 {
		put(root, "labels", flowList(f.Labels))
	}
	if f.Seed != DefaultSeed {
		put(root, "seed", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatUint(f.Seed, 10)})
	}
	if !f.Start.IsZero() && !f.Start.Equal(DefaultStart) {
		put(root, "start", str(f.Start.UTC().Format(time.RFC3339)))
	}
	if len(f.Invariants) > 0 {
		put(root, "invariants", flowList(f.Invariants))
	}
	if w := encodeWorld(f.World); len(w.Content) > 0 {
		put(root, "world", w)
	}
	put(root, "steps", seqOf(0, f.Steps, encodeStep))
	out, err := yaml.Marshal(root)
	if err != nil { // a node tree of scalars, maps and lists always marshals
		panic(fmt.Sprintf("scenario: encode: %v", err))
	}
	return out
}

func encodeWorld(w World) *yaml.Node {
	def := defaultWorld()
	n := mapNode()
	if w.Pool != def.Pool {
		put(n, "pool", str(w.Pool))
	}
	if len(w.LegacyPools) > 0 {
		put(n, "legacyPools", flowList(w.LegacyPools))
	}
	if w.Site != def.Site {
		put(n, "site", str(w.Site))
	}
	if w.ServerToServerAuth != def.ServerToServerAuth {
		put(n, "serverToServerAuth", boolNode(w.ServerToServerAuth))
	}
	m, dm := w.Migration, def.Migration
	mig := mapNode()
	for _, d := range []struct {
		key    string
		v, def time.Duration
	}{{"duration", m.Duration, dm.Duration}, {"perContact", m.PerContact, dm.PerContact}, {"jitter", m.Jitter, dm.Jitter}, {"hold", m.Hold, dm.Hold}} {
		if d.v != d.def {
			put(mig, d.key, str(FormatDuration(d.v)))
		}
	}
	if m.Remigration != dm.Remigration {
		put(mig, "remigration", str(m.Remigration))
	}
	if m.DailyTask != dm.DailyTask {
		put(mig, "dailyTask", str(fmt.Sprintf("%02d:%02d", int(m.DailyTask/time.Hour), int(m.DailyTask%time.Hour/time.Minute))))
	}
	if len(mig.Content) > 0 {
		put(n, "migration", mig)
	}
	ex := mapNode()
	if w.Exchange.MaxContacts != def.Exchange.MaxContacts {
		put(ex, "maxContacts", intNode(w.Exchange.MaxContacts))
	}
	if w.Exchange.MaxGroups != def.Exchange.MaxGroups {
		put(ex, "maxGroups", intNode(w.Exchange.MaxGroups))
	}
	if t := w.Exchange.Throttling; t.On {
		tn := flowMap()
		put(tn, "maxBurst", str(FormatDuration(t.MaxBurst)))
		put(tn, "rechargeRate", str(FormatDuration(t.RechargeRate)))
		put(tn, "cost", str(FormatDuration(t.Cost)))
		put(ex, "throttling", tn)
	}
	if len(ex.Content) > 0 {
		put(n, "exchange", ex)
	}
	if len(w.Policies) > 0 {
		put(n, "policies", seqOf(0, w.Policies, func(p Policy) *yaml.Node {
			pn := flowMap()
			put(pn, "identity", str(p.Identity))
			put(pn, "ucsAllowed", boolNode(p.UcsAllowed))
			return pn
		}))
	}
	if listed := listedUsers(w.Users); len(listed) > 0 {
		put(n, "users", seqOf(0, listed, func(u User) *yaml.Node {
			un := flowMap()
			put(un, "name", str(u.Name))
			put(un, "sip", str(u.SIP))
			if u.Mailbox != "" && u.Mailbox != "exchange2013" {
				put(un, "mailbox", str(string(u.Mailbox)))
			}
			if u.Policy != "" {
				put(un, "policy", str(u.Policy))
			}
			if u.Store != "" && u.Store != "lync" {
				put(un, "store", str(string(u.Store)))
			}
			switch {
			case u.Contacts != nil:
				put(un, "contacts", seqOf(yaml.FlowStyle, u.Contacts, func(c Contact) *yaml.Node {
					cn := flowMap()
					put(cn, "uri", str(c.URI))
					if c.Name != "" {
						put(cn, "name", str(c.Name))
					}
					if len(c.Groups) > 0 {
						put(cn, "groups", flowList(c.Groups))
					}
					return cn
				}))
			case u.Generated > 0:
				put(un, "contacts", intNode(u.Generated))
			}
			if len(u.Groups) > 0 {
				put(un, "groups", flowList(u.Groups))
			}
			return un
		}))
	}
	if len(w.Populations) > 0 {
		put(n, "populations", encodePopulations(w.Populations))
	}
	return n
}

func encodeStep(s Step) *yaml.Node {
	n := mapNode()
	switch s.Kind {
	case StepRun:
		put(n, "run", str(s.Command))
	case StepSignIn, StepSignOut, StepAcceptPrompt:
		put(n, string(s.Kind), str(s.User))
		if s.Kind == StepSignIn && s.Client != "" && !strings.EqualFold(string(s.Client), "lync2013") {
			put(n, "client", str(string(s.Client)))
		}
		if s.Endpoint != "" && s.Endpoint != "desktop" {
			put(n, "endpoint", str(s.Endpoint))
		}
	case StepAddContact, StepRemoveContact, StepOutlookAddContact:
		c := flowMap()
		put(c, "user", str(s.User))
		put(c, "uri", str(s.Contact.URI))
		if s.Kind != StepRemoveContact && s.Contact.Name != "" {
			put(c, "name", str(s.Contact.Name))
		}
		if s.Kind == StepAddContact && len(s.Contact.Groups) > 0 {
			put(c, "group", str(s.Contact.Groups[0]))
		}
		put(n, string(s.Kind), c)
	case StepFault:
		f := flowMap()
		put(f, "exchange", str(string(s.Fault.Kind)))
		put(f, "for", str(FormatDuration(s.Fault.For)))
		if s.Fault.BackOff > 0 {
			put(f, "backoff", str(FormatDuration(s.Fault.BackOff)))
		}
		if s.Fault.Latency > 0 {
			put(f, "latency", str(FormatDuration(s.Fault.Latency)))
		}
		if s.Fault.User != "" {
			put(f, "user", str(s.Fault.User))
		}
		put(n, "fault", f)
	case StepMoveMailbox:
		m := flowMap()
		put(m, "user", str(s.User))
		put(m, "to", str(s.Mailbox))
		put(n, "moveMailbox", m)
	case StepServerToServerAuth:
		put(n, "serverToServerAuth", boolNode(s.ServerToServerAuth))
	case StepSignInWave:
		put(n, "signInWave", str(s.Wave.Population))
		put(n, "over", str(FormatDuration(s.Wave.Over)))
		if s.Wave.Share.Text != "100%" {
			put(n, "share", quotaNode(s.Wave.Share))
		}
	case StepWait:
		put(n, "wait", str(FormatDuration(s.Wait)))
	case StepUntil:
		if !s.Until.Absolute.IsZero() {
			put(n, "until", str(s.Until.Absolute.UTC().Format(time.RFC3339)))
		} else {
			put(n, "until", str("+"+FormatDuration(s.Until.Offset)))
		}
	case StepExpect:
		put(n, "expect", encodeExpect(s.Expect))
		if s.Within > 0 {
			put(n, "within", str(FormatDuration(s.Within)))
		}
		if s.Throughout > 0 {
			put(n, "throughout", str(FormatDuration(s.Throughout)))
		}
	}
	if s.Error != nil {
		put(n, "error", str(*s.Error))
	}
	if s.Warning != nil {
		put(n, "warning", str(*s.Warning))
	}
	if len(s.Output) > 0 {
		o := flowMap()
		for _, f := range s.Output {
			put(o, f.Name, str(f.Value))
		}
		put(n, "output", o)
	}
	if s.Note != "" {
		put(n, "note", str(s.Note))
	}
	return n
}

func encodeExpect(e *Expect) *yaml.Node {
	n := flowMap()
	if e == nil {
		return n
	}
	if e.User != "" {
		put(n, "user", str(e.User))
	}
	if e.Population != "" {
		put(n, "population", str(e.Population))
	}
	if e.AtLeast != nil {
		put(n, "atLeast", quotaNode(*e.AtLeast))
	}
	if e.AtMost != nil {
		put(n, "atMost", quotaNode(*e.AtMost))
	}
	if e.Event != "" {
		put(n, "event", str(string(e.Event)))
	}
	if e.Endpoint != "" {
		put(n, "endpoint", str(e.Endpoint))
	}
	if e.Count != nil {
		put(n, "count", intNode(*e.Count))
	}
	if e.State != "" {
		put(n, "state", str(string(e.State)))
	}
	if e.ContactsIn != "" {
		put(n, "contactsIn", str(string(e.ContactsIn)))
	}
	if e.Contacts != nil {
		put(n, "contacts", intNode(*e.Contacts))
	}
	if len(e.Has) > 0 {
		put(n, "has", flowList(e.Has))
	}
	if len(e.Lacks) > 0 {
		put(n, "lacks", flowList(e.Lacks))
	}
	if e.Prompt != "" {
		put(n, "prompt", str(e.Prompt))
	}
	if e.ClientReads != "" {
		put(n, "clientReads", str(string(e.ClientReads)))
	}
	if e.Attempts != nil {
		put(n, "attempts", intNode(*e.Attempts))
	}
	switch {
	case e.HoldNone:
		put(n, "holdUntil", str("none"))
	case e.HoldUntil != nil && !e.HoldUntil.Absolute.IsZero():
		put(n, "holdUntil", str(e.HoldUntil.Absolute.UTC().Format(time.RFC3339)))
	case e.HoldUntil != nil:
		put(n, "holdUntil", str("+"+FormatDuration(e.HoldUntil.Offset)))
	}
	if e.EffectivePolicy != "" {
		put(n, "effectivePolicy", str(e.EffectivePolicy))
	}
	return n
}

func mapNode() *yaml.Node     { return &yaml.Node{Kind: yaml.MappingNode} }
func flowMap() *yaml.Node     { return &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle} }
func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func intNode(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func flowList(items []string) *yaml.Node { return seqOf(yaml.FlowStyle, items, str) }

// seqOf is a sequence in that style of one node per item.
func seqOf[T any](style yaml.Style, items []T, node func(T) *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: style}
	for _, it := range items {
		n.Content = append(n.Content, node(it))
	}
	return n
}

func put(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}
