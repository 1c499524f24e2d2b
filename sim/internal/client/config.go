package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

// Counter counts in-flight work for quiescence (*vclock.Tracker satisfies it).
type Counter interface {
	Begin(name string) (end func())
}

// Scheduler runs the client's refresh timers on virtual time (*vclock.Scheduler satisfies it).
type Scheduler interface {
	At(t time.Time, name string, fn func()) (cancel func())
}

// Mailbox is a Lync 2013 client's EWS access to its own mailbox (*ews.Client of mocks/ews
// satisfies it). mailbox is alias@domain.
type Mailbox interface {
	Autodiscover(ctx context.Context, email string) (ewsURL string, err error)
	GetImItemList(ctx context.Context, mailbox string) (engine.ImList, error)
	AddImGroup(ctx context.Context, mailbox, displayName string) (engine.ImGroup, error)
	AddNewImContactToGroup(ctx context.Context, mailbox, imAddress, displayName string, group engine.ItemID) (engine.ImContact, error)
	RemoveContactFromImList(ctx context.Context, mailbox string, contact engine.ItemID) error
}

// Config configures a simulated client.
type Config struct {
	User       string            // sip:alias@domain
	Kind       engine.ClientKind // lync2013, lync2010 or mobile
	Endpoint   string            // endpoint name, sent as the From epid; default the kind
	Server     string            // front end TCP address host:port
	EWSBaseURL string            // where POX autodiscover is posted (no DNS)
	Counter    Counter           // nil: nothing counted
	// Dial, when set, makes the connection to the front end (Server) instead of a TCP dial: the
	// in-process memory wire (`--wire memory`). Requests, answers and notifications then flow
	// over it through the same sipgo transport and parser.
	Dial func(ctx context.Context, addr string) (net.Conn, error)

	// Mailbox builds the EWS access of a Lync 2013 client. Nil: the EWS client of mocks/ews at
	// EWSBaseURL, with HTTP Basic as the user, on connections registered in EWSAccess: the
	// caller, or the client's re-read, holds one quiescence unit while it waits, which the
	// server knows from the connection, never from the request.
	Mailbox   func(baseURL, user string) Mailbox
	EWSAccess *ews.Insiders
	// EWSHTTP, when set, is the HTTP client the default Mailbox sends with, its transport's
	// connections registered in EWSAccess: a world's clients share one pool of kept-alive
	// connections instead of holding one each. Nil: a transport of the client's own.
	EWSHTTP *http.Client
	// Password is the user's EWS password ("" when the world gives none).
	Password string
	// Scheduler and Clock, when set, re-register 30 s before the registration expires and
	// refresh the roaming-contacts subscription 2 minutes before it expires, on virtual time.
	Scheduler Scheduler
	Clock     clock.Clock
	Logger    *slog.Logger
}

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,64}$`)

func (c *Config) check() error {
	var errs []error
	alias, domain, ok := strings.Cut(strings.TrimPrefix(c.User, "sip:"), "@")
	if !strings.HasPrefix(c.User, "sip:") || !ok || !tokenRE.MatchString(alias) || domain == "" || strings.ContainsAny(domain, " ;<>\"\r\n") {
		errs = append(errs, fmt.Errorf("client: User %q is not sip:alias@domain", c.User))
	}
	switch c.Kind {
	case engine.Lync2013, engine.Lync2010, engine.Mobile:
	default:
		errs = append(errs, fmt.Errorf("client: Kind %q is not lync2013, lync2010 or mobile", c.Kind))
	}
	if c.Endpoint == "" {
		c.Endpoint = string(c.Kind)
	}
	if !tokenRE.MatchString(c.Endpoint) {
		errs = append(errs, fmt.Errorf("client: Endpoint %q must be 1-64 letters, digits or ._~-", c.Endpoint))
	}
	if c.Server == "" {
		errs = append(errs, errors.New("client: Server (front end TCP address) is empty"))
	}
	if (c.Scheduler == nil) != (c.Clock == nil) {
		errs = append(errs, errors.New("client: Scheduler and Clock go together"))
	}
	if c.Counter == nil {
		c.Counter = noCounter{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return errors.Join(errs...)
}

type noCounter struct{}

func (noCounter) Begin(string) func() { return func() {} }
