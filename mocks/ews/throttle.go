package ews

import (
	"strings"
	"sync"
	"time"
)

// Throttling is the EWS throttling model (docs/PROTOCOLS.md "Throttling"): every caller has a
// budget per mailbox, in milliseconds of server time as Exchange 2013's throttling policies count
// it. The budget starts full at MaxBurst (EWSMaxBurst), recharges continuously on the virtual
// clock by RechargeRate per hour (EWSRechargeRate) up to MaxBurst, and each request spends Cost.
// A request that finds less than Cost left is answered ErrorServerBusy with BackOffMilliseconds:
// the time until Cost has recharged. The zero value is off.
//
// Budgets are per caller and mailbox, not per server: the Lync Server's calls act as the user
// whose mailbox they touch, and the engine's jobs for different users run at once, so a shared
// server budget would hand the busy answers out in the order the goroutines happen to arrive, and
// the same seed would no longer give the same trace (docs/ARCHITECTURE.md D-5).
type Throttling struct {
	MaxBurst     time.Duration
	RechargeRate time.Duration // per hour of virtual time
	Cost         time.Duration
}

// On reports whether throttling is configured.
func (t Throttling) On() bool { return t.Cost > 0 && t.RechargeRate > 0 }

// Documented Exchange 2013 defaults (docs/PROTOCOLS.md "Throttling" gives the sources), and the
// simulator's own cost of one request, which no document states.
const (
	DefaultEWSMaxBurst     = 300_000 * time.Millisecond
	DefaultEWSRechargeRate = 900_000 * time.Millisecond
	DefaultRequestCost     = 100 * time.Millisecond
)

type budget struct {
	balance time.Duration
	at      time.Time
}

type budgets struct {
	mu sync.Mutex
	m  map[string]*budget
}

// spend charges one request of caller on mailbox at now; it returns the back-off to answer with
// when the budget does not cover it.
func (b *budgets) spend(t Throttling, caller, mailbox string, now time.Time) (time.Duration, bool) {
	if !t.On() {
		return 0, true
	}
	key := strings.ToLower(caller) + "\x00" + strings.ToLower(mailbox)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string]*budget{}
	}
	bg := b.m[key]
	if bg == nil {
		bg = &budget{balance: t.MaxBurst, at: now}
		b.m[key] = bg
	}
	if elapsed := now.Sub(bg.at); elapsed > 0 {
		bg.balance = min(t.MaxBurst, bg.balance+time.Duration(float64(elapsed)/float64(time.Hour)*float64(t.RechargeRate)))
		bg.at = now
	}
	if bg.balance >= t.Cost {
		bg.balance -= t.Cost
		return 0, true
	}
	missing := t.Cost - bg.balance
	wait := time.Duration(float64(missing) / float64(t.RechargeRate) * float64(time.Hour))
	return max(wait.Round(time.Millisecond), time.Millisecond), false
}
