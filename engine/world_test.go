package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/sim/vclock"
)

// world is an engine under a virtual clock with the in-memory Exchange, driven step by step.
type world struct {
	sched *vclock.Scheduler
	ex    *enginetest.Exchange
	eng   *engine.Engine
	start time.Time

	mu     sync.Mutex
	events []engine.Event
	notes  []engine.Notification
	// lose, when set, says why a notification does not reach its endpoint (nil: it does); every
	// notification's fate is reported to the engine as the front end does.
	lose func(engine.Notification) error
	// holdReports keeps the fate of every notification unreported, in held, until a spec
	// reports it itself.
	holdReports bool
	held        []engine.Notification
}

type option func(*engine.Config)

func withMigration(m engine.MigrationConfig) option {
	return func(c *engine.Config) { c.Migration = m }
}

func newWorld(seed uint64, opts ...option) *world {
	w := &world{sched: vclock.New(vclock.DefaultStart), start: vclock.DefaultStart}
	w.ex = enginetest.New(enginetest.Config{Clock: w.sched.Clock(), Sleeper: w.sched})
	cfg := engine.Config{
		Clock: w.sched.Clock(), Scheduler: w.sched, Exchange: w.ex,
		Rand:        rand.New(rand.NewPCG(seed, seed^0x5eed)),
		LegacyPools: []string{"lync2010.litwareinc.com"},
		OnEvent: func(ev engine.Event) {
			w.mu.Lock()
			w.events = append(w.events, ev)
			w.mu.Unlock()
		},
	}
	for _, o := range opts {
		o(&cfg)
	}
	eng, err := engine.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	w.eng = eng
	eng.SetListener(listenerFunc(func(n engine.Notification) {
		w.mu.Lock()
		w.notes = append(w.notes, n)
		lose := w.lose
		if w.holdReports {
			w.held = append(w.held, n)
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
		var err error
		if lose != nil {
			err = lose(n)
		}
		n.Report(err)
	}))
	return w
}

type listenerFunc func(engine.Notification)

func (f listenerFunc) Notify(n engine.Notification) { f(n) }

// addUser adds a user with n generated contacts and an Exchange mailbox of the spec's kind.
func (w *world) addUser(spec engine.UserSpec, n int) {
	for i := 0; i < n; i++ {
		spec.Contacts = append(spec.Contacts, engine.ContactSpec{
			URI: fmt.Sprintf("sip:contact%03d@fabrikam.com", i), Name: fmt.Sprintf("Contact %d", i),
			Groups: []string{[]string{"", "Team", "Friends"}[i%3]},
		})
	}
	kind := spec.Mailbox
	if kind == "" {
		kind = engine.MailboxExchange2013
	}
	w.ex.AddMailbox(spec.SIP[len("sip:"):], kind)
	Expect(w.eng.AddUser(spec)).To(Succeed())
}

// kensWorld is a world of seed 1 where Ken Myer has that many contacts in Lync.
func kensWorld(contacts int, opts ...option) *world {
	w := newWorld(1, opts...)
	w.addUser(kenSpec(), contacts)
	return w
}

func kenSpec() engine.UserSpec {
	return engine.UserSpec{Name: "Ken Myer", SIP: "sip:kenmyer@litwareinc.com"}
}

// step runs fn as a scenario step does: on its own goroutine holding one unit of quiescence,
// while this (driver) goroutine moves virtual time as the step needs it.
func (w *world) step(fn func()) {
	end := w.sched.Tracker().Begin("step")
	done := make(chan struct{})
	go func() {
		defer end()
		defer close(done)
		fn()
	}()
	stopped, err := w.sched.RunWhile(w.sched.Now().Add(48*time.Hour), func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	})
	Expect(err).NotTo(HaveOccurred())
	Expect(stopped).To(BeTrue(), "the step did not finish within 48h of virtual time")
}

func (w *world) run(line string) (*engine.Result, error) {
	var res *engine.Result
	var err error
	w.step(func() { res, err = w.eng.Run(context.Background(), line, engine.RunOptions{}) })
	return res, err
}

func (w *world) mustRun(line string) *engine.Result {
	res, err := w.run(line)
	Expect(err).NotTo(HaveOccurred(), line)
	return res
}

func (w *world) signIn(user, ep string, kind engine.ClientKind) engine.View {
	v, err := w.eng.SignIn(user, ep, kind)
	Expect(err).NotTo(HaveOccurred())
	Expect(w.sched.Settle()).To(Succeed())
	return v
}

func (w *world) signOut(user, ep string) {
	w.eng.SignOut(user, ep)
	Expect(w.sched.Settle()).To(Succeed())
}

func (w *world) advance(d time.Duration) {
	Expect(w.sched.Advance(d)).To(Succeed())
}

func (w *world) until(t time.Time) {
	Expect(w.sched.RunUntil(t)).To(Succeed())
}

func (w *world) status(user string) engine.UserStatus {
	st, err := w.eng.Status(user)
	Expect(err).NotTo(HaveOccurred())
	return st
}

// count is the number of trace events of a type (for a user, if not "").
func (w *world) count(typ engine.EventType, user string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, ev := range w.events {
		if ev.Type == typ && (user == "" || ev.User == user) {
			n++
		}
	}
	return n
}

func (w *world) lastEvent(typ engine.EventType) engine.Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := len(w.events) - 1; i >= 0; i-- {
		if w.events[i].Type == typ {
			return w.events[i]
		}
	}
	return engine.Event{}
}

func (w *world) notifications(endpoint string) []engine.Notification {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []engine.Notification
	for _, n := range w.notes {
		if n.Endpoint == endpoint {
			out = append(out, n)
		}
	}
	return out
}

// edit applies one contact write of an endpoint, as its SERVICE request does, and expects it to
// succeed.
func (w *world) edit(user, ep string, kind engine.OpKind, uri string) {
	_, err := w.eng.Apply(user, ep, engine.Op{Kind: kind, Contact: engine.Contact{URI: uri}})
	Expect(err).NotTo(HaveOccurred())
}

// exchangeURIs lists the contacts of a mailbox's IM list.
func (w *world) exchangeURIs(smtp string) []string {
	l, _, err := w.ex.List(smtp)
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, c := range l.Contacts {
		out = append(out, c.IMAddress)
	}
	return out
}

func (w *world) lyncURIs(user string) []string {
	cs, err := w.eng.LyncContacts(user)
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, c := range cs {
		out = append(out, c.URI)
	}
	return out
}

// migrate signs the user in with Lync 2013 and lets the migration complete.
func (w *world) migrate(user string) {
	w.signIn(user, "desktop", engine.Lync2013)
	w.advance(15 * time.Minute)
	Expect(w.status(user).State).To(Equal(engine.Migrated))
}

const kenSIP = "sip:kenmyer@litwareinc.com"
const kenMbox = "kenmyer@litwareinc.com"

// field is the value of a field of the first record of a result.
func field(res *engine.Result, name string) string {
	ExpectWithOffset(1, res.Records).NotTo(BeEmpty())
	v, ok := res.Records[0].Get(name)
	ExpectWithOffset(1, ok).To(BeTrue(), "no field %q in %v", name, res.Records[0])
	return v
}

func ctx() context.Context { return context.Background() }
