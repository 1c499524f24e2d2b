package timeline

import (
	"math"
	"sort"
	"time"
)

// Axis maps virtual instants to x positions. Busy minutes get room and long idle stretches are
// compressed: a gap of g between two instants where something happens is drawn
// 10 + 28·√(minutes) px wide up to CompressAfter, and logarithmically beyond, marked as a break.
type Axis struct {
	instants []time.Time
	xs       []float64
	Breaks   []Break
	Width    float64
}

// Break is a compressed idle stretch.
type Break struct {
	From, To   time.Time
	X1, X2     float64
	Compressed time.Duration
}

// CompressAfter is the idle stretch from which the axis compresses.
const CompressAfter = 2 * time.Hour

func gapWidth(g time.Duration) (w float64, compressed bool) {
	if g <= 0 {
		return 0, false
	}
	lin := func(g time.Duration) float64 { return 10 + 28*math.Sqrt(g.Minutes()) }
	if g <= CompressAfter {
		return lin(g), false
	}
	return lin(CompressAfter) + 32*math.Log2(float64(g)/float64(CompressAfter)), true
}

// NewAxis builds the axis over the instants of the timeline: its start and end, every event,
// every step's beginning and end, and the planned ends of spans.
func NewAxis(t *Timeline) *Axis {
	set := map[int64]time.Time{}
	add := func(x time.Time) {
		if x.IsZero() || x.Before(t.Start) || x.After(t.End) {
			return
		}
		set[x.UnixNano()] = x
	}
	add(t.Start)
	add(t.End)
	for _, e := range t.Events {
		add(e.Time)
	}
	for _, s := range t.Story.Steps {
		if s.Ran {
			add(s.At)
			add(s.End)
		}
	}
	for _, u := range t.Users {
		for _, sp := range u.Spans {
			add(sp.From)
			add(sp.To)
			add(sp.Until)
		}
	}
	for _, f := range t.Faults {
		add(f.From)
		add(f.To)
	}
	a := &Axis{}
	for _, x := range set {
		a.instants = append(a.instants, x)
	}
	sort.Slice(a.instants, func(i, j int) bool { return a.instants[i].Before(a.instants[j]) })
	x := 0.0
	for i, in := range a.instants {
		if i > 0 {
			g := in.Sub(a.instants[i-1])
			w, comp := gapWidth(g)
			if comp {
				a.Breaks = append(a.Breaks, Break{From: a.instants[i-1], To: in, X1: x, X2: x + w, Compressed: g})
			}
			x += w
		}
		a.xs = append(a.xs, x)
	}
	a.Width = x
	return a
}

// X is the position of t: exact at the axis's instants, interpolated in between.
func (a *Axis) X(t time.Time) float64 {
	n := len(a.instants)
	if n == 0 {
		return 0
	}
	i := sort.Search(n, func(i int) bool { return !a.instants[i].Before(t) })
	if i == n {
		return a.xs[n-1]
	}
	if a.instants[i].Equal(t) || i == 0 {
		return a.xs[i]
	}
	t0, t1 := a.instants[i-1], a.instants[i]
	f := float64(t.Sub(t0)) / float64(t1.Sub(t0))
	return a.xs[i-1] + f*(a.xs[i]-a.xs[i-1])
}

// Instants are the axis's instants in order, with their positions.
func (a *Axis) Instants() ([]time.Time, []float64) { return a.instants, a.xs }
