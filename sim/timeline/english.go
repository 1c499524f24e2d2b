package timeline

import (
	"fmt"
	"strings"
	"time"
)

// Sentence says what an event means in plain English, naming users by display name (nameOf maps a
// SIP address to a name; nil shows addresses without "sip:") and instants as offsets from start
// (zero start: as clock times).
func Sentence(e Event, nameOf func(string) string, start time.Time) string {
	if nameOf == nil {
		nameOf = func(s string) string { return strings.TrimPrefix(s, "sip:") }
	}
	who := nameOf(e.User)
	whose := who + "'s"
	ep := e.detail("endpoint")
	if ep == "" {
		ep = "desktop"
	}
	at := func(k string) string {
		t, err := time.Parse(time.RFC3339, e.detail(k))
		if err != nil {
			return e.detail(k)
		}
		if !start.IsZero() {
			return Offset(t, start) + " (" + t.UTC().Format("Mon Jan 02 15:04") + ")"
		}
		return t.UTC().Format("Mon Jan 02 15:04:05")
	}
	switch e.Type {
	case "signin":
		s := fmt.Sprintf("%s signs in on %s with %s", who, ep, ClientName(e.detail("client")))
		switch e.detail("reads") {
		case "lync":
			s += "; it reads the contact list from Lync Server"
		case "exchange":
			s += "; it reads the contact list from Exchange"
		case "readonly":
			s += "; it shows a read-only list (the contacts are in Exchange)"
		}
		return s
	case "signout":
		return fmt.Sprintf("%s signs out of %s", who, ep)
	case "prompt.shown":
		switch e.detail("diag") {
		case "2165":
			return fmt.Sprintf("%s's %s shows the log-off prompt (2165): the contacts moved to Exchange", who, ep)
		case "2166":
			return fmt.Sprintf("%s's %s shows the log-off prompt (2166): the contacts were rolled back to Lync Server", who, ep)
		}
		return fmt.Sprintf("%s's %s shows a prompt (%s)", who, ep, e.detail("diag"))
	case "prompt.accepted":
		return fmt.Sprintf("%s accepts the prompt on %s: signs out and back in", who, ep)
	case "migration.started":
		s := fmt.Sprintf("migration of %s %s contacts to Exchange starts (attempt %s", whose, e.detail("contacts"), e.detail("attempt"))
		if tr := e.detail("trigger"); tr != "" {
			s += ", " + triggerText(tr)
		}
		s += ")"
		if e.detail("commitAt") != "" {
			s += "; it completes at " + at("commitAt")
		}
		return s
	case "migration.completed":
		return fmt.Sprintf("%s %s contacts are now in Exchange (unified contact store, attempt %s)", whose, e.detail("contacts"), e.detail("attempts"))
	case "migration.failed":
		return fmt.Sprintf("migration of %s fails after attempt %s: %s; the contacts stay in Lync Server", who, e.detail("attempts"), e.detail("reason"))
	case "migration.retry":
		return fmt.Sprintf("migration of %s is tried again (%s; %s attempts so far)", who, triggerText(e.detail("trigger")), e.detail("attempts"))
	case "rollback.started":
		s := fmt.Sprintf("rollback of %s starts (%s", who, e.detail("trigger"))
		if e.flag("force") {
			s += ", -Force"
		}
		s += ")"
		if e.flag("cancelsMigration") {
			s += ": it cancels the migration in flight"
		}
		return s
	case "rollback.completed":
		return fmt.Sprintf("%s %s contacts are back in Lync Server", whose, e.detail("contacts"))
	case "hold.started":
		return fmt.Sprintf("the rollback hold starts for %s: no migration until %s", who, at("holdUntil"))
	case "hold.expired":
		return fmt.Sprintf("the rollback hold of %s ends", who)
	case "remigration.check":
		pol := Canonical(e.detail("policy"))
		allowed := e.detail("ucsAllowed") == "true"
		switch action := e.detail("action"); {
		case action == "migrate":
			return fmt.Sprintf("hold ended; policy %s still allows UCS, re-migration of %s starts", pol, who)
		case action == "next-signin":
			return fmt.Sprintf("hold ended; policy %s allows UCS, re-migration of %s waits for the next Lync 2013 sign-in", pol, who)
		case !allowed:
			return fmt.Sprintf("hold ended; policy %s does not allow UCS: the rollback of %s is permanent", pol, who)
		default:
			s := fmt.Sprintf("hold ended; policy %s allows UCS but %s does not migrate", pol, who)
			if r := e.detail("reason"); r != "" {
				s += ": " + r
			}
			return s
		}
	case "contacts.lost":
		return fmt.Sprintf("%s of %s contacts are lost (%s)", e.detail("contacts"), whose, e.detail("reason"))
	case "contact.added", "contact.removed":
		verb, prep := "added to", "in"
		if e.Type == "contact.removed" {
			verb, prep = "removed from", "in"
		}
		_ = prep
		where := "Lync Server"
		if e.detail("store") == "exchange" {
			where = "Exchange"
		}
		return fmt.Sprintf("%s %s %s list (%s)", e.detail("uri"), verb, whose, where)
	case "policy.created":
		return fmt.Sprintf("policy %s created (UcsAllowed %s)", Canonical(e.detail("identity")), boolText(e.detail("ucsAllowed")))
	case "policy.set":
		return fmt.Sprintf("policy %s set to UcsAllowed %s", Canonical(e.detail("identity")), boolText(e.detail("ucsAllowed")))
	case "policy.removed":
		if e.flag("reset") {
			return "policy Global reset to its defaults (UcsAllowed True)"
		}
		s := fmt.Sprintf("policy %s removed", Canonical(e.detail("identity")))
		if n := e.detail("unassigned"); n != "" && n != "0" {
			s += fmt.Sprintf("; %s users fall back to their next policy", n)
		}
		return s
	case "policy.granted":
		g := e.detail("policy")
		s := fmt.Sprintf("%s is granted policy %s", who, g)
		if g == "" || strings.EqualFold(g, "$null") {
			s = fmt.Sprintf("%s's per-user policy is unassigned", who)
		} else if !strings.EqualFold(g, "global") {
			s = fmt.Sprintf("%s is granted policy %s", who, Canonical(g))
		}
		if eff := e.detail("effective"); eff != "" {
			s += "; in effect: " + Canonical(eff)
		}
		return s
	case "fault.started":
		s := fmt.Sprintf("Exchange is %s for %s", faultText(e.detail("exchange")), e.detail("for"))
		if m := e.detail("mailbox"); m != "" {
			s = fmt.Sprintf("Exchange is %s for the mailbox of %s for %s", faultText(e.detail("exchange")), nameOf("sip:"+m), e.detail("for"))
		}
		if b := e.detail("backoff"); b != "" {
			s += ", asking clients to back off " + b
		}
		if l := e.detail("latency"); l != "" {
			s += ", answering after " + l
		}
		return s
	case "fault.ended":
		return fmt.Sprintf("Exchange is no longer %s", faultText(e.detail("exchange")))
	case "cmdlet.error":
		return fmt.Sprintf("%s failed: %s", e.detail("cmdlet"), e.detail("message"))
	}
	var b strings.Builder
	b.WriteString(e.Type)
	if e.User != "" {
		b.WriteString(" " + who)
	}
	for _, k := range sortedKeys(e.Details) {
		fmt.Fprintf(&b, " %s=%v", k, e.Details[k])
	}
	return b.String()
}

