package vclock

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Tracker counts the work in flight in a world: SIP transactions, HTTP requests, engine jobs,
// scenario steps. The world is quiescent when nothing is counted, or everything counted is parked
// on a virtual timer. Virtual time moves only then (docs/ARCHITECTURE.md D-3).
//
// Convention: a goroutine chain holds one unit. An in-process caller that blocks on a tracked
// server (an engine job calling the EWS mock, a scenario step driving a client) keeps its one unit
// for the whole call; a server that parks such a request on a virtual timer releases its own unit
// and the caller's (Park(2)).
//
// Jobs (Queue) do not start when asked: each waits until nothing else is in flight, and they start
// one at a time in the order queued, each running until it ends or parks on the clock. So work
// that becomes due at one virtual instant (the daily task retrying every failed user, two jobs
// woken together) changes the world in an order fixed by the seed and the scenario, never by which
// goroutine or socket answers first (docs/ARCHITECTURE.md D-3, D-5).
type Tracker struct {
	mu      sync.Mutex
	changed *sync.Cond
	busy    int
	byName  map[string]int
	changes uint64 // every Begin, end, Park, resume and job start: progress, as WaitIdle sees it
	pending []job  // queued jobs not started yet, in the order queued
	stopped bool   // Stop was called: queued jobs are dropped
}

type job struct {
	name string
	fn   func()
}

// NewTracker returns an idle tracker.
func NewTracker() *Tracker {
	t := &Tracker{byName: map[string]int{}}
	t.changed = sync.NewCond(&t.mu)
	return t
}

// Begin counts one unit of work under name until the returned end is called (end is idempotent).
func (t *Tracker) Begin(name string) (end func()) {
	t.add(name, 1)
	var once sync.Once
	return func() { once.Do(func() { t.add(name, -1) }) }
}

// Park releases n units while the caller waits for virtual time; resume takes them back. Resume
// must be called before the virtual event that wakes the caller returns, so the scheduler sees the
// woken work when it settles.
func (t *Tracker) Park(n int) (resume func()) {
	t.add("parked", -n)
	var once sync.Once
	return func() { once.Do(func() { t.add("parked", n) }) }
}

// Queue counts fn as work to do and runs it on a new goroutine, as one unit, once nothing else is
// in flight and every job queued before it has ended or parked. A settle that follows waits for it.
func (t *Tracker) Queue(name string, fn func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	t.pending = append(t.pending, job{name: name, fn: fn})
	t.changes++
}

// Stop drops the jobs not started yet and refuses new ones: the world is being torn down.
func (t *Tracker) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	t.pending = nil
	if t.busy <= 0 {
		t.changed.Broadcast()
	}
}

func (t *Tracker) add(name string, n int) {
	t.mu.Lock()
	t.addLocked(name, n)
	t.startNextLocked()
	if t.busy <= 0 {
		t.changed.Broadcast()
	}
	t.mu.Unlock()
}

func (t *Tracker) addLocked(name string, n int) {
	t.busy += n
	t.changes++
	t.byName[name] += n
	if t.byName[name] == 0 {
		delete(t.byName, name)
	}
}

// startNextLocked starts the first queued job when nothing is in flight.
func (t *Tracker) startNextLocked() {
	if t.busy > 0 || len(t.pending) == 0 {
		return
	}
	j := t.pending[0]
	t.pending[0] = job{}
	t.pending = t.pending[1:]
	t.addLocked(j.name, 1)
	go func() {
		defer t.add(j.name, -1)
		j.fn()
	}()
}

// Busy reports the number of units in flight, counting queued jobs not started yet.
func (t *Tracker) Busy() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.busy + len(t.pending)
}

// StallHook, when set (once, before any world starts), is called as a settle gives up, while the
// stuck work is still stuck: ucssim sets it from UCSSIM_STALL_DUMP to write every goroutine's
// stack, which shows what the in-flight counters wait for.
var StallHook func(*ErrNotQuiescent)

// ErrNotQuiescent is returned when in-flight work made no progress within the real-time limit.
type ErrNotQuiescent struct {
	Limit    time.Duration
	Counters string
}

func (e *ErrNotQuiescent) Error() string {
	return fmt.Sprintf("world did not settle: no progress for %s of real time; in flight: %s", e.Limit, e.Counters)
}

// WaitIdle blocks until nothing is in flight, or fails when nothing has started or finished for
// limit of real time (a hung socket, a lost answer). Work that keeps making progress, such as a
// 1,000-contact migration under the race detector, may take longer than limit in all. This bounded
// real-time wait is the only wall-clock wait in ucssim: it guards against hangs, it never paces
// the simulation.
func (t *Tracker) WaitIdle(limit time.Duration) error {
	err := t.waitIdle(limit)
	if nq, ok := err.(*ErrNotQuiescent); ok && StallHook != nil {
		StallHook(nq)
	}
	return err
}

func (t *Tracker) waitIdle(limit time.Duration) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.startNextLocked()
	if t.busy <= 0 {
		return nil
	}
	var (
		timedOut bool
		timer    *time.Timer
	)
	arm := func() {
		timer = time.AfterFunc(limit, func() {
			t.mu.Lock()
			timedOut = true
			t.changed.Broadcast()
			t.mu.Unlock()
		})
	}
	arm()
	defer func() { timer.Stop() }()
	seen := t.changes
	for t.busy > 0 {
		if timedOut {
			if t.changes == seen {
				return &ErrNotQuiescent{Limit: limit, Counters: t.countersLocked()}
			}
			seen, timedOut = t.changes, false
			arm()
		}
		t.changed.Wait()
	}
	return nil
}

func (t *Tracker) countersLocked() string {
	names := make([]string, 0, len(t.byName))
	for n := range t.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s=%d", n, t.byName[n]))
	}
	return strings.Join(parts, " ")
}
