package vclock

import (
	"context"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
)

// Clock is the world's virtual clock as a clock.Clock: it reads the instant the scheduler is at.
// Only the driver moves it (Scheduler.Step and RunWhile), once per distinct instant, so reading
// it is all the rest of ucssim does.
//
// It is not a *clock.Mock: Mock.Set pauses 1 ms of real time on every move (to let its own timer
// goroutines run), which made a week with hourly registration refreshes cost ~0.2 s. ucssim has
// no such goroutines: business timers go through Scheduler.At, so the timer methods here refuse
// to be used rather than silently never firing.
type Clock struct {
	mu  sync.RWMutex
	now time.Time
}

var _ clock.Clock = (*Clock)(nil)

func newClock(start time.Time) *Clock { return &Clock{now: start} }

// Now is the current virtual time.
func (c *Clock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.now
}

func (c *Clock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Since is the virtual time elapsed since t.
func (c *Clock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

// Until is the virtual time left until t.
func (c *Clock) Until(t time.Time) time.Duration { return t.Sub(c.Now()) }

const noTimers = "vclock: virtual timers go through Scheduler.At/After/Sleep, not clock.Clock's timer methods"

// After is not supported on the virtual clock: use Scheduler.After.
func (c *Clock) After(time.Duration) <-chan time.Time { panic(noTimers) }

// AfterFunc is not supported on the virtual clock: use Scheduler.After.
func (c *Clock) AfterFunc(time.Duration, func()) *clock.Timer { panic(noTimers) }

// Sleep is not supported on the virtual clock: use Scheduler.Sleep.
func (c *Clock) Sleep(time.Duration) { panic(noTimers) }

// Tick is not supported on the virtual clock: re-arm Scheduler.After instead.
func (c *Clock) Tick(time.Duration) <-chan time.Time { panic(noTimers) }

// Ticker is not supported on the virtual clock: re-arm Scheduler.After instead.
func (c *Clock) Ticker(time.Duration) *clock.Ticker { panic(noTimers) }

// Timer is not supported on the virtual clock: use Scheduler.After.
func (c *Clock) Timer(time.Duration) *clock.Timer { panic(noTimers) }

// WithDeadline is not supported on the virtual clock: cancel work from a Scheduler.At event.
func (c *Clock) WithDeadline(context.Context, time.Time) (context.Context, context.CancelFunc) {
	panic(noTimers)
}

// WithTimeout is not supported on the virtual clock: cancel work from a Scheduler.After event.
func (c *Clock) WithTimeout(context.Context, time.Duration) (context.Context, context.CancelFunc) {
	panic(noTimers)
}
