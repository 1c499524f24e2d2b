// Package sweep moves one step of a scenario earlier or later in virtual time and reports the
// intervals where the outcome changes: whether the file passes, and which events happen. It
// finds each boundary by bisection down to the requested resolution instead of trying every
// offset, so a ±15 minute sweep at one-second resolution takes a few dozen runs.
//
// The moved step keeps its place among the steps at its new instant; everything else keeps its
// own instant where it can: a `wait` or `until` the step now lands inside is split around it.
//
//	rep, err := sweep.Run(ctx, f, sweep.Options{Step: 5, From: -15 * time.Minute, To: 15 * time.Minute, By: time.Second})
package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// Options say which step moves, over what range and at what resolution.
type Options struct {
	Step     int           // 1-based index of the step in the file
	From, To time.Duration // offsets from the step's own instant; From <= To
	By       time.Duration // resolution (default 1s)
	// Samples is how many evenly spaced offsets are tried before bisecting (default 16).
	Samples int
	World   sim.WorldOptions
	// Keep keeps each interval's first and last run (the moved file and its result) in
	// Report.Runs, for pages that show them (ucssim sweep --html).
	Keep bool
}

// Kept is one run of a sweep: the file with the step moved, and what running it gave.
type Kept struct {
	File   *scenario.File
	Result *runner.Result
}

// Outcome is what one run gave.
type Outcome struct {
	Passed  bool
	Failure string         // "line N: expected ..., saw ..." when it failed
	Events  map[string]int // event type (prompt.shown with its diag) → count
	// Invalid says why the step cannot be moved there (before the start, inside a within window).
	Invalid string
}

