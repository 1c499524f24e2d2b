package sim

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim/scenario"
)

// Violation is one broken invariant: its name (scenario.InvariantNames) and what disagreed.
type Violation struct {
	Invariant string
	Detail    string
}

func (v Violation) String() string { return "invariant " + v.Invariant + " violated: " + v.Detail }

// ConvergeSlack is how long after an Exchange fault on a user's mailbox ends that user's clients
// and the engine's mirror may still show the list from before: they re-read Exchange at most a
// minute after a failed read (the engine's mirror refresh, a Lync 2013 client's re-read).
const ConvergeSlack = 2 * time.Minute

// ledger is what the users did to their contact lists: the contacts they started with, plus
// every successful add (a client, Outlook) and minus every successful remove, per user. A
// contacts.lost event resets the user's entry to what the forced rollback kept. The nothing-lost
// invariant compares the stores with it.
type ledger map[string]map[string]bool // sip → bare URI set

func (l ledger) add(sip, uri string) {
	if l[sip] == nil {
		l[sip] = map[string]bool{}
	}
	l[sip][bareURI(uri)] = true
}

func (l ledger) remove(sip, uri string) { delete(l[sip], bareURI(uri)) }

// faultWindow is one Exchange fault as the world started it.
type faultWindow struct {
	mailbox     string // "" = server-wide
	from, until time.Time
}

// CheckInvariants checks the per-step invariants among names (the others are per run) at the
// current instant; the world must be settled. It reads the world without changing it: no trace
// event, no virtual time, no request to Exchange.
//
// expect, if set, evaluates a scenario expectation the way the runner does (ok, and what it
// expected and saw, key by key); one-truth checks that it agrees with the engine.
func (w *World) CheckInvariants(names []string, expect ExpectFunc) []Violation {
	var out []Violation
	for _, n := range names {
		var vs []string
		switch n {
		case scenario.InvNothingLost:
			vs = w.checkNothingLost()
		case scenario.InvClientsConverge:
			vs = w.checkConverge()
		case scenario.InvOneTruth:
			vs = w.checkOneTruth(expect)
		case scenario.InvEventsPaired:
			vs = w.checkEventsPaired()
		default:
			continue
		}
		for _, d := range vs {
			out = append(out, Violation{Invariant: n, Detail: d})
		}
	}
	return out
}

// storeURIs lists the bare URIs of the user's authoritative store (with duplicates, as stored)
// and, while the contacts are in Lync, of the mailbox's IM list (Outlook additions waiting for
// a migration, leftovers).
func (w *World) storeURIs(sip string, in engine.Store) (auth []string, pending []string, err error) {
	mbox := strings.TrimPrefix(sip, "sip:")
	if in == engine.StoreExchange {
		list, _, err := w.Exchange.List(mbox)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range list.Contacts {
			auth = append(auth, bareURI(c.IMAddress))
		}
		return auth, nil, nil
	}
	contacts, err := w.Engine.LyncContacts(sip)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range contacts {
		auth = append(auth, bareURI(c.URI))
	}
	if list, _, err := w.Exchange.List(mbox); err == nil {
		for _, c := range list.Contacts {
			pending = append(pending, bareURI(c.IMAddress))
		}
	}
	return auth, pending, nil
}

func (w *World) checkNothingLost() []string {
	var out []string
	events := w.Trace.Events()
	for _, e := range events[min(w.lostSeen, len(events)):] {
		if e.Type == "contacts.lost" {
			// -Force discarded what Exchange held: the user now has what the rollback kept.
			if contacts, err := w.Engine.LyncContacts(e.User); err == nil {
				w.ledger[e.User] = map[string]bool{}
				for _, c := range contacts {
					w.ledger.add(e.User, c.URI)
				}
			}
		}
	}
	w.lostSeen = len(events)
	for _, sip := range w.Engine.Users() {
		st, err := w.Engine.Status(sip)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		auth, pending, err := w.storeURIs(sip, st.ContactsIn)
		if err != nil {
			out = append(out, fmt.Sprintf("%s: the %s store cannot be read: %v", sip, st.ContactsIn, err))
			continue
		}
		seen := map[string]int{}
		for _, u := range auth {
			seen[u]++
		}
		inPending := map[string]bool{}
		for _, u := range pending {
			inPending[u] = true
		}
		var dup, extra, lost []string
		for u, n := range seen {
			if n > 1 {
				dup = append(dup, fmt.Sprintf("%s x%d", u, n))
			}
			if !w.ledger[sip][u] {
				extra = append(extra, u)
			}
		}
		for u := range w.ledger[sip] {
			if seen[u] == 0 && !inPending[u] {
				lost = append(lost, u)
			}
		}
		sort.Strings(dup)
		sort.Strings(extra)
		sort.Strings(lost)
		if len(lost) > 0 {
			out = append(out, fmt.Sprintf("%s: contacts lost from the %s store (no contacts.lost recorded them): %s", sip, st.ContactsIn, strings.Join(lost, ", ")))
		}
		if len(dup) > 0 {
			out = append(out, fmt.Sprintf("%s: contacts duplicated in the %s store: %s", sip, st.ContactsIn, strings.Join(dup, ", ")))
		}
		if len(extra) > 0 {
			out = append(out, fmt.Sprintf("%s: contacts in the %s store that were removed or never added: %s", sip, st.ContactsIn, strings.Join(extra, ", ")))
		}
	}
	return out
}

