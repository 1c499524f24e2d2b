package ews

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/ucssim/ucssim/engine"
)

// Config configures a Server. Zero values take the documented defaults.
type Config struct {
	// Clock decides fault windows and Bearer token expiry (the world's virtual clock);
	// nil means the wall clock (serve mode).
	Clock clock.Clock
	// Sleeper parks a slow request on virtual time (*vclock.Scheduler); nil: no hold.
	Sleeper interface {
		Sleep(ctx context.Context, d time.Duration, held int) error
	}
	// Counter counts each request from arrival until its answer is written (*vclock.Tracker).
	Counter interface {
		Begin(name string) (end func())
	}
	// TrustKey is the server-to-server trust; nil means not configured (Bearer gets 401).
	TrustKey []byte
	// MaxContacts bounds Quick Contacts per mailbox (default 1000).
	MaxContacts int
	// MaxGroups bounds user plus distribution groups per mailbox (default 64).
	MaxGroups int
	// Seed makes ids deterministic together with per-mailbox counters.
	Seed uint64
	// Insiders tells the connections of in-process callers, and the units they hold, from
	// outside clients' (nil: every caller is an outside client).
	Insiders *Insiders
	// ReadTimeout bounds (wall time) the reading of a whole request; ReadTimeout if zero.
	ReadTimeout time.Duration
	// OnTimeout is told when an outside client's request did not arrive in time (wall clock):
	// the world traces it.
	OnTimeout func(what string)
	// OnGuestChange is called, besides OnChange, after an outside client (not an in-process
	// caller, see Insiders) changed a mailbox's IM list, whatever its credentials: the world
	// traces it and tells the engine, so the two never silently disagree.
	OnGuestChange func(mailbox, caller, operation string)
	// JournalSize bounds the journal to the most recent requests: 0 means DefaultJournalSize, a
	// negative value keeps no journal.
	JournalSize int
	// OnChange is called after each change of a mailbox's IM list, before the answer is written;
	// byServer is true when the caller used Bearer (the Lync Server engine).
	OnChange func(mailbox string, byServer bool)
	// Throttling, when on, answers ErrorServerBusy to callers over their budget (throttle.go).
	Throttling Throttling
}

// Defaults of docs/PROTOCOLS.md 2.5.
const (
	DefaultMaxContacts = 1000
	DefaultMaxGroups   = 64
	// MaxBodyBytes bounds a request body; larger ones get ErrorInvalidRequest.
	MaxBodyBytes = 1 << 20
)

// Wall-clock bounds of the HTTP server (docs/ARCHITECTURE.md D-8): a request whose headers or body do
// not arrive in time, an answer the client does not read in time, and an idle keep-alive
// connection are dropped. None of them holds virtual time: a request counts for quiescence only
// once it is fully read.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 10 * time.Second
	IdleTimeout       = 60 * time.Second
)

// Server is the mock Exchange 2013 mailbox server.
type Server struct {
	cfg Config

	mu          sync.Mutex
	mailboxes   map[string]*mailbox // by lower-case SMTP address
	faults      map[string]Fault    // by lower-case mailbox, "" = server-wide
	journal     []JournalEntry      // a ring once full: journalHead is the oldest entry
	journalHead int
	budgets     budgets
	verified    verified // the last Bearer token accepted
	httpSrv     *http.Server
	baseURL     string
	tlsSrv      *http.Server
	tlsURL      string
}

// NewServer returns a server without mailboxes.
func NewServer(cfg Config) *Server {
	if cfg.Clock == nil {
		cfg.Clock = clock.New()
	}
	if cfg.MaxContacts <= 0 {
		cfg.MaxContacts = DefaultMaxContacts
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = ReadTimeout
	}
	if cfg.MaxGroups <= 0 {
		cfg.MaxGroups = DefaultMaxGroups
	}
	return &Server{cfg: cfg, mailboxes: map[string]*mailbox{}, faults: map[string]Fault{}}
}

