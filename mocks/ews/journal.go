package ews

import "time"

// JournalEntry records one request: who called what, when (virtual time of arrival), on which
// mailbox, and the result.
type JournalEntry struct {
	Time      time.Time
	Caller    string // "server" (Bearer), the Basic user, "outlook", or "" when unauthenticated
	Mailbox   string // target mailbox, "" when not determined
	Operation string // body element local name, "Autodiscover", or "" when unreadable
	Result    string // "NoError", an EWS ResponseCode, or "HTTP 401" / "HTTP 503" / ...
}

// DefaultJournalSize is how many of the most recent requests the journal keeps unless
// Config.JournalSize says otherwise: enough for any test's or shell session's look back, while a
// population run's hundreds of thousands of requests no longer pile up in memory.
const DefaultJournalSize = 10000

// journalSize is the configured bound: 0 keeps nothing.
func (s *Server) journalSize() int {
	switch n := s.cfg.JournalSize; {
	case n < 0:
		return 0
	case n == 0:
		return DefaultJournalSize
	default:
		return n
	}
}

func (s *Server) journalAdd(e JournalEntry) {
	limit := s.journalSize()
	if limit == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.journal) < limit {
		s.journal = append(s.journal, e)
		return
	}
	s.journal[s.journalHead] = e // a ring: overwrite the oldest
	s.journalHead = (s.journalHead + 1) % limit
}

// Journal returns a copy of the journal in arrival order of completion: the most recent
// Config.JournalSize requests.
func (s *Server) Journal() []JournalEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]JournalEntry, 0, len(s.journal))
	out = append(out, s.journal[s.journalHead:]...)
	return append(out, s.journal[:s.journalHead]...)
}