// recentFault reports whether Exchange misbehaved for the user's mailbox within ConvergeSlack.
func (w *World) recentFault(sip string) bool {
	now := w.Sched.Now()
	mbox := strings.ToLower(strings.TrimPrefix(sip, "sip:"))
	for _, f := range w.faults {
		if (f.mailbox == "" || f.mailbox == mbox) && !now.Before(f.from) && now.Before(f.until.Add(ConvergeSlack)) {
			return true
		}
	}
	return false
}

func (w *World) checkConverge() []string {
	var out []string
	for _, ep := range w.endpoints {
		if !ep.signedIn {
			continue
		}
		v := ep.c.View()
		if !v.SignedIn || v.Prompt || w.recentFault(ep.user) {
			continue // a prompting client keeps its old view until the user answers
		}
		st, err := w.Engine.Status(ep.user)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		var want []string
		switch {
		case v.ReadsFrom == engine.ReadsLync && st.ContactsIn == engine.StoreLync,
			v.ReadsFrom != engine.ReadsLync && st.ContactsIn == engine.StoreExchange:
			want, _, err = w.storeURIs(ep.user, st.ContactsIn)
			if err != nil {
				out = append(out, err.Error())
				continue
			}
		default:
			out = append(out, fmt.Sprintf("%s endpoint %s reads %s with no prompt showing, but the contacts are in %s", ep.user, ep.name, v.ReadsFrom, st.ContactsIn))
			continue
		}
		got := v.URIs()
		for i := range got {
			got[i] = bareURI(got[i])
		}
		sort.Strings(got)
		want = uniqueSorted(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			out = append(out, fmt.Sprintf("%s endpoint %s (%s, reads %s) shows [%s], the %s store holds [%s]", ep.user, ep.name, ep.kind, v.ReadsFrom,
				strings.Join(got, ", "), st.ContactsIn, strings.Join(want, ", ")))
		}
	}
	return out
}

