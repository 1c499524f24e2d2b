// Package sim puts ucssim's pieces together: a World is the engine, the EWS mock, the SIP front end
// and the simulated clients, all on real loopback sockets, driven by one virtual-time scheduler.
// The world's actions (sign-in, prompts, edits, faults, cmdlets) are World methods; running a
// scenario file on a world is package sim/runner, the interactive shell package sim/shell.
package sim

import (
	"context"
	cryptorand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
	"github.com/ucssim/ucssim/sim/internal/client"
	"github.com/ucssim/ucssim/sim/internal/frontend"
	"github.com/ucssim/ucssim/sim/internal/memwire"
	"github.com/ucssim/ucssim/sim/internal/tlsca"
	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/sim/vclock"
)

// sipgo logs through a package-wide logger; its warnings on closing loopback connections ("TCP ref
// went negative") are noise for scenario users, so only its errors get through.
func init() {
	sip.SetDefaultLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
}

// World is one simulated deployment: a Lync Server 2013 pool (engine + SIP front end), an Exchange
// 2013 server (EWS mock) and the users' clients, under one virtual clock and one seeded random source.
type World struct {
	Spec     scenario.World
	Start    time.Time
	Seed     uint64
	Sched    *vclock.Scheduler
	Rand     *rand.Rand
	Engine   *engine.Engine
	Exchange *ews.Server
	EWSURL   string
	// TLS is the world's certificate authority when it serves TLS (WorldOptions.TLS), else nil;
	// EWSTLSURL is then the https base URL of the EWS mock.
	TLS       *tlsca.Authority
	EWSTLSURL string
	FrontEnd  *frontend.Server
	Trace     *Trace
	endpoints []*endpoint // in creation order
	trustKey  []byte      // the server-to-server key Exchange trusts while serverToServerAuth is on
	signins   int         // sign-ins so far, to order endpoints by recency
	httpc     *http.Client
	insiders  *ews.Insiders     // in-process EWS connections (the engine's, the simulated clients')
	passwords map[string]string // lower-case sip -> the EWS password the world gives the user
	logger    *slog.Logger
	ledger    ledger        // what users did to their lists (the nothing-lost invariant)
	lostSeen  int           // trace events the ledger has looked at for contacts.lost
	faults    []faultWindow // every Exchange fault started, in order
	faultEnd  map[string]func()
	outlook   map[string]map[string]bool // sip → addresses whose mailbox item Outlook created
	members   map[string]member          // lower-case sip → what was drawn for a population's user

	sessionOnce sync.Once
	session     *engine.Session // the Management Shell variables of `run:` lines

	mem *memwire.Network // the in-process wire (WireMemory), else nil
}

type endpoint struct {
	user, name string
	kind       engine.ClientKind
	c          *client.Client
	signedIn   bool
	signInSeq  int
}

// WorldOptions tune a world beyond its scenario spec.
type WorldOptions struct {
	Logger *slog.Logger // default: discard
	// Listen addresses, loopback only; default 127.0.0.1:0 (an ephemeral port). `ucssim serve`
	// sets fixed ports so outside clients (SIPp, EWS libraries) can find them.
	SIPTCP, SIPUDP, EWS string
	// Deliver, if set, decides which of the engine's notifications reach the SIP front end. It
	// exists for tests that plant a defect (a lost prompt, a skipped delta) for explore to find.
	Deliver func(engine.Notification) bool
	// TLS makes the world's CA and serves SIP over TLS (SIPTLS) and EWS over HTTPS (EWSTLS) beside
	// the plain listeners; the addresses default to ephemeral loopback ports like the others.
	TLS            bool
	SIPTLS, EWSTLS string
	// TLSDir, when set with TLS, receives the CA clients trust (tlsca.CAFile) and the server's
	// certificate and key.
	TLSDir string
	// GuestHold bounds, in wall time, how long a notification nobody answers holds virtual time
	// (`ucssim serve`, where subscribers may be outside clients: docs/ARCHITECTURE.md D-8); past it a
	// notify.timeout event is traced and the clock may move. Zero: until answered (run, shell).
	GuestHold time.Duration
	// WireTimeout, when set, replaces the wall-clock bounds on slow peers: the EWS mock's
	// request read timeout (ews.ReadTimeout) and the SIP front end's idle timeout for
	// connections without a registered endpoint (frontend.DefaultIdleTimeout). For specs.
	WireTimeout time.Duration
	// Wire carries the world's SIP and HTTP: WireLoopback (the default, "") on 127.0.0.1 sockets
	// outside tools can reach, or WireMemory, in-process connections through the same parsers
	// and handlers, without file descriptors (docs/ARCHITECTURE.md D-9). A memory world has no
	// UDP, no TLS and no address an outside client can reach.
	Wire Wire
}