// AddMailbox adds (or replaces) the mailbox of user smtp (alias@domain). Only exchange2013
// mailboxes answer EWS; others exist so their users authenticate and get ErrorNonExistentMailbox.
func (s *Server) AddMailbox(smtp, displayName string, kind engine.MailboxKind) {
	if kind == "" {
		kind = engine.MailboxExchange2013
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mailboxes[strings.ToLower(smtp)] = newMailbox(s.cfg.Seed, strings.ToLower(smtp), displayName, kind)
}

// SetPassword makes Basic authentication as smtp require password ("" = accept any).
func (s *Server) SetPassword(smtp, password string) error {
	return s.update(smtp, func(mb *mailbox) { mb.password = password })
}

// SetMailboxKind changes the Exchange version of an existing mailbox, keeping its content.
func (s *Server) SetMailboxKind(smtp string, kind engine.MailboxKind) error {
	return s.update(smtp, func(mb *mailbox) { mb.kind = kind })
}

// update changes an existing mailbox under its lock.
func (s *Server) update(smtp string, change func(mb *mailbox)) error {
	mb, err := s.lookup(smtp)
	if err != nil {
		return err
	}
	mb.mu.Lock()
	change(mb)
	mb.mu.Unlock()
	return nil
}

func (s *Server) lookup(smtp string) (*mailbox, error) {
	s.mu.Lock()
	mb := s.mailboxes[strings.ToLower(stripSip(smtp))]
	s.mu.Unlock()
	if mb == nil {
		return nil, fmt.Errorf("ews: no mailbox %q", smtp)
	}
	return mb, nil
}

// Handler serves /EWS/Exchange.asmx and /autodiscover/autodiscover.xml.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Start listens on addr ("127.0.0.1:0" in tests) and serves in the background. baseURL is
// "http://127.0.0.1:port".
func (s *Server) Start(addr string) (string, error) {
	ln, err := listenLoopback(addr, nil)
	if err != nil {
		return "", err
	}
	return s.Serve(ln)
}

// Serve serves HTTP in the background on a listener made elsewhere (the in-process memory wire
// of `ucssim run --wire memory`), exactly as Start does on the one it opens; it stands in for
// Start. baseURL is "http://" and the listener's address.
func (s *Server) Serve(ln net.Listener) (string, error) { return s.serve(ln, nil) }

// httpServer is the one configuration of both listeners: outside clients are guests, so HTTP and
// HTTPS alike bound how long a slow peer may take to send, read and idle (docs/LIMITS.md).
func (s *Server) httpServer() *http.Server {
	return &http.Server{Handler: s.Handler(), ReadHeaderTimeout: min(ReadHeaderTimeout, s.cfg.ReadTimeout), ReadTimeout: s.cfg.ReadTimeout,
		WriteTimeout: WriteTimeout, IdleTimeout: IdleTimeout, ErrorLog: log.New(io.Discard, "", 0)}
}

// StartTLS also serves HTTPS on addr (loopback only) with cfg's certificate, for clients that
// insist on https:// EWS and autodiscover URLs. baseURL is "https://127.0.0.1:port".
func (s *Server) StartTLS(addr string, cfg *tls.Config) (string, error) {
	ln, err := listenLoopback(addr, func() error {
		if cfg == nil || len(cfg.Certificates) == 0 {
			return errors.New("ews: HTTPS needs a certificate")
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return s.serve(ln, cfg)
}

// listenLoopback listens on addr, which must be a loopback address; ready (if set) is checked
// once the address is.
func listenLoopback(addr string, ready func() error) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("ews: listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("ews: listen address %q is not a loopback address", addr)
	}
	if ready != nil {
		if err := ready(); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("ews: %w", err)
	}
	return ln, nil
}

// serve starts the HTTP server on ln, or the HTTPS one with cfg; each starts once.
func (s *Server) serve(ln net.Listener, cfg *tls.Config) (string, error) {
	srv := s.httpServer()
	srv.TLSConfig = cfg
	started, url, scheme, what := &s.httpSrv, &s.baseURL, "http://", "server"
	if cfg != nil {
		started, url, scheme, what = &s.tlsSrv, &s.tlsURL, "https://", "HTTPS"
	}
	s.mu.Lock()
	if *started != nil {
		s.mu.Unlock()
		ln.Close()
		return "", errors.New("ews: " + what + " already started")
	}
	*started = srv
	*url = scheme + ln.Addr().String()
	base := *url
	s.mu.Unlock()
	if cfg != nil {
		go srv.ServeTLS(ln, "", "") //nolint:errcheck // ends with ErrServerClosed on Close
	} else {
		go srv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed on Close
	}
	return base, nil
}

// TLSURL is the URL StartTLS returned, or "" before it.
func (s *Server) TLSURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tlsURL
}

// BaseURL is the URL Start returned, or "" before Start.
func (s *Server) BaseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// Close stops listening and ends open connections; later connections are refused.
func (s *Server) Close() error {
	s.mu.Lock()
	srv, tlsSrv := s.httpSrv, s.tlsSrv
	s.mu.Unlock()
	var errs []error
	if srv != nil {
		errs = append(errs, srv.Close())
	}
	if tlsSrv != nil {
		errs = append(errs, tlsSrv.Close())
	}
	return errors.Join(errs...)
}

// List reads a mailbox's IM list and migration flag in-process, changing nothing.
func (s *Server) List(smtp string) (engine.ImList, bool, error) {
	mb, err := s.lookup(smtp)
	if err != nil {
		return engine.ImList{}, false, err
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return mb.list(), mb.migrated, nil
}

// SeedContact is one contact written into a mailbox at the start of a world (store: exchange).
type SeedContact struct {
	IMAddress   string   // alias@domain, "sip:" optional
	DisplayName string   // "" = the address
	Groups      []string // group names; "", "~" and "Other Contacts" = Other Contacts
}

// Seed writes contacts into a mailbox as a finished migration would, and sets the migrated flag.
// It fires no OnChange. On error the mailbox is unchanged.
func (s *Server) Seed(smtp string, contacts []SeedContact) error {
	mb, err := s.lookup(smtp)
	if err != nil {
		return err
	}
	for i, c := range contacts {
		if !validAddress(stripSip(c.IMAddress)) {
			return fmt.Errorf("ews: seed contact %d: IM address %q is not alias@domain", i+1, c.IMAddress)
		}
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if mb.kind != engine.MailboxExchange2013 {
		return fmt.Errorf("ews: %s has no Exchange 2013 mailbox (%s)", smtp, mb.kind)
	}
	backup := mb.snapshot()
	now := s.cfg.Clock.Now()
	for _, sc := range contacts {
		groups := sc.Groups
		if len(groups) == 0 {
			groups = []string{""}
		}
		for _, name := range groups {
			g, e := mb.groupForLyncName(name, s.cfg.MaxGroups)
			if e == nil {
				_, _, e = mb.addNewContact(stripSip(sc.IMAddress), "", sc.DisplayName, g, now, s.cfg.MaxContacts)
			}
			if e != nil {
				mb.restore(backup)
				return fmt.Errorf("ews: seed %s: %s", smtp, e.Message)
			}
		}
	}
	mb.ensureSystemGroups()
	mb.migrated = true
	return nil
}

// OutlookAddContact adds a contact from Outlook/OWA straight into Lync Contacts, like
// AddNewImContactToGroup without GroupId, and fires OnChange(mailbox, false).
func (s *Server) OutlookAddContact(smtp, imAddress, displayName string) error {
	mb, err := s.lookup(smtp)
	if err != nil {
		return err
	}
	im := stripSip(imAddress)
	if !validAddress(im) {
		return fmt.Errorf("ews: IM address %q is not alias@domain", imAddress)
	}
	mb.mu.Lock()
	if mb.kind != engine.MailboxExchange2013 {
		mb.mu.Unlock()
		return fmt.Errorf("ews: %s has no Exchange 2013 mailbox (%s)", smtp, mb.kind)
	}
	_, changed, e := mb.addNewContact(im, "", displayName, nil, s.cfg.Clock.Now(), s.cfg.MaxContacts)
	mb.mu.Unlock()
	if e != nil {
		return fmt.Errorf("ews: %s: %s", e.Code, e.Message)
	}
	s.journalAdd(JournalEntry{Time: s.cfg.Clock.Now(), Caller: "outlook", Mailbox: mb.smtp, Operation: "OutlookAddContact", Result: "NoError"})
	if changed && s.cfg.OnChange != nil {
		s.cfg.OnChange(mb.smtp, false)
	}
	return nil
}

// validAddress accepts alias@domain without spaces or control characters.
func validAddress(a string) bool {
	at := strings.IndexByte(a, '@')
	if at <= 0 || at == len(a)-1 || strings.Count(a, "@") != 1 {
		return false
	}
	for _, r := range a {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' || r == '"' {
			return false
		}
	}
	return true
}

// SetTrustKey changes the server-to-server trust while the server runs: nil removes it (Bearer
// requests get 401 from then on), a key configures it.
func (s *Server) SetTrustKey(key []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.TrustKey = key
}