func uniqueSorted(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// traceState is what the trace says about a user at this instant.
type traceState struct {
	store     engine.Store
	hold      string          // RFC 3339, "" none
	prompts   map[string]bool // endpoint → a prompt.shown not yet accepted
	migrating int             // migration.started without its end
	rollingBk int             // rollback.started without its end
}

func (w *World) traceStates() (map[string]*traceState, map[string]int) {
	users := map[string]*traceState{}
	for _, u := range w.Spec.Users {
		st := &traceState{store: engine.StoreLync, prompts: map[string]bool{}}
		if u.Store == "exchange" {
			st.store = engine.StoreExchange
		}
		users[normalizeSIP(u.SIP)] = st
	}
	faults := map[string]int{} // mailbox → open fault.started
	for _, e := range w.Trace.Events() {
		if e.Type == "fault.started" || e.Type == "fault.ended" {
			mb, _ := e.Details["mailbox"].(string)
			if e.Type == "fault.started" {
				faults[mb]++
			} else {
				faults[mb]--
			}
			continue
		}
		st := users[e.User]
		if st == nil {
			continue
		}
		ep, _ := e.Details["endpoint"].(string)
		switch e.Type {
		case "migration.started":
			st.migrating++
		case "migration.failed":
			st.migrating--
		case "migration.completed":
			st.migrating--
			st.store = engine.StoreExchange
		case "rollback.started":
			st.rollingBk++
		case "rollback.failed":
			st.rollingBk--
		case "rollback.completed":
			st.rollingBk--
			st.store = engine.StoreLync
			if c, _ := e.Details["cancelledMigration"].(bool); c {
				st.migrating--
			}
		case "hold.started":
			st.hold, _ = e.Details["holdUntil"].(string)
		case "hold.expired":
			st.hold = ""
		case "prompt.shown":
			st.prompts[ep] = true
		case "prompt.accepted", "signout":
			delete(st.prompts, ep)
		}
	}
	return users, faults
}

// ExpectFunc evaluates an expectation at the current instant (the runner's evaluate).
type ExpectFunc func(e *scenario.Expect) (ok bool, expected, seen []string)

func (w *World) checkOneTruth(expect ExpectFunc) []string {
	var out []string
	traced, _ := w.traceStates()
	fe := map[string]bool{} // user|epid the front end has signed in with a subscription
	for _, s := range w.FrontEnd.EndpointStates() {
		if s.SignedIn && s.Subscribed {
			fe[s.User+"|"+s.Epid] = true
		}
	}
	for _, sip := range w.Engine.Users() {
		st, err := w.Engine.Status(sip)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		engineEps := map[string]engine.EndpointStatus{}
		for _, ep := range st.Endpoints {
			engineEps[ep.ID] = ep
		}
		// The world's clients against the engine and the front end.
		for _, ep := range w.endpoints {
			if ep.user != sip {
				continue
			}
			v := ep.c.View()
			es, inEngine := engineEps[ep.name]
			switch {
			case ep.signedIn != v.SignedIn:
				out = append(out, fmt.Sprintf("%s endpoint %s: the world says signed in=%t, its client says %t", sip, ep.name, ep.signedIn, v.SignedIn))
			case ep.signedIn && !inEngine:
				out = append(out, fmt.Sprintf("%s endpoint %s: the client is signed in, the engine has no such endpoint", sip, ep.name))
			case !ep.signedIn && inEngine:
				out = append(out, fmt.Sprintf("%s endpoint %s: the client is signed out, the engine still has it (%s)", sip, ep.name, es.Kind))
			case ep.signedIn:
				if es.Kind != ep.kind {
					out = append(out, fmt.Sprintf("%s endpoint %s: the client is %s, the engine says %s", sip, ep.name, ep.kind, es.Kind))
				}
				if es.ReadsFrom != v.ReadsFrom {
					out = append(out, fmt.Sprintf("%s endpoint %s: the client reads from %s, the engine says %s", sip, ep.name, v.ReadsFrom, es.ReadsFrom))
				}
				if es.Prompt != v.Prompt {
					out = append(out, fmt.Sprintf("%s endpoint %s: the client shows prompt=%t, the engine (status) says %t", sip, ep.name, v.Prompt, es.Prompt))
				}
				if !fe[sip+"|"+ep.name] {
					out = append(out, fmt.Sprintf("%s endpoint %s: signed in, but the front end has no registration with a roaming-contacts subscription for it", sip, ep.name))
				}
			}
			delete(engineEps, ep.name)
		}
		for id := range engineEps {
			out = append(out, fmt.Sprintf("%s endpoint %s: the engine has it signed in, no client is", sip, id))
		}
		// The trace against the engine.
		if ts := traced[sip]; ts != nil {
			if ts.store != st.ContactsIn {
				out = append(out, fmt.Sprintf("%s: the trace says the contacts are in %s, the engine says %s", sip, ts.store, st.ContactsIn))
			}
			if hold := formatHold(st.HoldUntil); hold != ts.hold {
				out = append(out, fmt.Sprintf("%s: the trace says the hold ends %q, the engine says %q", sip, ts.hold, hold))
			}
			for _, ep := range st.Endpoints {
				if ts.prompts[ep.ID] != ep.Prompt {
					out = append(out, fmt.Sprintf("%s endpoint %s: the prompt.* events say prompt=%t, the engine (status) says %t", sip, ep.ID, ts.prompts[ep.ID], ep.Prompt))
				}
			}
		}
		// Debug-CsUnifiedContactStore against Status.
		if res, err := w.Engine.Run(context.Background(), fmt.Sprintf(`Debug-CsUnifiedContactStore -Identity "%s"`, sip), engine.RunOptions{}); err != nil {
			out = append(out, fmt.Sprintf("%s: Debug-CsUnifiedContactStore: %v", sip, err))
		} else if len(res.Records) == 1 {
			rec := fieldMap(res.Records[0])
			if rec["UcsState"] != string(st.State) || !strings.EqualFold(rec["ContactsIn"], string(st.ContactsIn)) {
				out = append(out, fmt.Sprintf("%s: Debug-CsUnifiedContactStore says %s/%s, the engine says %s/%s", sip, rec["UcsState"], rec["ContactsIn"], st.State, st.ContactsIn))
			}
		}
		// The runner's expectations against the engine: what a scenario would check now.
		want := &scenario.Expect{User: sip, State: st.State, ContactsIn: st.ContactsIn, Prompt: "none"}
		for _, ep := range st.Endpoints {
			if ep.Kind == engine.Lync2013 && ep.Prompt {
				want.Prompt = "logoff"
			}
		}
		if st.HoldUntil.IsZero() {
			want.HoldNone = true
		} else {
			want.HoldUntil = &scenario.Instant{Absolute: st.HoldUntil}
		}
		if on := w.signedIn(sip); len(on) > 0 {
			if es, ok := findEndpoint(st.Endpoints, on[0].name); ok {
				want.ClientReads = es.ReadsFrom
			}
		}
		if expect != nil {
			if ok, expected, seen := expect(want); !ok {
				out = append(out, fmt.Sprintf("%s: scenario expectations see %s where the engine says %s", sip, strings.Join(seen, ", "), strings.Join(expected, ", ")))
			}
		}
	}
	return out
}

func findEndpoint(eps []engine.EndpointStatus, id string) (engine.EndpointStatus, bool) {
	for _, ep := range eps {
		if ep.ID == id {
			return ep, true
		}
	}
	return engine.EndpointStatus{}, false
}

func fieldMap(r engine.Record) map[string]string {
	m := map[string]string{}
	for _, f := range r {
		m[f.Name] = f.Value
	}
	return m
}

func formatHold(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (w *World) checkEventsPaired() []string {
	var out []string
	traced, faults := w.traceStates()
	states := map[engine.State]int{}
	for _, sip := range w.Engine.Users() {
		st, err := w.Engine.Status(sip)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		states[st.State]++
		ts := traced[sip]
		if ts == nil {
			continue
		}
		if open := ts.migrating > 0; open != (st.State == engine.Migrating) || ts.migrating < 0 || ts.migrating > 1 {
			out = append(out, fmt.Sprintf("%s: %d migration.started without their end, the engine says %s", sip, ts.migrating, st.State))
		}
		if ts.rollingBk != 0 {
			out = append(out, fmt.Sprintf("%s: %d rollback.started without rollback.completed (no rollback is in flight between steps)", sip, ts.rollingBk))
		}
	}
	for mb, n := range faults {
		_, active := w.Exchange.Fault(mb)
		if (n > 0) != active || n < 0 || n > 1 {
			where := "server-wide"
			if mb != "" {
				where = "mailbox " + mb
			}
			out = append(out, fmt.Sprintf("%s: %d fault.started without fault.ended, the EWS mock says active=%t", where, n, active))
		}
	}
	pools := append([]string{w.poolName()}, w.Spec.LegacyPools...)
	sum := map[string]int{}
	for _, p := range pools {
		res, err := w.Engine.Run(context.Background(), fmt.Sprintf(`Debug-CsUnifiedContactStore -PoolFqdn "%s"`, p), engine.RunOptions{})
		if err != nil || len(res.Records) != 1 {
			out = append(out, fmt.Sprintf("Debug-CsUnifiedContactStore -PoolFqdn %s: %v", p, err))
			continue
		}
		for k, v := range fieldMap(res.Records[0]) {
			if k == "FailedUserData" { // the failed users' SIP addresses
				sum[k] += strings.Count(strings.ToLower(v), "sip:")
				continue
			}
			var n int
			if _, err := fmt.Sscan(v, &n); err == nil {
				sum[k] += n
			}
		}
	}
	for field, state := range map[string]engine.State{"UcsDisabledCount": engine.Disabled, "UcsAllowedCount": engine.Allowed,
		"UcsMigratingCount": engine.Migrating, "UcsMigratedCount": engine.Migrated, "FailedUserData": engine.Failed} {
		if sum[field] != states[state] {
			out = append(out, fmt.Sprintf("Debug-CsUnifiedContactStore -PoolFqdn counts %s=%d over the pools, %d users are %s", field, sum[field], states[state], state))
		}
	}
	sort.Strings(out)
	return out
}

func (w *World) poolName() string {
	if w.Spec.Pool != "" {
		return w.Spec.Pool
	}
	return engine.DefaultPool
}
