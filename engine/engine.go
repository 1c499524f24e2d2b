// Package engine is the Lync Server 2013 side of ucssim: user services policies, the Management
// Shell cmdlets, and the per-user unified contact store state machine (migration into an Exchange
// 2013 mailbox, rollback, the 7-day hold and re-migration).
//
// The engine is pure (docs/ARCHITECTURE.md D-1): it reads time only through Config.Clock, asks
// Config.Scheduler for future work and jobs, talks to Exchange only through the Exchange interface,
// and reports every decision as a typed Event. It holds no lock while it calls Exchange (rule 4):
// jobs snapshot under the lock, call Exchange without it and commit under it, re-checking what
// changed meanwhile. Events and notifications are queued under the lock and delivered, in order,
// after it is released.
//
// Using it: build an Engine with New (a *vclock.Scheduler is both Clock source and Scheduler),
// describe the world with CreatePolicy and AddUser, then drive it: SignIn/SignOut/Apply/
// ContactList/ExchangeChanged are what the SIP front end calls (none blocks on Exchange), and Run
// takes one Management Shell line exactly as an administrator types it, pipelines and variables
// included (a Session keeps the variables from line to line):
//
//	res, err := eng.Run(ctx, `Get-CsUser -Filter {RegistrarPool -eq "atl-cs-001.litwareinc.com"} | Grant-CsUserServicesPolicy -PolicyName Allow`, engine.RunOptions{})
//
// The cmdlets live in a registry (script.go): the product's (cmdlet_*.go) and the PowerShell ones
// administrators pipe into (cmdlet_util.go, help.go); their objects are pwsh.Objects, so that bulk
// operations over many users can reuse the same pipeline.
//
// Cmdlets that talk to Exchange (Invoke-CsUcsRollback, Test-CsUnifiedContactStore, Move-CsUser to
// a Lync Server 2010 pool) do so on the calling goroutine, which must hold one unit of quiescence
// and must not be the goroutine that moves virtual time (Exchange may park it on the clock).
// Package enginetest provides an in-memory Exchange with fault injection for tests.
package engine

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
)

// Documented defaults of MigrationConfig and Config.
const (
	DefaultPool            = "atl-cs-001.litwareinc.com"
	DefaultSite            = "Redmond"
	DefaultDuration        = 10 * time.Minute
	DefaultHold            = 168 * time.Hour
	DefaultDailyTask       = time.Hour
	DefaultBusyBackOff     = 30 * time.Second
	DefaultBusyRetries     = 5
	DefaultMaxLyncContacts = 1000
	MaxLyncGroups          = 64
	RemigrationTimer       = "timer"
	RemigrationNextSignIn  = "next-signin"
)

// Config is what a world gives its engine.
type Config struct {
	Clock       clock.Clock
	Scheduler   Scheduler
	Exchange    Exchange
	Rand        *rand.Rand // the world's one seeded source (jitter); nil: a fixed seed
	Pool        string     // default DefaultPool
	Site        string     // default DefaultSite
	LegacyPools []string   // Lync Server 2010 pools (Move-CsUser targets)
	Migration   MigrationConfig
	// MaxLyncContacts is the Lync contact cap of a user's list (default 1000).
	MaxLyncContacts int
	OnEvent         func(Event) // every trace event, in order, outside the engine lock
	Listener        Listener    // SIP notifications; may be set later with SetListener
}

// MigrationConfig holds the timing of migrations and rollbacks; zero fields take the defaults.
type MigrationConfig struct {
	Duration, PerContact, Jitter, Hold time.Duration // 10m, 0, 0, 168h
	Remigration                        string        // "timer" (default) | "next-signin"
	DailyTask                          time.Duration // offset from UTC midnight, default 1h
	BusyBackOff                        time.Duration // when ErrorServerBusy carries none (default 30s)
	BusyRetries                        int           // ErrorServerBusy retries inside one call (default 5; <0 none)
}

// Engine is one Lync Server 2013 pool's unified contact store logic.
type Engine struct {
	cfg   Config
	mig   MigrationConfig
	clock clock.Clock
	sched Scheduler
	ex    Exchange

	// root is the context of every job the engine starts (migrations, rollbacks, mirror
	// refreshes); Close cancels it, so no job outlives the engine.
	root context.Context
	stop context.CancelFunc

	mu       sync.Mutex
	rnd      *rand.Rand
	listener Listener
	policies map[string]*policy
	users    map[string]*user // by SIP address "sip:alias@domain"
	// names indexes users by lower-case display name and UPN, so adding and resolving a user
	// costs the same with 100,000 users as with ten.
	names  map[string][]*user
	outbox []delivery
	legacy map[string]bool

	qmu      sync.Mutex
	queue    []delivery
	draining bool
}

type delivery struct {
	event  *Event
	notify *Notification
}