func triggerText(t string) string {
	switch t {
	case "signin":
		return "on a Lync 2013 sign-in"
	case "hold expired":
		return "the rollback hold ended"
	case "daily task":
		return "the daily migration task"
	}
	return t
}

func faultText(k string) string {
	switch k {
	case "down":
		return "down"
	case "busy":
		return "busy (ErrorServerBusy)"
	case "slow":
		return "slow"
	case "unauthorized":
		return "refusing the server's credentials"
	}
	return k
}

func boolText(v string) string {
	switch v {
	case "true":
		return "True"
	case "false":
		return "False"
	}
	return v
}

// Line is one line of the plain-English timeline.
type Line struct {
	At     time.Time
	Offset string // "+7d10m"
	User   string // SIP address, "" for world-wide events
	Seq    int
	Type   string
	Text   string
}

// String is "+7d10m  Ken Myer: hold ended; ...".
func (l Line) String() string {
	return fmt.Sprintf("%-9s %s", l.Offset, l.Text)
}

// merged reports whether the plain-English timeline leaves event i out because a neighbour at the
// same instant already says it: a hold's end (the re-check says it), and the sign-out and sign-in
// of an accepted prompt ("signs out and back in").
func merged(ev []Event, i int) bool {
	e := ev[i]
	same := func(j int, typ string) bool {
		return j >= 0 && j < len(ev) && ev[j].Type == typ && strings.EqualFold(ev[j].User, e.User) &&
			ev[j].Time.Equal(e.Time) && ev[j].detail("endpoint") == e.detail("endpoint")
	}
	switch e.Type {
	case "hold.expired":
		return i+1 < len(ev) && ev[i+1].Type == "remigration.check" && strings.EqualFold(ev[i+1].User, e.User) && ev[i+1].Time.Equal(e.Time)
	case "signout":
		return same(i-1, "prompt.accepted")
	case "signin":
		return same(i-1, "signout") && same(i-2, "prompt.accepted")
	}
	return false
}

// Lines is the plain-English timeline: one line per meaningful event (all: one per trace event,
// nothing merged), only those of user when user is not "" (a SIP address, any case).
func (t *Timeline) Lines(user string, all bool) []Line {
	nameOf := func(sip string) string {
		for _, u := range t.Users {
			if strings.EqualFold(u.SIP, sip) {
				return u.Name
			}
		}
		return strings.TrimPrefix(sip, "sip:")
	}
	var out []Line
	for i, e := range t.Events {
		if user != "" && !strings.EqualFold(e.User, user) {
			continue
		}
		if !all && merged(t.Events, i) {
			continue
		}
		text := Sentence(e, nameOf, t.Start)
		if e.User != "" && !strings.Contains(text, nameOf(e.User)) {
			text = nameOf(e.User) + ": " + text
		}
		out = append(out, Line{At: e.Time, Offset: Offset(e.Time, t.Start), User: e.User, Seq: e.Seq, Type: e.Type, Text: text})
	}
	return out
}