// Wire names what carries a world's SIP and HTTP bytes.
type Wire string

// The wires.
const (
	WireLoopback Wire = "loopback"
	WireMemory   Wire = "memory"
)

// Wires lists the wires, the default first.
var Wires = []Wire{WireLoopback, WireMemory}

// ParseWire reads a wire name ("" is the default, loopback).
func ParseWire(s string) (Wire, error) {
	switch Wire(strings.ToLower(strings.TrimSpace(s))) {
	case "", WireLoopback:
		return WireLoopback, nil
	case WireMemory:
		return WireMemory, nil
	}
	return "", fmt.Errorf("unknown wire %q: want loopback or memory", s)
}

// check refuses option combinations a wire cannot honour.
func (o WorldOptions) check() error {
	w, err := ParseWire(string(o.Wire))
	if err != nil {
		return err
	}
	if w != WireMemory {
		return nil
	}
	if o.TLS {
		return errors.New("the memory wire carries no TLS: use the loopback wire for SIP over TLS and HTTPS")
	}
	if o.SIPTCP != "" || o.SIPUDP != "" || o.EWS != "" {
		return errors.New("the memory wire has no listen addresses: outside clients need the loopback wire")
	}
	return nil
}

// filterListener passes the engine's notifications that deliver accepts on to next.
type filterListener struct {
	next    engine.Listener
	deliver func(engine.Notification) bool
}

func (l filterListener) Notify(n engine.Notification) {
	if l.deliver(n) {
		l.next.Notify(n)
		return
	}
	n.Report(errFiltered)
}

var errFiltered = errors.New("dropped by WorldOptions.Deliver")

// DefaultGuestHold is the GuestHold of `ucssim serve`.
const DefaultGuestHold = 2 * time.Second

