package runner

import (
	"fmt"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/scenario"
)

// check is one evaluation of an expectation against the world at the current instant.
type check struct {
	ok       bool
	expected []string
	seen     []string
}

func (c *check) add(key, want, got string, ok bool) {
	c.expected = append(c.expected, key+": "+want)
	c.seen = append(c.seen, key+": "+got)
	if !ok {
		c.ok = false
	}
}

func (r *runner) expect(s scenario.Step) *Failure {
	e := s.Expect
	if e == nil {
		return r.fail(s, "an expectation", "none")
	}
	var last check
	eval := func() bool {
		last = r.probe(e)
		return last.ok
	}
	wantPrefix := ""
	switch {
	case s.Within > 0:
		held, err := r.w.Sched.RunWhileContext(r.ctx, r.w.Sched.Now().Add(s.Within), eval)
		if err != nil {
			return r.fail(s, "the clock to advance", err.Error())
		}
		if !held {
			last = r.evaluate(e) // the whole picture, for the report
			wantPrefix = "within " + s.Within.String() + ": "
			return r.fail(s, wantPrefix+strings.Join(last.expected, ", "), strings.Join(last.seen, ", ")+" (last seen at "+r.w.Sched.Now().Format(time.RFC3339)+")")
		}
	case s.Throughout > 0:
		broken := false
		var when time.Time
		_, err := r.w.Sched.RunWhileContext(r.ctx, r.w.Sched.Now().Add(s.Throughout), func() bool {
			if !eval() {
				last = r.evaluate(e)
				broken, when = true, r.w.Sched.Now()
				return true
			}
			return false
		})
		if err != nil {
			return r.fail(s, "the clock to advance", err.Error())
		}
		if !broken && !eval() {
			last = r.evaluate(e)
			broken, when = true, r.w.Sched.Now()
		}
		if broken {
			return r.fail(s, "throughout "+s.Throughout.String()+": "+strings.Join(last.expected, ", "), strings.Join(last.seen, ", ")+" at "+when.Format(time.RFC3339))
		}
	default:
		if err := r.w.Sched.Settle(); err != nil {
			return r.fail(s, "a quiescent world", err.Error())
		}
		if last = r.evaluate(e); !last.ok {
			return r.fail(s, strings.Join(last.expected, ", "), strings.Join(last.seen, ", "))
		}
	}
	return nil
}

// probe is evaluate for a wait that checks at every event: a failing population verdict may stop
// at the first user that fails, without counting the others.
func (r *runner) probe(e *scenario.Expect) check {
	if e.Population != "" {
		return r.evaluatePopulation(e, true)
	}
	return r.evaluate(e)
}

// evaluate checks every key of e at the current instant.
func (r *runner) evaluate(e *scenario.Expect) check {
	if e.Population != "" {
		return r.evaluatePopulation(e, false)
	}
	c := check{ok: true}
	sip := ""
	if e.User != "" {
		var err error
		sip, err = r.user(e.User)
		if err != nil {
			c.add("user", e.User, err.Error(), false)
			return c
		}
	}
	if e.Event != "" {
		n := r.w.Trace.Count(e.Event, sip)
		if e.Count != nil {
			c.add("event "+e.Event.String()+" count", fmt.Sprint(*e.Count), fmt.Sprint(n), n == *e.Count)
		} else {
			c.add("event "+e.Event.String(), "at least once", fmt.Sprint(n)+" times", n > 0)
		}
	}
	if sip == "" {
		return c
	}
	st, err := r.w.Engine.Status(sip)
	if err != nil {
		c.add("user", e.User, err.Error(), false)
		return c
	}
	if e.State != "" {
		c.add("state", e.State.String(), st.State.String(), e.State == st.State)
	}
	if e.ContactsIn != "" {
		c.add("contactsIn", e.ContactsIn.String(), st.ContactsIn.String(), e.ContactsIn == st.ContactsIn)
	}
	if e.Contacts != nil || len(e.Has) > 0 || len(e.Lacks) > 0 {
		uris, err := r.authoritative(sip)
		if err != nil {
			c.add("contacts", "readable", err.Error(), false)
			return c
		}
		if e.Contacts != nil {
			c.add("contacts", fmt.Sprint(*e.Contacts), fmt.Sprint(len(uris)), len(uris) == *e.Contacts)
		}
		for _, u := range e.Has {
			key := bareURI(u)
			c.add("has", key, presence(uris[key]), uris[key])
		}
		for _, u := range e.Lacks {
			key := bareURI(u)
			c.add("lacks", key, presence(uris[key]), !uris[key])
		}
	}
	// endpoint: narrows prompt and clientReads to one endpoint of the user (an extension).
	eps := r.w.SignedIn(sip)
	notIn := "not signed in"
	if e.Endpoint != "" {
		var one []sim.EndpointView
		for _, ep := range eps {
			if strings.EqualFold(ep.Name, e.Endpoint) {
				one = append(one, ep)
			}
		}
		eps = one
		notIn = "endpoint " + e.Endpoint + " not signed in"
	}
	if e.Prompt != "" {
		got := "none"
		for _, ep := range eps {
			if ep.Kind == engine.Lync2013 && ep.View.Prompt {
				got = "logoff"
			}
		}
		if e.Endpoint != "" && len(eps) == 0 {
			got = notIn
		}
		c.add("prompt", e.Prompt, got, strings.EqualFold(e.Prompt, got))
	}
	if e.ClientReads != "" {
		got := notIn
		if len(eps) > 0 {
			got = string(eps[0].View.ReadsFrom)
		}
		c.add("clientReads", e.ClientReads.String(), got, strings.EqualFold(e.ClientReads.String(), got))
	}
	if e.Attempts != nil {
		c.add("attempts", fmt.Sprint(*e.Attempts), fmt.Sprint(st.Attempts), st.Attempts == *e.Attempts)
	}
	if e.HoldNone {
		c.add("holdUntil", "none", formatTime(st.HoldUntil), st.HoldUntil.IsZero())
	} else if e.HoldUntil != nil {
		want := e.HoldUntil.At(r.w.Start)
		c.add("holdUntil", want.Format(time.RFC3339), formatTime(st.HoldUntil), st.HoldUntil.Equal(want))
	}
	if e.EffectivePolicy != "" {
		c.add("effectivePolicy", e.EffectivePolicy, st.EffectivePolicy, samePolicy(e.EffectivePolicy, st.EffectivePolicy))
	}
	return c
}

// authoritative returns the contact URIs (without sip:) of the user's authoritative store
// (World.Contacts) as a set.
func (r *runner) authoritative(sip string) (map[string]bool, error) {
	uris, err := r.w.Contacts(sip)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(uris))
	for _, u := range uris {
		out[u] = true
	}
	return out, nil
}

func bareURI(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	return strings.TrimPrefix(u, "sip:")
}

func presence(b bool) string {
	if b {
		return "present"
	}
	return "absent"
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "none"
	}
	return t.UTC().Format(time.RFC3339)
}

// samePolicy compares policy identities case-insensitively; a per-user policy may be named with or
// without its tag: prefix, a service policy with or without service:.
func samePolicy(want, got string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		return strings.TrimPrefix(strings.TrimPrefix(s, "tag:"), "service:")
	}
	return norm(want) == norm(got)
}
