package shell

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
	"github.com/ucssim/ucssim/sim/scenario"
)

// fault makes the whole Exchange server misbehave for a while of virtual time, recording
// fault.started and fault.ended as the scenario runner does.
func (s *Shell) fault(args []string) error {
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
	}
	fl := ews.Fault{Kind: kind, Until: s.world.Sched.Now().Add(d)}
	details := map[string]any{"exchange": kind, "for": scenario.FormatDuration(d)}
	switch {
	case kind == "busy" && extra > 0:
		fl.BackOff = extra
		details["backoff"] = scenario.FormatDuration(extra)
	case kind == "slow":
		if extra == 0 {
			extra = time.Minute
		}
		fl.Latency = extra
		details["latency"] = scenario.FormatDuration(extra)
	}
	s.world.Exchange.SetFault(fl)
	s.world.Trace.Record(engine.Event{Time: s.world.Sched.Now(), Type: "fault.started", Details: details})
	s.world.Sched.At(fl.Until, "fault.ended", func() {
		s.world.Trace.Record(engine.Event{Time: s.world.Sched.Now(), Type: "fault.ended", Details: map[string]any{"exchange": kind}})
	})
	return nil
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
	name := strings.Join(rest[1:], " ")
	return s.world.OutlookAddContact(ctx, sip, uri, name)
}
