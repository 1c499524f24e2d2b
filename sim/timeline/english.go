package timeline

import (
	"github.com/ucssim/ucssim/engine"

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
	case engine.EventSignIn:
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
	case engine.EventSignOut:
		return fmt.Sprintf("%s signs out of %s", who, ep)
	case engine.EventPromptShown:
		switch e.detail("diag") {
		case "2165":
			return fmt.Sprintf("%s's %s shows the log-off prompt (2165): the contacts moved to Exchange", who, ep)
		case "2166":
			return fmt.Sprintf("%s's %s shows the log-off prompt (2166): the contacts were rolled back to Lync Server", who, ep)
		}
		return fmt.Sprintf("%s's %s shows a prompt (%s)", who, ep, e.detail("diag"))
	case engine.EventPromptAccepted:
		return fmt.Sprintf("%s accepts the prompt on %s: signs out and back in", who, ep)
	case engine.EventMigrationStarted:
		s := fmt.Sprintf("migration of %s %s contacts to Exchange starts (attempt %s", whose, e.detail("contacts"), e.detail("attempt"))
		if tr := e.detail("trigger"); tr != "" {
			s += ", " + triggerText(tr)
		}
		s += ")"
		if e.detail("commitAt") != "" {
			s += "; it completes at " + at("commitAt")
		}
		return s
	case engine.EventMigrationCompleted:
		return fmt.Sprintf("%s %s contacts are now in Exchange (unified contact store, attempt %s)", whose, e.detail("contacts"), e.detail("attempts"))
	case engine.EventMigrationFailed:
		return fmt.Sprintf("migration of %s fails after attempt %s: %s; the contacts stay in Lync Server", who, e.detail("attempts"), e.detail("reason"))
	case engine.EventMigrationRetry:
		return fmt.Sprintf("migration of %s is tried again (%s; %s attempts so far)", who, triggerText(e.detail("trigger")), e.detail("attempts"))
	case engine.EventRollbackStarted:
		s := fmt.Sprintf("rollback of %s starts (%s", who, e.detail("trigger"))
		if e.flag("force") {
			s += ", -Force"
		}
		s += ")"
		if e.flag("cancelsMigration") {
			s += ": it cancels the migration in flight"
		}
		return s
	case engine.EventRollbackCompleted:
		return fmt.Sprintf("%s %s contacts are back in Lync Server", whose, e.detail("contacts"))
	case engine.EventHoldStarted:
		return fmt.Sprintf("the rollback hold starts for %s: no migration until %s", who, at("holdUntil"))
	case engine.EventHoldExpired:
		return fmt.Sprintf("the rollback hold of %s ends", who)
	case engine.EventRemigrationCheck:
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
	case engine.EventRollbackFailed:
		s := fmt.Sprintf("rollback of %s fails: %s", who, e.detail("reason"))
		if e.detail("changed") == "false" {
			s += "; nothing changed"
		}
		return s
	case engine.EventUserMoved:
		s := fmt.Sprintf("%s is moved from pool %s to %s", who, e.detail("from"), e.detail("to"))
		if e.flag("lyncServer2010") {
			s += " (Lync Server 2010)"
		}
		if e.flag("rolledBack") {
			s += ": the contacts are rolled back"
		}
		return s
	case engine.EventContactsLost:
		return fmt.Sprintf("%s of %s contacts are lost (%s)", e.detail("contacts"), whose, e.detail("reason"))
	case engine.EventContactAdded, engine.EventContactRemoved:
		verb := "added to"
		if e.Type == engine.EventContactRemoved {
			verb = "removed from"
		}
		where := "Lync Server"
		if e.detail("store") == "exchange" {
			where = "Exchange"
		}
		return fmt.Sprintf("%s %s %s list (%s)", e.detail("uri"), verb, whose, where)
	case engine.EventPolicyCreated:
		return fmt.Sprintf("policy %s created (UcsAllowed %s)", Canonical(e.detail("identity")), boolText(e.detail("ucsAllowed")))
	case engine.EventPolicySet:
		return fmt.Sprintf("policy %s set to UcsAllowed %s", Canonical(e.detail("identity")), boolText(e.detail("ucsAllowed")))
	case engine.EventPolicyRemoved:
		if e.flag("reset") {
			return "policy Global reset to its defaults (UcsAllowed True)"
		}
		s := fmt.Sprintf("policy %s removed", Canonical(e.detail("identity")))
		if n := e.detail("unassigned"); n != "" && n != "0" {
			s += fmt.Sprintf("; %s users fall back to their next policy", n)
		}
		return s
	case engine.EventPolicyGranted:
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
	case engine.EventFaultStarted:
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
	case engine.EventFaultEnded:
		return fmt.Sprintf("Exchange is no longer %s", faultText(e.detail("exchange")))
	case engine.EventCmdletError:
		return fmt.Sprintf("%s failed: %s", e.detail("cmdlet"), e.detail("message"))
	}
	var b strings.Builder
	b.WriteString(e.Type.String())
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
	Type   engine.EventType
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
	same := func(j int, typ engine.EventType) bool {
		return j >= 0 && j < len(ev) && ev[j].Type == typ && strings.EqualFold(ev[j].User, e.User) &&
			ev[j].Time.Equal(e.Time) && ev[j].detail("endpoint") == e.detail("endpoint")
	}
	switch e.Type {
	case engine.EventHoldExpired:
		return i+1 < len(ev) && ev[i+1].Type == engine.EventRemigrationCheck && strings.EqualFold(ev[i+1].User, e.User) && ev[i+1].Time.Equal(e.Time)
	case engine.EventSignOut:
		return same(i-1, engine.EventPromptAccepted)
	case engine.EventSignIn:
		return same(i-1, engine.EventSignOut) && same(i-2, engine.EventPromptAccepted)
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
