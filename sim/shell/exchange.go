package shell

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ucssim/ucssim/sim/scenario"
)

// fault makes the whole Exchange server misbehave for a while of virtual time, as a scenario's
// fault: step does (fault.started and fault.ended in the trace). slow holds answers for a minute
// unless told otherwise.
func (s *Shell) fault(ctx context.Context, args []string) error {
	if len(args) < 2 || len(args) > 3 {
		return fmt.Errorf("usage fault <down|busy|slow|unauthorized> <duration> [backoff|latency], e.g. fault busy 30m 5s")
	}
	kind := strings.ToLower(args[0])
	switch kind {
	case "down", "busy", "slow", "unauthorized":
	default:
		return fmt.Errorf("kind %q is not down, busy, slow or unauthorized", args[0])
	}
	d, err := scenario.ParseDuration(args[1])
	if err != nil {
		return err
	}
	if d <= 0 {
		return fmt.Errorf("duration %q must be more than 0s", args[1])
	}
	var extra time.Duration
	if len(args) == 3 {
		if kind != "busy" && kind != "slow" {
			return fmt.Errorf("only busy (back-off) and slow (latency) take a third duration, not %s", kind)
		}
		if extra, err = scenario.ParseDuration(args[2]); err != nil {
			return err
		}
		if extra <= 0 {
			return fmt.Errorf("duration %q must be more than 0s", args[2])
		}
	}
	fl := scenario.Fault{Kind: kind, For: d}
	switch {
	case kind == "busy":
		fl.BackOff = extra
	case kind == "slow":
		if extra == 0 {
			extra = time.Minute
		}
		fl.Latency = extra
	}
	return s.do(ctx, scenario.Step{Kind: scenario.StepFault, Fault: fl}, "fault "+strings.Join(args, " "))
}

// outlook adds a contact from Outlook/OWA straight into the mailbox's Lync Contacts folder.
func (s *Shell) outlook(ctx context.Context, args []string) error {
	sip, rest, err := s.resolveUser(args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return fmt.Errorf("which contact? usage outlook <user> <uri> [name]")
	}
	uri := strings.TrimSpace(rest[0])
	if strings.HasPrefix(strings.ToLower(uri), "sip:") {
		uri = uri[4:]
	}
	if local, domain, ok := strings.Cut(uri, "@"); !ok || local == "" || domain == "" || strings.ContainsAny(uri, " <>\"") {
		return fmt.Errorf("contact %q is not a SIP address such as sip:anne@litwareinc.com", rest[0])
	}
	st := scenario.Step{Kind: scenario.StepOutlookAddContact, User: sip, Contact: scenario.Contact{URI: "sip:" + uri, Name: strings.Join(rest[1:], " ")}}
	return s.do(ctx, st, "outlook "+strings.Join(args, " "))
}
