// Package vclock is ucssim's virtual time: a discrete-event scheduler that owns the queue of
// future work, ordered by (time, order scheduled), and moves the virtual clock once per distinct
// instant, only when the world is quiescent (see Tracker).
//
// Business timers never use clock timers (clock.Mock's AfterFunc runs callbacks on new goroutines
// and orders equal deadlines unstably; see reference/TOOLING-NOTES.md): they go through At, and
// the driver goroutine runs each callback inline, one at a time.
package vclock

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
)

// DefaultSettleLimit bounds the real time the driver waits for in-flight work to make progress.
// A 1000-contact migration is one long EWS exchange: under the race detector on a loaded 2-core
// machine it went 5 s without finishing a unit, so the bound leaves room for that; a real stall
// still fails, naming the unit in flight.
const DefaultSettleLimit = 15 * time.Second

// DefaultStart is the virtual start time of a world unless a scenario says otherwise.
var DefaultStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// Scheduler is the world's virtual-time driver. At, Go and Sleep may be called from any
// goroutine; Settle, Step, RunUntil, RunWhile and Advance only from the one driver goroutine.
type Scheduler struct {
	mu      sync.Mutex
	clock   *Clock
	queue   eventQueue
	seq     uint64
	tracker *Tracker
	// SettleLimit is the real-time bound of one settle; DefaultSettleLimit if zero.
	SettleLimit time.Duration
}

type event struct {
	at       time.Time
	seq      uint64
	name     string
	fn       func()
	index    int
	canceled bool
}

// New returns a scheduler whose clock reads start.
func New(start time.Time) *Scheduler {
	return &Scheduler{clock: newClock(start), tracker: NewTracker()}
}

// Clock is the virtual clock; engine code reads time only through it.
func (s *Scheduler) Clock() clock.Clock { return s.clock }

// Now is the current virtual time.
func (s *Scheduler) Now() time.Time { return s.clock.Now() }

// Tracker counts in-flight work for quiescence.
func (s *Scheduler) Tracker() *Tracker { return s.tracker }

// At schedules fn at virtual time t (now, if t is in the past). Callbacks due at the same instant
// run in the order they were scheduled. cancel is idempotent and safe after the event ran.
func (s *Scheduler) At(t time.Time, name string, fn func()) (cancel func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now := s.clock.Now(); t.Before(now) {
		t = now
	}
	s.seq++
	e := &event{at: t, seq: s.seq, name: name, fn: fn}
	heap.Push(&s.queue, e)
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !e.canceled && e.index >= 0 {
			heap.Remove(&s.queue, e.index)
		}
		e.canceled = true
	}
}

// After schedules fn d after the current virtual time.
func (s *Scheduler) After(d time.Duration, name string, fn func()) (cancel func()) {
	return s.At(s.Now().Add(d), name, fn)
}

// Go runs fn on a new goroutine counted as one unit of work until it returns. It starts once the
// world is otherwise idle, after every job asked for before it has ended or parked (Tracker.Queue):
// jobs due at one instant change the world in the order they were asked for. A settle that
// follows Go waits for fn.
func (s *Scheduler) Go(name string, fn func()) {
	s.tracker.Queue(name, fn)
}

// Stop drops the jobs not started yet and refuses new ones (the world is being closed).
func (s *Scheduler) Stop() {
	s.tracker.Stop()
}

// Sleep parks the calling goroutine, which holds `held` units of work (usually 1), for d of
// virtual time. It returns early with ctx's error if ctx ends first.
func (s *Scheduler) Sleep(ctx context.Context, d time.Duration, held int) error {
	if d <= 0 {
		return ctx.Err()
	}
	wake := make(chan struct{})
	var (
		mu     sync.Mutex // orders the assignment of resume before the wake-up reads it
		resume func()
		once   sync.Once
	)
	wakeUp := func() {
		mu.Lock()
		r := resume
		mu.Unlock()
		r()
	}
	mu.Lock()
	cancel := s.After(d, "sleep", func() {
		once.Do(func() {
			wakeUp()
			close(wake)
		})
	})
	resume = s.tracker.Park(held)
	mu.Unlock()
	select {
	case <-wake:
		return nil
	case <-ctx.Done():
		cancel()
		once.Do(wakeUp)
		return ctx.Err()
	}
}

