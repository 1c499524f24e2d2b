package frontend

import (
	"errors"
	"log/slog"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim/internal/lyncwire"
)

// Engine is what the front end needs of the engine; *engine.Engine satisfies it. None of these
// blocks on Exchange.
type Engine interface {
	ResolveUser(identity string) (sip string, err error)
	SignIn(user, endpoint string, kind engine.ClientKind) (engine.View, error)
	SignOut(user, endpoint string)
	ContactList(user string) (engine.ContactList, error)
	Apply(user, endpoint string, op engine.Op) (engine.OpResult, error)
}

// Counter counts in-flight work for the world's quiescence (*vclock.Tracker satisfies it).
type Counter interface {
	Begin(name string) (end func())
}

// Scheduler runs business timers on virtual time (*vclock.Scheduler satisfies it).
type Scheduler interface {
	At(t time.Time, name string, fn func()) (cancel func())
}

// Defaults of Config (docs/PROTOCOLS.md 1.2, 1.3).
const (
	DefaultRegisterExpiry   = 3600 * time.Second
	DefaultSubscribeExpiry  = 28800 * time.Second
	DefaultMaxMessageLength = lyncwire.MaxMessageLength
	DefaultPool             = "atl-cs-001.litwareinc.com"
	// DefaultIdleTimeout is how long a TCP connection without a registered endpoint may stay
	// silent (wall time) before the front end closes it.
	DefaultIdleTimeout = 30 * time.Second
	// MaxEpidLength bounds the From epid of a request (Lync sends 10 hex digits); longer ones get 400.
	MaxEpidLength = 128
)

// Config configures a Server.
type Config struct {
	Engine    Engine
	Counter   Counter // nil: nothing is counted
	Scheduler Scheduler
	Clock     clock.Clock
	Pool      string // FQDN of the pool; also accepted as the REGISTER Request-URI host
	Logger    *slog.Logger

	// NotifyHold bounds, in wall time, how long a notification not yet answered holds virtual time
	// from the moment it is queued, whether it waits for its own answer or behind an unanswered
	// NOTIFY of the same subscription (`ucssim serve`, where subscribers may be outside clients that
	// never answer: docs/ARCHITECTURE.md D-8). Past it the clock may move again and a notify.timeout
	// event is recorded; the NOTIFY itself still waits for its answer until sipgo's transaction
	// timeout. Zero: held until answered (simulated clients always answer).
	NotifyHold time.Duration
	// OnEvent records what happened on the wire that the world's trace must show
	// (notify.timeout, notify.failed); nil: nothing.
	OnEvent func(engine.Event)
	// IdleTimeout closes a TCP connection over which no endpoint is registered once nothing
	// has arrived on it for that long (wall time); DefaultIdleTimeout if zero, negative: never.
	IdleTimeout time.Duration

	RegisterExpiry   time.Duration // granted at most; DefaultRegisterExpiry if zero
	SubscribeExpiry  time.Duration // granted at most; DefaultSubscribeExpiry if zero
	MaxMessageLength int           // SIP parser limit; DefaultMaxMessageLength if zero
}

func (c *Config) defaults() error {
	var errs []error
	if c.Engine == nil {
		errs = append(errs, errors.New("frontend: Config.Engine is nil"))
	}
	if c.Scheduler == nil {
		errs = append(errs, errors.New("frontend: Config.Scheduler is nil"))
	}
	if c.Clock == nil {
		errs = append(errs, errors.New("frontend: Config.Clock is nil"))
	}
	if c.RegisterExpiry < 0 || c.SubscribeExpiry < 0 || c.MaxMessageLength < 0 {
		errs = append(errs, errors.New("frontend: negative expiry or message length"))
	}
	if c.Counter == nil {
		c.Counter = noCounter{}
	}
	if c.Pool == "" {
		c.Pool = DefaultPool
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.RegisterExpiry == 0 {
		c.RegisterExpiry = DefaultRegisterExpiry
	}
	if c.SubscribeExpiry == 0 {
		c.SubscribeExpiry = DefaultSubscribeExpiry
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxMessageLength == 0 {
		c.MaxMessageLength = DefaultMaxMessageLength
	}
	return errors.Join(errs...)
}

type noCounter struct{}

func (noCounter) Begin(string) func() { return func() {} }
