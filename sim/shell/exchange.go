package shell

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/scenario"
)

// fault makes the whole Exchange server misbehave for a while of virtual time through the world's
// own action (World.Fault), as a scenario's fault: step does.
func (s *Shell) fault(args []string) error {
	kinds := engine.Names(engine.FaultKinds())
	if len(args) < 2 || len(args) > 3 {
		return fmt.Errorf("usage fault <%s> <duration> [backoff|latency], e.g. fault busy 30m 5s", strings.Join(kinds, "|"))
	}
	kind, err := engine.ParseFaultKind(args[0])
	if err != nil {
		return fmt.Errorf("kind %q is not %s", args[0], orList(kinds))
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
		if kind != engine.FaultBusy && kind != engine.FaultSlow {
			return fmt.Errorf("only busy (back-off) and slow (latency) take a third duration, not %s", kind)
		}
		if extra, err = scenario.ParseDuration(args[2]); err != nil {
			return err
		}
	}
	f := sim.FaultSpec{Kind: kind, For: d}
	switch kind {
	case engine.FaultBusy:
		f.BackOff = extra
	case engine.FaultSlow:
		if extra == 0 {
			extra = time.Minute // the shell's default latency
		}
		f.Latency = extra
	}
	return s.world.Fault(f)
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