func (o Outcome) key() string {
	if o.Invalid != "" {
		return "invalid"
	}
	keys := make([]string, 0, len(o.Events))
	for k, v := range o.Events {
		keys = append(keys, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(keys)
	return fmt.Sprintf("%t|%s|%s", o.Passed, o.Failure, strings.Join(keys, ","))
}

// Interval is a range of offsets with one outcome.
type Interval struct {
	From, To time.Duration // inclusive, at the report's resolution
	Outcome  Outcome
}

// Report is a sweep's result.
type Report struct {
	File      *scenario.File
	Step      int
	StepText  string
	At        time.Duration // the step's own instant, from the scenario start
	Base      Outcome       // the file as written
	Intervals []Interval
	Runs      int
	By        time.Duration
	// Kept holds, with Options.Keep, the runs at every interval's From and To offsets.
	Kept map[time.Duration]Kept
}

// Run sweeps opt.Step of f over [From, To].
func Run(ctx context.Context, f *scenario.File, opt Options) (*Report, error) {
	if opt.By <= 0 {
		opt.By = time.Second
	}
	if opt.Samples <= 0 {
		opt.Samples = 16
	}
	if opt.Step < 1 || opt.Step > len(f.Steps) {
		return nil, fmt.Errorf("--step %d: the file has steps 1 to %d", opt.Step, len(f.Steps))
	}
	if opt.From > opt.To {
		return nil, fmt.Errorf("--from %s is after --to %s", opt.From, opt.To)
	}
	k := opt.Step - 1
	st := f.Steps[k]
	if movesClock(st) {
		return nil, fmt.Errorf("step %d (%s) moves the clock itself; sweep an action or an instant check", opt.Step, describe(st))
	}
	base := runner.Run(ctx, f, runner.RunOptions{World: opt.World})
	if len(base.Steps) <= k {
		return nil, fmt.Errorf("the file fails before step %d (%s), so it never runs", opt.Step, failureText(base))
	}
	var starts, ends []time.Time
	for _, sp := range base.Steps {
		starts, ends = append(starts, sp.At), append(ends, sp.End)
	}
	s := &sweeper{ctx: ctx, f: f, opt: opt, k: k, starts: starts, ends: ends, seen: map[time.Duration]Outcome{}, kept: map[time.Duration]Kept{}}
	rep := &Report{File: f, Step: opt.Step, StepText: describe(st), At: starts[k].Sub(f.Start), Base: outcomeOf(base), By: opt.By}

	lo, hi := round(opt.From, opt.By), round(opt.To, opt.By)
	points := []time.Duration{lo, hi}
	if lo <= 0 && 0 <= hi {
		points = append(points, 0)
	}
	for i := 1; i < opt.Samples; i++ {
		points = append(points, round(lo+(hi-lo)*time.Duration(i)/time.Duration(opt.Samples), opt.By))
	}
	for _, p := range points {
		if err := s.eval(p); err != nil {
			return nil, err
		}
	}
	sorted := s.offsets()
	for i := 0; i+1 < len(sorted); i++ {
		if err := s.bisect(sorted[i], sorted[i+1]); err != nil {
			return nil, err
		}
	}
	sorted = s.offsets()
	for _, d := range sorted {
		o := s.seen[d]
		if n := len(rep.Intervals); n > 0 && rep.Intervals[n-1].Outcome.key() == o.key() {
			rep.Intervals[n-1].To = d
			continue
		}
		rep.Intervals = append(rep.Intervals, Interval{From: d, To: d, Outcome: o})
	}
	rep.Runs = s.runs
	if opt.Keep {
		rep.Kept = map[time.Duration]Kept{}
		for _, iv := range rep.Intervals {
			for _, d := range []time.Duration{iv.From, iv.To} {
				if k, ok := s.kept[d]; ok {
					rep.Kept[d] = k
				}
			}
		}
	}
	return rep, nil
}

type sweeper struct {
	ctx    context.Context
	f      *scenario.File
	opt    Options
	k      int
	starts []time.Time
	ends   []time.Time
	seen   map[time.Duration]Outcome
	kept   map[time.Duration]Kept // every run, with Options.Keep
	runs   int
}

func (s *sweeper) offsets() []time.Duration {
	out := make([]time.Duration, 0, len(s.seen))
	for d := range s.seen {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

func (s *sweeper) eval(d time.Duration) error {
	if _, ok := s.seen[d]; ok {
		return nil
	}
	if err := s.ctx.Err(); err != nil {
		return err
	}
	g, why := s.shifted(d)
	if g == nil {
		s.seen[d] = Outcome{Invalid: why}
		return nil
	}
	s.runs++
	res := runner.Run(s.ctx, g, runner.RunOptions{World: s.opt.World})
	s.seen[d] = outcomeOf(res)
	if s.opt.Keep {
		s.kept[d] = Kept{File: g, Result: res}
	}
	return nil
}

// bisect finds every boundary between lo and hi (both evaluated) down to the resolution.
func (s *sweeper) bisect(lo, hi time.Duration) error {
	if s.seen[lo].key() == s.seen[hi].key() || hi-lo <= s.opt.By {
		return nil
	}
	mid := lo + round((hi-lo)/2, s.opt.By)
	if mid <= lo || mid >= hi {
		return nil
	}
	if err := s.eval(mid); err != nil {
		return err
	}
	if err := s.bisect(lo, mid); err != nil {
		return err
	}
	return s.bisect(mid, hi)
}

// shifted is the file with step k moved by d, or nil and why it cannot be.
func (s *sweeper) shifted(d time.Duration) (*scenario.File, string) {
	start := s.f.Start
	T := s.starts[s.k].Add(d)
	if T.Before(start) {
		return nil, "before the scenario start"
	}
	moved := s.f.Steps[s.k]
	until := func(t time.Time) scenario.Step {
		return scenario.Step{Kind: scenario.StepUntil, Until: scenario.Instant{Offset: t.Sub(start)}, Pos: moved.Pos}
	}
	var out []scenario.Step
	now := start
	inserted := false
	insert := func() {
		if T.After(now) {
			out = append(out, until(T))
			now = T
		}
		out = append(out, moved)
		inserted = true
	}
	for j, st := range s.f.Steps {
		if j == s.k {
			continue
		}
		sj, ej := now, now // the base run stopped before it: it keeps its place after the others
		if j < len(s.starts) {
			sj, ej = s.starts[j], s.ends[j]
		}
		if !inserted && (sj.After(T) || (sj.Equal(T) && j > s.k)) {
			insert()
		}
		if !inserted && movesClock(st) && ej.After(T) && !sj.After(T) {
			switch st.Kind {
			case scenario.StepWait, scenario.StepUntil:
				insert()
				out = append(out, until(ej))
				now = ej
				continue
			default:
				return nil, fmt.Sprintf("inside the window of step %d (line %d)", j+1, st.Pos.Line)
			}
		}
		out = append(out, st)
		if ej.After(now) {
			now = ej
		}
	}
	if !inserted {
		insert()
	}
	g := *s.f
	g.Steps = out
	return &g, ""
}

func movesClock(st scenario.Step) bool {
	switch st.Kind {
	case scenario.StepWait, scenario.StepUntil:
		return true
	case scenario.StepExpect:
		return st.Within > 0 || st.Throughout > 0
	}
	return false
}

func outcomeOf(r *runner.Result) Outcome {
	o := Outcome{Passed: r.Passed, Events: map[string]int{}}
	if !r.Passed {
		o.Failure = failureText(r)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(r.Trace)), "\n") {
		typ := between(line, `"type":"`, `"`)
		if typ == "" {
			continue
		}
		if typ == "prompt.shown" {
			if diag := between(line, `"diag":`, `,`); diag != "" {
				typ += " " + strings.TrimRight(diag, "}")
			}
		}
		o.Events[typ]++
	}
	return o
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	if j := strings.Index(s, b); j >= 0 {
		return s[:j]
	}
	return s
}

func failureText(r *runner.Result) string {
	if r.Failure == nil {
		if r.Err != nil {
			return r.Err.Error()
		}
		return "failed"
	}
	return fmt.Sprintf("line %d: %s", r.Failure.Line, r.Failure.Step)
}

func round(d, by time.Duration) time.Duration {
	if by <= 0 {
		return d
	}
	return d.Round(by)
}

func describe(st scenario.Step) string {
	switch st.Kind {
	case scenario.StepRun:
		return "run: " + st.Command
	case scenario.StepFault:
		return "fault: " + string(st.Fault.Kind)
	case scenario.StepExpect:
		return "expect"
	}
	if st.User != "" {
		return string(st.Kind) + ": " + st.User
	}
	return string(st.Kind)
}

// Write prints the report as a table: one row per interval of offsets with one outcome, its events
// compared with the file as written.
func (r *Report) Write(w io.Writer) error {
	fmt.Fprintf(w, "%s\n\n", r.Heading())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "offset\tstep at\tresult\tevents (compared with the file as written)")
	for _, iv := range r.Intervals {
		off := signed(iv.From)
		at := "+" + scenario.FormatDuration(r.At+iv.From)
		if iv.To != iv.From {
			off += " .. " + signed(iv.To)
			at += " .. +" + scenario.FormatDuration(r.At+iv.To)
		}
		res := "PASS"
		switch {
		case iv.Outcome.Invalid != "":
			res, at = "n/a", iv.Outcome.Invalid
		case !iv.Outcome.Passed:
			res = "FAIL " + iv.Outcome.Failure
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", off, at, res, diff(r.Base.Events, iv.Outcome))
	}
	return tw.Flush()
}

// Heading says what was swept: the file, the step and its instant, the range, the resolution and
// how many runs it took.
func (r *Report) Heading() string {
	return fmt.Sprintf("%s: step %d (%s) at +%s, moved by %s..%s, resolution %s: %d runs", r.File.Path, r.Step, r.StepText,
		scenario.FormatDuration(r.At), signed(firstFrom(r)), signed(lastTo(r)), scenario.FormatDuration(r.By), r.Runs)
}

func firstFrom(r *Report) time.Duration {
	if len(r.Intervals) == 0 {
		return 0
	}
	return r.Intervals[0].From
}

func lastTo(r *Report) time.Duration {
	if len(r.Intervals) == 0 {
		return 0
	}
	return r.Intervals[len(r.Intervals)-1].To
}

// Signed formats a sweep offset with its sign: -15m, +4m59s, +0s.
func Signed(d time.Duration) string { return signed(d) }

func signed(d time.Duration) string {
	if d < 0 {
		return "-" + scenario.FormatDuration(-d)
	}
	return "+" + scenario.FormatDuration(d)
}

// Changes lists the event counts of the interval that differ from the file as written:
// "+prompt.shown 2165", "-prompt.accepted x2"; none when they are the same or the step cannot go there.
func (r *Report) Changes(iv Interval) []string {
	if iv.Outcome.Invalid != "" {
		return nil
	}
	return changes(r.Base.Events, iv.Outcome)
}

// diff is Changes as one table cell.
func diff(base map[string]int, o Outcome) string {
	if o.Invalid != "" {
		return "-"
	}
	parts := changes(base, o)
	if len(parts) == 0 {
		return "as written"
	}
	return strings.Join(parts, ", ")
}

func changes(base map[string]int, o Outcome) []string {
	keys := map[string]bool{}
	for k := range base {
		keys[k] = true
	}
	for k := range o.Events {
		keys[k] = true
	}
	var parts []string
	for k := range keys {
		n := o.Events[k] - base[k]
		switch {
		case n == 1:
			parts = append(parts, "+"+k)
		case n == -1:
			parts = append(parts, "-"+k)
		case n > 1:
			parts = append(parts, fmt.Sprintf("+%s x%d", k, n))
		case n < -1:
			parts = append(parts, fmt.Sprintf("-%s x%d", k, -n))
		}
	}
	sort.Strings(parts)
	return parts
}

// ParseOffset reads a signed sweep offset: -15m, +15m, 0, 90s.
func ParseOffset(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimLeft(s, "+-")
	if body == "0" {
		return 0, nil
	}
	d, err := scenario.ParseDuration(body)
	if err != nil {
		return 0, errors.New(strings.Replace(err.Error(), body, s, 1))
	}
	if neg {
		d = -d
	}
	return d, nil
}
