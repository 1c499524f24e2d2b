package sim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
	"github.com/ucssim/ucssim/sim/scenario"
)

// Populations (docs/SCENARIO-FORMAT.md "Populations"): the loader expands a population's names and
// SIP addresses; the world draws each user's contact count and mixes from its one seeded source
// (D-5) when it is built, user by user in file order, so that the same file and seed give the
// same users and `--seed` gives others.

// member is what the world drew for a user of a population.
type member struct {
	client engine.ClientKind
}

// drawMember draws the mixes and the contact count of a population's user into u and spec.
func (w *World) drawMember(u *scenario.User, spec *engine.UserSpec) {
	p := w.Spec.Populations[u.Population-1]
	m := member{client: engine.Lync2013}
	if v := draw(w.Rand, p.Clients); v != "" {
		m.client = engine.ClientKind(v)
	}
	if v := draw(w.Rand, p.Mailboxes); v != "" {
		u.Mailbox = engine.MailboxKind(v)
	}
	if len(p.Policies) > 0 {
		u.Policy = draw(w.Rand, p.Policies)
	}
	spec.Site = draw(w.Rand, p.Sites)
	spec.Pool = draw(w.Rand, p.Pools)
	u.Generated = drawCount(w.Rand, p.Contacts)
	if w.members == nil {
		w.members = map[string]member{}
	}
	w.members[strings.ToLower(u.SIP)] = m
}

// draw picks a value of a mix in proportion to its weight; it draws nothing from r when the mix
// has fewer than two values ("" for an empty mix).
func draw(r *rand.Rand, mix []scenario.Weighted) string {
	switch len(mix) {
	case 0:
		return ""
	case 1:
		return mix[0].Value
	}
	return byWeight(r, mix, func(m scenario.Weighted) int { return m.Weight }).Value
}

// byWeight picks one of several items by weight with one draw from r.
func byWeight[T any](r *rand.Rand, items []T, weight func(T) int) T {
	total := 0
	for _, it := range items {
		total += weight(it)
	}
	k := r.IntN(total)
	for _, it := range items {
		if k < weight(it) {
			return it
		}
		k -= weight(it)
	}
	return items[len(items)-1]
}

// drawCount draws a contact count: a bucket by weight, then uniformly within it.
func drawCount(r *rand.Rand, buckets []scenario.Bucket) int {
	if len(buckets) == 0 {
		return 0
	}
	b := buckets[0]
	if len(buckets) > 1 {
		b = byWeight(r, buckets, func(x scenario.Bucket) int { return x.Weight })
	}
	if b.Max > b.Min {
		return b.Min + r.IntN(b.Max-b.Min+1)
	}
	return b.Min
}

// ClientOf is the client a user signs in with in a signInWave: what the world drew from its
// population's clients mix, Lync 2013 for a listed user.
func (w *World) ClientOf(sip string) engine.ClientKind {
	if m, ok := w.members[strings.ToLower(normalizeSIP(sip))]; ok {
		return m.client
	}
	return engine.Lync2013
}

// Members lists the SIP addresses of a population's users, in number order (nil for an unknown
// population).
func (w *World) Members(population string) []string {
	_, i := w.Spec.PopulationNamed(population)
	if i == 0 {
		return nil
	}
	return w.Spec.Members(i)
}

// SignInWave signs in the users of a population that are not signed in yet (endpoint desktop, the
// client drawn from its mix), each at an instant drawn uniformly from the world's seed within
// wave.Over from now, until wave.Share of the population is signed in; the clock ends at the end
// of the window. It returns how many signed in. A sign-in that fails ends the wave with its error.
func (w *World) SignInWave(ctx context.Context, wave scenario.Wave) (int, error) {
	members := w.Members(wave.Population)
	if members == nil {
		return 0, fmt.Errorf("unknown population %q", wave.Population)
	}
	on := map[string]bool{}
	for _, ep := range w.endpoints {
		if ep.signedIn && ep.name == "desktop" {
			on[strings.ToLower(ep.user)] = true
		}
	}
	var waiting []string
	for _, sip := range members {
		if !on[strings.ToLower(sip)] {
			waiting = append(waiting, sip)
		}
	}
	n := wave.Share.Of(len(members)) - (len(members) - len(waiting))
	n = max(0, min(n, len(waiting)))
	w.Rand.Shuffle(len(waiting), func(i, j int) { waiting[i], waiting[j] = waiting[j], waiting[i] })
	type signIn struct {
		sip string
		at  time.Duration
		k   int
	}
	plan := make([]signIn, n)
	for k := range plan {
		plan[k] = signIn{sip: waiting[k], at: drawOffset(w.Rand, wave.Over), k: k}
	}
	sort.Slice(plan, func(i, j int) bool {
		if plan[i].at != plan[j].at {
			return plan[i].at < plan[j].at
		}
		return plan[i].k < plan[j].k
	})
	start := w.Sched.Now()
	for i, s := range plan {
		if err := w.Sched.RunUntilContext(ctx, start.Add(s.at)); err != nil {
			return i, err
		}
		if err := w.SignIn(ctx, s.sip, "desktop", w.ClientOf(s.sip)); err != nil {
			return i, fmt.Errorf("%s (sign-in %d of %d of the wave): %w", w.display(s.sip), i+1, n, err)
		}
	}
	return n, w.Sched.RunUntilContext(ctx, start.Add(wave.Over))
}

// drawOffset draws an instant in [0, over): whole seconds when the window is a second or longer.
func drawOffset(r *rand.Rand, over time.Duration) time.Duration {
	if over >= time.Second {
		return time.Duration(r.Int64N(int64(over/time.Second))) * time.Second
	}
	return time.Duration(r.Int64N(int64(over)))
}

// ExchangeRequest is one request the EWS mock answered, for reports: when it arrived (virtual
// time) and the result it was journalled with ("NoError", an EWS response code, "HTTP 503", ...).
type ExchangeRequest struct {
	At     time.Time
	Result string
}

// journalSize is the EWS journal bound of a world: every request when keep (WorldOptions.KeepRequests),
// else the mock's default.
func journalSize(keep bool) int {
	if keep {
		return math.MaxInt
	}
	return 0
}

// ExchangeRequests lists the requests Exchange has answered so far, in the order they completed:
// all of them with WorldOptions.KeepRequests, else the most recent ews.DefaultJournalSize.
func (w *World) ExchangeRequests() []ExchangeRequest {
	j := w.Exchange.Journal()
	out := make([]ExchangeRequest, len(j))
	for i, e := range j {
		out[i] = ExchangeRequest{At: e.Time, Result: e.Result}
	}
	return out
}

// throttlingOf is the EWS mock's throttling for world.exchange.throttling (off when not given).
func throttlingOf(t scenario.Throttling) ews.Throttling {
	if !t.On {
		return ews.Throttling{}
	}
	return ews.Throttling{MaxBurst: t.MaxBurst, RechargeRate: t.RechargeRate, Cost: t.Cost}
}
