package engine_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/sim/vclock"
)

// benchScheduler is vclock's next-event loop without clock.Mock.Set, which pauses 1 ms of real
// time per instant and would dominate what the benchmark measures: the engine's own cost.
type benchScheduler struct {
	mu  sync.Mutex
	now time.Time
	seq int
	q   []*benchEvent
	tr  *vclock.Tracker
}

type benchEvent struct {
	at       time.Time
	seq      int
	fn       func()
	canceled bool
}

// benchClock reads the scheduler's time; the embedded Mock only satisfies the interface.
type benchClock struct {
	*clock.Mock
	s *benchScheduler
}

func (c benchClock) Now() time.Time {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.now
}

func (s *benchScheduler) At(t time.Time, _ string, fn func()) func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.Before(s.now) {
		t = s.now
	}
	s.seq++
	ev := &benchEvent{at: t, seq: s.seq, fn: fn}
	i := sort.Search(len(s.q), func(i int) bool { return s.q[i].at.After(t) })
	s.q = append(s.q, nil)
	copy(s.q[i+1:], s.q[i:])
	s.q[i] = ev
	return func() { s.mu.Lock(); ev.canceled = true; s.mu.Unlock() }
}

func (s *benchScheduler) Go(name string, fn func()) {
	end := s.tr.Begin(name)
	go func() { defer end(); fn() }()
}

func (s *benchScheduler) Sleep(ctx context.Context, d time.Duration, held int) error {
	// The waking event must not run before Park has returned resume: it takes it from parked.
	wake := make(chan struct{})
	parked := make(chan func(), 1)
	var once sync.Once
	cancel := s.At(s.Now().Add(d), "sleep", func() { once.Do(func() { (<-parked)(); close(wake) }) })
	resume := s.tr.Park(held)
	parked <- resume
	select {
	case <-wake:
		return nil
	case <-ctx.Done():
		cancel()
		once.Do(func() { (<-parked)() })
		return ctx.Err()
	}
}

func (s *benchScheduler) Now() time.Time { return benchClock{s: s}.Now() }

func (s *benchScheduler) runUntil(t time.Time) error {
	for {
		if err := s.tr.WaitIdle(5 * time.Second); err != nil {
			return err
		}
		s.mu.Lock()
		if len(s.q) == 0 || s.q[0].at.After(t) {
			s.now = t
			s.mu.Unlock()
			return nil
		}
		ev := s.q[0]
		s.q = s.q[1:]
		s.now = ev.at
		s.mu.Unlock()
		if !ev.canceled {
			ev.fn()
		}
	}
}

// BenchmarkMigrateRollback: one user with 100 contacts migrated, rolled back, and re-migrated at
// the end of the hold, against the in-memory Exchange.
func BenchmarkMigrateRollback(b *testing.B) {
	contacts := make([]engine.ContactSpec, 100)
	for i := range contacts {
		contacts[i] = engine.ContactSpec{URI: fmt.Sprintf("sip:c%03d@fabrikam.com", i), Groups: []string{[]string{"", "Team", "Friends", "Favorites"}[i%4]}}
	}
	ctx := context.Background()
	for b.Loop() {
		s := &benchScheduler{now: vclock.DefaultStart, tr: vclock.NewTracker()}
		clk := benchClock{Mock: clock.NewMock(), s: s}
		ex := enginetest.New(enginetest.Config{Clock: clk, Sleeper: s})
		ex.AddMailbox(kenMbox, engine.MailboxExchange2013)
		eng, err := engine.New(engine.Config{Clock: clk, Scheduler: s, Exchange: ex})
		if err != nil {
			b.Fatal(err)
		}
		if err := eng.AddUser(engine.UserSpec{Name: "Ken Myer", SIP: kenSIP, Contacts: contacts}); err != nil {
			b.Fatal(err)
		}
		if _, err := eng.SignIn(kenSIP, "desktop", engine.Lync2013); err != nil {
			b.Fatal(err)
		}
		if err := s.runUntil(s.Now().Add(10 * time.Minute)); err != nil {
			b.Fatal(err)
		}
		eng.SignOut(kenSIP, "desktop")
		if _, err := eng.Run(ctx, "Invoke-CsUcsRollback 'Ken Myer' -Confirm:$False", engine.RunOptions{}); err != nil {
			b.Fatal(err)
		}
		if err := s.runUntil(s.Now().Add(7*24*time.Hour + 10*time.Minute)); err != nil {
			b.Fatal(err)
		}
		st, _ := eng.Status(kenSIP)
		if st.State != engine.Migrated || st.Attempts != 2 {
			b.Fatalf("after re-migration: state %s, attempts %d", st.State, st.Attempts)
		}
		if l, _, _ := ex.List(kenMbox); len(l.Contacts) != 100 {
			b.Fatalf("Exchange holds %d contacts, want 100", len(l.Contacts))
		}
	}
}
