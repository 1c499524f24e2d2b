package ews

import (
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
)

// Fault is one entry of the fault plan: active while the virtual clock is before Until (a zero
// Until lasts until replaced). Mailbox "" applies server-wide.
type Fault struct {
	Kind    engine.FaultKind // engine.FaultDown, engine.FaultBusy, engine.FaultSlow, engine.FaultUnauthorized (docs/PROTOCOLS.md 2.6)
	Mailbox string
	Until   time.Time
	BackOff time.Duration // busy: BackOffMilliseconds (0: none sent)
	Latency time.Duration // slow
}

// SetFault replaces any fault for f.Mailbox; a Kind of "" clears it. Unknown kinds are ignored.
func (s *Server) SetFault(f Fault) {
	key := strings.ToLower(stripSip(f.Mailbox))
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f.Kind {
	case "":
		delete(s.faults, key)
	case engine.FaultDown, engine.FaultBusy, engine.FaultSlow, engine.FaultUnauthorized:
		f.Mailbox = key
		s.faults[key] = f
	}
}

// Fault returns the fault set for mailbox ("" = server-wide) if it is active now.
func (s *Server) Fault(mailbox string) (Fault, bool) {
	now := s.cfg.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.activeLocked(strings.ToLower(stripSip(mailbox)), now)
}

func (s *Server) activeLocked(key string, now time.Time) (Fault, bool) {
	f, ok := s.faults[key]
	if !ok || (!f.Until.IsZero() && !now.Before(f.Until)) {
		return Fault{}, false
	}
	return f, true
}

// effectiveFault is the mailbox's active fault, else the server-wide one.
func (s *Server) effectiveFault(mailbox string, now time.Time) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if mailbox != "" {
		if f, ok := s.activeLocked(mailbox, now); ok {
			return f, true
		}
	}
	return s.activeLocked("", now)
}