// Pending is the number of scheduled events.
func (s *Scheduler) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queue.Len()
}

// NextAt is the time of the next scheduled event.
func (s *Scheduler) NextAt() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.queue.Len() == 0 {
		return time.Time{}, false
	}
	return s.queue[0].at, true
}

// Settle waits until the world is quiescent.
func (s *Scheduler) Settle() error {
	limit := s.SettleLimit
	if limit == 0 {
		limit = DefaultSettleLimit
	}
	return s.tracker.WaitIdle(limit)
}

// ErrNoEvents is returned by Step when nothing is scheduled.
var ErrNoEvents = errors.New("no scheduled events")

// Step settles, then runs the next event due at or before limit (moving the clock to it) and
// settles again. It reports whether an event ran.
func (s *Scheduler) Step(limit time.Time) (bool, error) {
	if err := s.Settle(); err != nil {
		return false, err
	}
	s.mu.Lock()
	if s.queue.Len() == 0 || s.queue[0].at.After(limit) {
		s.mu.Unlock()
		return false, nil
	}
	e := heap.Pop(&s.queue).(*event)
	s.mu.Unlock()
	if e.at.After(s.clock.Now()) {
		s.clock.set(e.at)
	}
	// The event is work in flight too: a job it asks for starts after it, not beside it.
	end := s.tracker.Begin("event")
	err := s.run(e)
	end()
	if err != nil {
		return true, err
	}
	return true, s.Settle()
}

func (s *Scheduler) run(e *event) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("virtual event %q at %s panicked: %v", e.name, e.at.Format(time.RFC3339), r)
		}
	}()
	e.fn()
	return nil
}

// RunUntil fires everything due up to and including t, in order, then leaves the clock at t.
// Moving backwards is an error.
func (s *Scheduler) RunUntil(t time.Time) error {
	_, err := s.RunWhile(t, nil)
	return err
}

// RunWhile fires events due up to and including t. After settling at the start and after each
// event it calls stop (if not nil); when stop returns true it returns early with stopped=true and
// the clock at that instant. Otherwise the clock ends at t.
func (s *Scheduler) RunWhile(t time.Time, stop func() bool) (stopped bool, err error) {
	return s.RunWhileContext(context.Background(), t, stop)
}

// RunWhileContext is RunWhile that also checks ctx before each event: when ctx ends (Ctrl-C
// during a long wait) it returns ctx's error at once, the clock at the last event run.
func (s *Scheduler) RunWhileContext(ctx context.Context, t time.Time, stop func() bool) (stopped bool, err error) {
	if t.Before(s.Now()) {
		return false, fmt.Errorf("cannot move the clock back from %s to %s", s.Now().Format(time.RFC3339), t.Format(time.RFC3339))
	}
	if err := s.Settle(); err != nil {
		return false, err
	}
	if stop != nil && stop() {
		return true, nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		ran, err := s.Step(t)
		if err != nil {
			return false, err
		}
		if !ran {
			break
		}
		if stop != nil && stop() {
			return true, nil
		}
	}
	if t.After(s.Now()) {
		s.clock.set(t)
	}
	return false, s.Settle()
}

// Advance is RunUntil(now + d).
func (s *Scheduler) Advance(d time.Duration) error {
	return s.RunUntil(s.Now().Add(d))
}

// RunUntilContext is RunUntil that stops early with ctx's error when ctx ends.
func (s *Scheduler) RunUntilContext(ctx context.Context, t time.Time) error {
	_, err := s.RunWhileContext(ctx, t, nil)
	return err
}

type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index = i
	q[j].index = j
}
func (q *eventQueue) Push(x any) {
	e := x.(*event)
	e.index = len(*q)
	*q = append(*q, e)
}
func (q *eventQueue) Pop() any {
	old := *q
	n := len(old)
	e := old[n-1]
	old[n-1] = nil
	e.index = -1
	*q = old[:n-1]
	return e
}