func (o WorldOptions) addr(a string) (string, error) {
	if a == "" {
		return "127.0.0.1:0", nil
	}
	host, _, err := net.SplitHostPort(a)
	if err != nil {
		return "", fmt.Errorf("listen address %q: %w", a, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", fmt.Errorf("listen address %q: ucssim listens on loopback only (127.0.0.1)", a)
	}
	return a, nil
}

// NewWorld builds and starts a world: servers listen on 127.0.0.1 with ephemeral ports.
func NewWorld(spec scenario.World, start time.Time, seed uint64, opt WorldOptions) (*World, error) {
	if start.IsZero() {
		start = vclock.DefaultStart
	}
	if err := opt.check(); err != nil {
		return nil, err
	}
	logger := opt.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	w := &World{
		Spec:      spec,
		Start:     start,
		Seed:      seed,
		Sched:     vclock.New(start),
		Rand:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		Trace:     &Trace{},
		logger:    logger,
		insiders:  ews.NewInsiders(),
		passwords: map[string]string{},
		ledger:    ledger{},
		faultEnd:  map[string]func(){},
		outlook:   map[string]map[string]bool{},
	}
	if wire, _ := ParseWire(string(opt.Wire)); wire == WireMemory {
		w.mem = memwire.New()
		w.insiders.UseDial(func(ctx context.Context, _, addr string) (net.Conn, error) { return w.mem.Dial(ctx, addr) })
	}
	w.httpc = &http.Client{Transport: w.insiders.Transport(1)}
	ok := false
	defer func() {
		if !ok {
			w.Close()
		}
	}()

	trustKey, err := newTrustKey()
	if err != nil {
		return nil, err
	}
	w.trustKey = trustKey
	var serverKey []byte
	if spec.ServerToServerAuth {
		serverKey = trustKey
	}
	w.Exchange = ews.NewServer(ews.Config{
		Clock:       w.Sched.Clock(),
		Sleeper:     w.Sched,
		Counter:     w.Sched.Tracker(),
		Insiders:    w.insiders,
		ReadTimeout: opt.WireTimeout,
		TrustKey:    serverKey,
		MaxContacts: spec.Exchange.MaxContacts,
		MaxGroups:   spec.Exchange.MaxGroups,
		Throttling:  throttlingOf(spec.Exchange.Throttling),
		Seed:        seed,
		OnChange:    w.exchangeChanged,
		OnGuestChange: func(mailbox, caller, operation string) {
			w.Trace.Record(engine.Event{Time: w.Sched.Now(), Type: engine.EventMailboxChanged, User: "sip:" + mailbox,
				Details: map[string]any{"by": caller, "operation": operation}})
			if w.Engine != nil {
				w.Engine.ExchangeChanged("sip:" + mailbox)
			}
		},
		OnTimeout: func(what string) {
			w.Trace.Record(engine.Event{Time: w.Sched.Now(), Type: engine.EventRequestTimeout, Details: map[string]any{"server": "ews", "request": what}})
		},
	})
	ewsAddr, err := opt.addr(opt.EWS)
	if err != nil {
		return nil, err
	}
	sipTCP, err := opt.addr(opt.SIPTCP)
	if err != nil {
		return nil, err
	}
	sipUDP, err := opt.addr(opt.SIPUDP)
	if err != nil {
		return nil, err
	}
	var url string
	if w.mem != nil {
		var l net.Listener
		if l, err = w.mem.Listen(); err == nil {
			url, err = w.Exchange.Serve(l)
		}
	} else {
		url, err = w.Exchange.Start(ewsAddr)
	}
	if err != nil {
		return nil, fmt.Errorf("start the EWS mock: %w", err)
	}
	w.EWSURL = url
	var sipTLS string
	if opt.TLS {
		if w.TLS, err = tlsca.New(time.Now(), tlsNames(spec)...); err != nil {
			return nil, err
		}
		if opt.TLSDir != "" {
			if err := w.TLS.WriteDir(opt.TLSDir); err != nil {
				return nil, err
			}
		}
		ewsTLS, err := opt.addr(opt.EWSTLS)
		if err != nil {
			return nil, err
		}
		if sipTLS, err = opt.addr(opt.SIPTLS); err != nil {
			return nil, err
		}
		if w.EWSTLSURL, err = w.Exchange.StartTLS(ewsTLS, w.TLS.ServerConfig()); err != nil {
			return nil, fmt.Errorf("start the EWS mock over HTTPS: %w", err)
		}
	}
	exch := ews.NewClient(ews.ClientConfig{
		BaseURL: url,
		HTTP:    w.httpc,
		Token:   ews.TokenSource(trustKey, "lync-server", w.Sched.Now, time.Hour),
	})

	w.Engine, err = engine.New(engine.Config{
		Clock:       w.Sched.Clock(),
		Scheduler:   w.Sched,
		Exchange:    exch,
		Rand:        w.Rand,
		Pool:        spec.Pool,
		Site:        spec.Site,
		LegacyPools: spec.LegacyPools,
		Migration: engine.MigrationConfig{
			Duration:    spec.Migration.Duration,
			PerContact:  spec.Migration.PerContact,
			Jitter:      spec.Migration.Jitter,
			Hold:        spec.Migration.Hold,
			Remigration: spec.Migration.Remigration,
			DailyTask:   spec.Migration.DailyTask,
		},
		OnEvent: w.Trace.Record,
	})
	if err != nil {
		return nil, err
	}
	w.FrontEnd, err = frontend.New(frontend.Config{
		Engine:      w.Engine,
		Counter:     w.Sched.Tracker(),
		Scheduler:   w.Sched,
		Clock:       w.Sched.Clock(),
		Pool:        spec.Pool,
		Logger:      logger,
		NotifyHold:  opt.GuestHold,
		IdleTimeout: opt.WireTimeout,
		OnEvent:     w.Trace.Record,
	})
	if err != nil {
		return nil, err
	}
	if w.mem != nil {
		var l net.Listener
		if l, err = w.mem.Listen(); err == nil {
			err = w.FrontEnd.StartListener(l)
		}
	} else {
		err = w.FrontEnd.Start(sipTCP, sipUDP)
	}
	if err != nil {
		return nil, fmt.Errorf("start the SIP front end: %w", err)
	}
	if w.TLS != nil {
		if err := w.FrontEnd.StartTLS(sipTLS, w.TLS.ServerConfig()); err != nil {
			return nil, fmt.Errorf("start the SIP front end over TLS: %w", err)
		}
	}
	if opt.Deliver != nil {
		w.Engine.SetListener(filterListener{next: w.FrontEnd, deliver: opt.Deliver})
	} else {
		w.Engine.SetListener(w.FrontEnd)
	}

	if err := w.populate(); err != nil {
		return nil, err
	}
	if err := w.Sched.Settle(); err != nil {
		return nil, err
	}
	ok = true
	return w, nil
}

// tlsNames are the host names the world's server certificate holds: the pool, each user domain
// and the autodiscover host clients derive from it (autodiscover.<domain>).
func tlsNames(spec scenario.World) []string {
	names := []string{spec.Pool}
	for _, u := range spec.Users {
		d := domainOf(normalizeSIP(u.SIP))
		names = append(names, d, "autodiscover."+d, "sip."+d)
	}
	return names
}

// newTrustKey draws the world's server-to-server trust key from the system's random source: it
// is never derived from the seed (which serve prints), never printed, and tokens signed with it
// never reach the trace, which stays deterministic (docs/ARCHITECTURE.md D-8).
func newTrustKey() ([]byte, error) {
	key := make([]byte, 32)
	if _, err := cryptorand.Read(key); err != nil {
		return nil, fmt.Errorf("draw the server-to-server trust key: %w", err)
	}
	return key, nil
}

func (w *World) populate() error {
	for _, p := range w.Spec.Policies {
		if strings.EqualFold(p.Identity, "global") {
			if _, err := w.Engine.Run(context.Background(), fmt.Sprintf("Set-CsUserServicesPolicy -Identity global -UcsAllowed $%t", p.UcsAllowed), engine.RunOptions{}); err != nil {
				return fmt.Errorf("policy global: %w", err)
			}
			continue
		}
		if err := w.Engine.CreatePolicy(p.Identity, p.UcsAllowed); err != nil {
			return fmt.Errorf("policy %s: %w", p.Identity, err)
		}
	}
	for _, u := range w.Spec.Users {
		var placed engine.UserSpec // a population user's drawn site and pool
		if u.Population > 0 {
			w.drawMember(&u, &placed)
		}
		sip := normalizeSIP(u.SIP)
		mailbox := strings.TrimPrefix(sip, "sip:")
		kind := engine.MailboxKind(u.Mailbox)
		if kind == "" {
			kind = engine.MailboxExchange2013
		}
		w.Exchange.AddMailbox(mailbox, u.Name, kind)
		if u.Password != "" {
			if err := w.Exchange.SetPassword(mailbox, u.Password); err != nil {
				return fmt.Errorf("user %s: %w", u.Name, err)
			}
			w.passwords[strings.ToLower(sip)] = u.Password
		}
		contacts := u.Contacts
		if u.Generated > 0 {
			contacts = generateContacts(w.Rand, domainOf(sip), u.Generated, u.Groups)
		}
		spec := engine.UserSpec{Name: u.Name, SIP: sip, Mailbox: kind, Policy: u.Policy, Site: placed.Site, Pool: placed.Pool}
		w.ledger[sip] = map[string]bool{}
		for _, c := range contacts {
			w.ledger.add(sip, c.URI)
			spec.Contacts = append(spec.Contacts, engine.ContactSpec{URI: c.URI, Name: c.Name, Groups: c.Groups})
		}
		if u.Store == engine.StoreExchange {
			seed := make([]ews.SeedContact, 0, len(contacts))
			for _, c := range contacts {
				seed = append(seed, ews.SeedContact{IMAddress: strings.TrimPrefix(c.URI, "sip:"), DisplayName: c.Name, Groups: c.Groups})
			}
			if err := w.Exchange.Seed(mailbox, seed); err != nil {
				return fmt.Errorf("user %s: seed the mailbox: %w", u.Name, err)
			}
			spec.InExchange = true
			spec.Contacts = nil
		}
		if err := w.Engine.AddUser(spec); err != nil {
			return fmt.Errorf("user %s: %w", u.Name, err)
		}
	}
	return nil
}

var firstNames = []string{"Pilar", "Ken", "Anne", "David", "Lisa", "Tom", "Jo", "Mary", "Jun", "Ravi", "Sofia", "Omar", "Eva", "Luis", "Nina", "Paul"}
var lastNames = []string{"Ackerman", "Myer", "Wallace", "Ahs", "Andrews", "Perham", "Berry", "Chen", "Kumar", "Lopez", "Haas", "Ito", "Novak", "Reyes", "Singh", "Young"}

// generateContacts draws n distinct contacts from the world's seeded source. Contact i goes to the
// default group or one of groups, round-robin from a seeded offset.
func generateContacts(r *rand.Rand, domain string, n int, groups []string) []scenario.Contact {
	seen := map[string]bool{}
	out := make([]scenario.Contact, 0, n)
	for i := 0; len(out) < n; i++ {
		first := firstNames[r.IntN(len(firstNames))]
		last := lastNames[r.IntN(len(lastNames))]
		alias := strings.ToLower(first + "." + last)
		if seen[alias] {
			alias = fmt.Sprintf("%s%d", alias, i)
		}
		seen[alias] = true
		c := scenario.Contact{URI: "sip:" + alias + "@" + domain, Name: first + " " + last}
		if len(groups) > 0 {
			if k := i % (len(groups) + 1); k > 0 {
				c.Groups = []string{groups[k-1]}
			}
		}
		out = append(out, c)
	}
	return out
}

func normalizeSIP(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(strings.ToLower(s), "sip:") {
		return "sip:" + s
	}
	return "sip:" + s[4:]
}

func domainOf(sip string) string {
	if i := strings.LastIndex(sip, "@"); i >= 0 {
		return sip[i+1:]
	}
	return "litwareinc.com"
}

// Password is the EWS password the world gives a user (sip:alias@domain), or "" if any is accepted.
func (w *World) Password(sip string) string {
	return w.passwords[strings.ToLower(normalizeSIP(sip))]
}

// exchangeChanged forwards a mailbox change made outside the Lync Server (Outlook, a client over
// EWS) to the engine, which refreshes its mirror and notifies endpoints.
func (w *World) exchangeChanged(mailbox string, byServer bool) {
	if byServer || w.Engine == nil {
		return
	}
	w.Engine.ExchangeChanged("sip:" + mailbox)
}

// Close cancels the engine's jobs and stops every client and server of the world: nothing it
// started keeps running, and no socket stays open.
func (w *World) Close() {
	w.Sched.Stop()
	if w.Engine != nil {
		w.Engine.Close()
	}
	for _, ep := range w.endpoints {
		_ = ep.c.Close()
	}
	if w.FrontEnd != nil {
		_ = w.FrontEnd.Close()
	}
	if w.Exchange != nil {
		_ = w.Exchange.Close()
	}
	if w.httpc != nil {
		w.httpc.CloseIdleConnections()
	}
	if w.mem != nil {
		w.mem.Close()
	}
}

// endpointFor returns the user's endpoint of that name, creating its client if needed.
func (w *World) endpointFor(user, name string, kind engine.ClientKind) (*endpoint, error) {
	for _, ep := range w.endpoints {
		if ep.user == user && ep.name == name {
			if ep.kind == kind || ep.signedIn {
				return ep, nil
			}
			_ = ep.c.Close()
			c, err := w.newClient(user, name, kind)
			if err != nil {
				return nil, err
			}
			ep.c, ep.kind = c, kind
			return ep, nil
		}
	}
	c, err := w.newClient(user, name, kind)
	if err != nil {
		return nil, err
	}
	ep := &endpoint{user: user, name: name, kind: kind, c: c}
	w.endpoints = append(w.endpoints, ep)
	return ep, nil
}

func (w *World) newClient(user, name string, kind engine.ClientKind) (*client.Client, error) {
	var dial func(context.Context, string) (net.Conn, error)
	if w.mem != nil {
		dial = w.mem.Dial
	}
	return client.New(client.Config{
		Dial:       dial,
		User:       user,
		Kind:       kind,
		Endpoint:   name,
		Server:     w.FrontEnd.TCPAddr(),
		EWSBaseURL: w.EWSURL,
		EWSAccess:  w.insiders,
		Password:   w.passwords[strings.ToLower(user)],
		Counter:    w.Sched.Tracker(),
		Scheduler:  w.Sched,
		Clock:      w.Sched.Clock(),
		Logger:     w.logger,
	})
}

// SignedIn lists the user's signed-in endpoints, most recently signed in first (none for an
// unknown user).
func (w *World) SignedIn(user string) []EndpointView {
	sip, err := w.Engine.ResolveUser(user)
	if err != nil {
		return nil
	}
	var out []EndpointView
	for _, ep := range w.signedIn(sip) {
		out = append(out, ep.view())
	}
	return out
}

// signedIn returns the user's signed-in endpoints, most recently signed in first.
func (w *World) signedIn(user string) []*endpoint {
	var out []*endpoint
	for _, ep := range w.endpoints {
		if ep.user == user && ep.signedIn {
			out = append(out, ep)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].signInSeq > out[j].signInSeq })
	return out
}
