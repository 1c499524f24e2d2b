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

func (s *Server) journalAdd(e JournalEntry) {
	s.mu.Lock()
	s.journal = append(s.journal, e)
	s.mu.Unlock()
}

// Journal returns a copy of the journal in arrival order of completion.
func (s *Server) Journal() []JournalEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]JournalEntry(nil), s.journal...)
}