// New checks cfg, fills the documented defaults, installs the global policy (UcsAllowed True) and
// schedules the daily migration task.
func New(cfg Config) (*Engine, error) {
	if cfg.Clock == nil {
		return nil, errors.New("engine: Config.Clock is required")
	}
	if cfg.Scheduler == nil {
		return nil, errors.New("engine: Config.Scheduler is required")
	}
	if cfg.Exchange == nil {
		return nil, errors.New("engine: Config.Exchange is required")
	}
	m := cfg.Migration
	if m.Duration < 0 || m.PerContact < 0 || m.Jitter < 0 || m.Hold < 0 || m.BusyBackOff < 0 {
		return nil, errors.New("engine: migration durations must not be negative")
	}
	if m.DailyTask < 0 || m.DailyTask >= 24*time.Hour {
		return nil, errors.New("engine: Migration.DailyTask must be a time of day in [0, 24h)")
	}
	if m.Duration == 0 {
		m.Duration = DefaultDuration
	}
	if m.Hold == 0 {
		m.Hold = DefaultHold
	}
	if m.DailyTask == 0 {
		m.DailyTask = DefaultDailyTask
	}
	if m.BusyBackOff == 0 {
		m.BusyBackOff = DefaultBusyBackOff
	}
	switch {
	case m.BusyRetries == 0:
		m.BusyRetries = DefaultBusyRetries
	case m.BusyRetries < 0:
		m.BusyRetries = 0
	}
	switch m.Remigration {
	case "":
		m.Remigration = RemigrationTimer
	case RemigrationTimer, RemigrationNextSignIn:
	default:
		return nil, errors.New(`engine: Migration.Remigration must be "timer" or "next-signin"`)
	}
	if cfg.Pool == "" {
		cfg.Pool = DefaultPool
	}
	if cfg.Site == "" {
		cfg.Site = DefaultSite
	}
	if cfg.MaxLyncContacts <= 0 {
		cfg.MaxLyncContacts = DefaultMaxLyncContacts
	}
	rnd := cfg.Rand
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(1, 2))
	}
	e := &Engine{
		cfg: cfg, mig: m, clock: cfg.Clock, sched: cfg.Scheduler, ex: cfg.Exchange,
		rnd: rnd, listener: cfg.Listener,
		policies: map[string]*policy{}, users: map[string]*user{}, names: map[string][]*user{}, legacy: map[string]bool{},
	}
	e.root, e.stop = context.WithCancel(context.Background())
	for _, p := range cfg.LegacyPools {
		e.legacy[lower(p)] = true
	}
	e.policies[globalKey] = &policy{scope: scopeGlobal, name: "Global", ucsAllowed: true}
	e.scheduleDailyTask()
	return e, nil
}

// Close cancels every job in flight or parked on the virtual clock (each returns without
// committing) and refuses to start new ones. The world calls it when it is torn down.
func (e *Engine) Close() {
	e.stop()
}

// SetListener sets the receiver of SIP notifications.
func (e *Engine) SetListener(l Listener) {
	e.mu.Lock()
	e.listener = l
	e.mu.Unlock()
}

func (e *Engine) now() time.Time { return e.clock.Now() }

// lock and unlock bracket every state change; unlock hands the outbox to the delivery queue.
func (e *Engine) lock() { e.mu.Lock() }

func (e *Engine) unlock() {
	batch := e.outbox
	e.outbox = nil
	l := e.listener
	if len(batch) > 0 {
		e.qmu.Lock()
		e.queue = append(e.queue, batch...)
		e.qmu.Unlock()
	}
	e.mu.Unlock()
	e.drain(l)
}

// drain delivers queued events and notifications in order. Only one goroutine drains at a time, so
// a callback that calls back into the engine only queues its own deliveries behind the current one.
func (e *Engine) drain(l Listener) {
	e.qmu.Lock()
	if e.draining {
		e.qmu.Unlock()
		return
	}
	e.draining = true
	for len(e.queue) > 0 {
		d := e.queue[0]
		e.queue = e.queue[1:]
		e.qmu.Unlock()
		switch {
		case d.event != nil && e.cfg.OnEvent != nil:
			e.cfg.OnEvent(*d.event)
		case d.notify != nil && l != nil:
			l.Notify(*d.notify)
		case d.notify != nil:
			d.notify.Report(errNoListener)
		}
		e.qmu.Lock()
	}
	e.draining = false
	e.qmu.Unlock()
}

// emitLocked queues a trace event stamped with the virtual time.
func (e *Engine) emitLocked(typ EventType, user string, details map[string]any) {
	e.outbox = append(e.outbox, delivery{event: &Event{Time: e.now(), Type: typ, User: user, Details: details}})
}

func (e *Engine) notifyLocked(n Notification) {
	e.outbox = append(e.outbox, delivery{notify: &n})
}
