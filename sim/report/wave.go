package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/ucssim/ucssim/sim/scenario"
)

// Wave is the migration-wave report of one run (`ucssim run --report`): how a population's
// migrations spread over virtual time, how busy Exchange was, and why migrations failed. It is
// computed from the run's trace and the Exchange requests the world saw, nothing else.
type Wave struct {
	Start time.Time // the scenario's virtual start
	End   time.Time // the last event or request
	// Began is the number of users that began at least one migration; Migrated those that
	// completed one; FailedUsers those with at least one migration.failed.
	Began, Migrated, FailedUsers int
	// To holds the times from Start until 50, 90 and 100% of the users that began migrating had
	// completed a migration; Reached says which were reached.
	To      [3]time.Duration
	Reached [3]bool
	// PeakConcurrent is the most migrations in flight at once, first reached at PeakAt.
	PeakConcurrent int
	PeakAt         time.Time
	// Requests and Busy count the Exchange requests and the ErrorServerBusy answers;
	// PeakPerSecond is the most requests that arrived in one virtual second, at PeakSecond;
	// MeanPerSecond is Requests over the seconds from the first request to the last.
	Requests, Busy int
	PeakPerSecond  int
	PeakSecond     time.Time
	MeanPerSecond  float64
	// Hours counts what happened in each virtual hour from the hour of Start to the hour of End.
	Hours []WaveHour
	// Failures counts migration.failed and rollback.failed events by their reason, most first.
	Failures []ReasonCount
	// Rollbacks counts rollback.completed events.
	Rollbacks int
}

// WaveHour is one virtual hour of a Wave.
type WaveHour struct {
	Hour                       time.Time
	Started, Completed, Failed int
	Rollbacks, Requests, Busy  int
	PeakConcurrent             int
}

// ReasonCount is a failure reason and how often it was traced.
type ReasonCount struct {
	Kind   string // migration.failed or rollback.failed
	Reason string
	Count  int
}

// Request is one Exchange request as the wave report sees it: when it arrived (virtual time) and
// whether Exchange answered ErrorServerBusy.
type Request struct {
	At   time.Time
	Busy bool
}

type waveEvent struct {
	Time    time.Time      `json:"time"`
	Type    string         `json:"type"`
	User    string         `json:"user"`
	Details map[string]any `json:"details"`
}

// NewWave computes the wave report from a run's trace (JSON lines) and its Exchange requests.
func NewWave(trace []byte, start time.Time, requests []Request) (*Wave, error) {
	w := &Wave{Start: start, End: start}
	hours := map[int64]*WaveHour{}
	hour := func(t time.Time) *WaveHour {
		k := t.Truncate(time.Hour).Unix()
		h := hours[k]
		if h == nil {
			h = &WaveHour{Hour: t.Truncate(time.Hour)}
			hours[k] = h
		}
		return h
	}
	inFlight := map[string]bool{}
	firstDone := map[string]time.Time{}
	began := map[string]bool{}
	failed := map[string]bool{}
	reasons := map[[2]string]int{}
	sc := bufio.NewScanner(bytes.NewReader(trace))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var e waveEvent
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, fmt.Errorf("trace line %d: %v", line, err)
		}
		if e.Time.After(w.End) {
			w.End = e.Time
		}
		h := hour(e.Time)
		switch e.Type {
		case "migration.started":
			h.Started++
			began[e.User] = true
			inFlight[e.User] = true
		case "migration.completed":
			h.Completed++
			delete(inFlight, e.User)
			if _, ok := firstDone[e.User]; !ok {
				firstDone[e.User] = e.Time
			}
		case "migration.failed":
			h.Failed++
			delete(inFlight, e.User)
			failed[e.User] = true
			reasons[[2]string{e.Type, reasonOf(e)}]++
		case "rollback.started":
			delete(inFlight, e.User) // a rollback cancels a migration in flight
		case "rollback.completed":
			h.Rollbacks++
			w.Rollbacks++
		case "rollback.failed":
			reasons[[2]string{e.Type, reasonOf(e)}]++
		}
		if n := len(inFlight); n > w.PeakConcurrent {
			w.PeakConcurrent, w.PeakAt = n, e.Time
		}
		h.PeakConcurrent = max(h.PeakConcurrent, len(inFlight))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("trace: %v", err)
	}
	w.Began, w.Migrated, w.FailedUsers = len(began), len(firstDone), len(failed)
	done := make([]time.Time, 0, len(firstDone))
	for u, t := range firstDone {
		if began[u] {
			done = append(done, t)
		}
	}
	sort.Slice(done, func(i, j int) bool { return done[i].Before(done[j]) })
	for i, pct := range []int{50, 90, 100} {
		need := (w.Began*pct + 99) / 100
		if w.Began > 0 && need <= len(done) {
			w.To[i], w.Reached[i] = done[max(need, 1)-1].Sub(start), true
		}
	}
	perSecond := map[int64]int{}
	var first, last time.Time
	for _, r := range requests {
		w.Requests++
		h := hour(r.At)
		h.Requests++
		if r.Busy {
			w.Busy++
			h.Busy++
		}
		s := r.At.Truncate(time.Second)
		perSecond[s.Unix()]++
		if n := perSecond[s.Unix()]; n > w.PeakPerSecond || (n == w.PeakPerSecond && s.Before(w.PeakSecond)) {
			w.PeakPerSecond, w.PeakSecond = n, s
		}
		if first.IsZero() || r.At.Before(first) {
			first = r.At
		}
		if r.At.After(last) {
			last = r.At
		}
		if r.At.After(w.End) {
			w.End = r.At
		}
	}
	if w.Requests > 0 {
		w.MeanPerSecond = float64(w.Requests) / max(1, last.Sub(first).Seconds())
	}
	for t := start.Truncate(time.Hour); !t.After(w.End); t = t.Add(time.Hour) {
		h := hour(t)
		w.Hours = append(w.Hours, *h)
		if len(w.Hours) > maxWaveHours {
			break
		}
	}
	for k, n := range reasons {
		w.Failures = append(w.Failures, ReasonCount{Kind: k[0], Reason: k[1], Count: n})
	}
	sort.Slice(w.Failures, func(i, j int) bool {
		a, b := w.Failures[i], w.Failures[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Kind+a.Reason < b.Kind+b.Reason
	})
	return w, nil
}

// maxWaveHours bounds the hour table (a run of years is summarised by its first weeks).
const maxWaveHours = 24 * 31

func reasonOf(e waveEvent) string {
	if r, ok := e.Details["reason"].(string); ok && r != "" {
		return r
	}
	return "(no reason given)"
}

// busyHours drops the quiet hours of a long run from the table: hours with nothing happening
// are shown only between busy ones (at most 3 in a row, then "...").
func (w *Wave) busyHours() []WaveHour {
	var out []WaveHour
	quiet := 0
	for _, h := range w.Hours {
		if h.Started+h.Completed+h.Failed+h.Rollbacks+h.Requests == 0 {
			quiet++
			continue
		}
		if quiet > 0 && len(out) > 0 {
			out = append(out, WaveHour{}) // a gap
		}
		quiet = 0
		out = append(out, h)
	}
	return out
}

func since(d time.Duration, ok bool) string {
	if !ok {
		return "not reached"
	}
	return "+" + fmtDuration(d)
}

// fmtDuration is a duration in the scenario syntax, to the second.
func fmtDuration(d time.Duration) string {
	return scenario.FormatDuration(d.Truncate(time.Second))
}

// WriteText prints the report for a terminal, each line prefixed (TAP writes "# ").
func (w *Wave) WriteText(out io.Writer, prefix string) {
	p := func(format string, args ...any) { fmt.Fprintf(out, prefix+format+"\n", args...) }
	p("migration wave report (virtual time from %s)", w.Start.UTC().Format("2006-01-02 15:04 UTC"))
	p("  users that began migrating: %d; migrated: %d; with a failed attempt: %d; rollbacks: %d", w.Began, w.Migrated, w.FailedUsers, w.Rollbacks)
	p("  migrated 50%%: %s  90%%: %s  100%%: %s", since(w.To[0], w.Reached[0]), since(w.To[1], w.Reached[1]), since(w.To[2], w.Reached[2]))
	if w.PeakConcurrent > 0 {
		p("  peak concurrent migrations: %d at +%s", w.PeakConcurrent, fmtDuration(w.PeakAt.Sub(w.Start)))
	} else {
		p("  peak concurrent migrations: 0")
	}
	if w.Requests > 0 {
		p("  Exchange requests: %d, %.1f/s on average from the first to the last, peak %d/s at +%s; ErrorServerBusy answers: %d",
			w.Requests, w.MeanPerSecond, w.PeakPerSecond, fmtDuration(w.PeakSecond.Sub(w.Start)), w.Busy)
	} else {
		p("  Exchange requests: 0")
	}
	if len(w.Failures) == 0 {
		p("  failures: none")
	} else {
		p("  failures by reason:")
		for _, f := range w.Failures {
			p("    %6d  %s: %s", f.Count, f.Kind, f.Reason)
		}
	}
	p("  %-17s %8s %10s %7s %10s %9s %6s %9s", "virtual hour", "started", "completed", "failed", "rollbacks", "requests", "busy", "peak mig")
	for _, h := range w.busyHours() {
		if h.Hour.IsZero() {
			p("  %s", "...")
			continue
		}
		p("  %-17s %8d %10d %7d %10d %9d %6d %9d", h.Hour.UTC().Format("2006-01-02 15:04"), h.Started, h.Completed, h.Failed, h.Rollbacks, h.Requests, h.Busy, h.PeakConcurrent)
	}
}

// HTML renders the report as a self-contained section: the summary and an SVG bar chart of
// migrations started and completed per virtual hour, with the hour's ErrorServerBusy answers.
func (w *Wave) HTML() string {
	var b strings.Builder
	b.WriteString(`<section class="wave"><h2>Migration wave</h2><pre>`)
	var text bytes.Buffer
	w.WriteText(&text, "")
	b.WriteString(html.EscapeString(text.String()))
	b.WriteString("</pre>")
	hours := w.busyHours()
	if len(hours) == 0 {
		b.WriteString("</section>\n")
		return b.String()
	}
	top := 1
	for _, h := range hours {
		top = max(top, h.Started, h.Completed, h.Busy)
	}
	const barW, gap, height, pad = 10, 8, 160, 30
	width := pad + len(hours)*(2*barW+gap) + pad
	fmt.Fprintf(&b, `<svg class="wavechart" role="img" aria-label="migrations per virtual hour" width="%d" height="%d" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`,
		width, height+2*pad, width, height+2*pad)
	fmt.Fprintf(&b, `<text x="%d" y="14" font-size="11">migrations started (blue) and completed (green) per virtual hour; ErrorServerBusy answers (red ticks); top %d</text>`, pad, top)
	y0 := pad + height
	for i, h := range hours {
		x := pad + i*(2*barW+gap)
		if h.Hour.IsZero() {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10">…</text>`, x, y0-2)
			continue
		}
		sh := h.Started * height / top
		ch := h.Completed * height / top
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#3b6fb6"><title>%s: %d started</title></rect>`, x, y0-sh, barW, sh, h.Hour.UTC().Format("15:04"), h.Started)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#3a9a4a"><title>%s: %d completed</title></rect>`, x+barW, y0-ch, barW, ch, h.Hour.UTC().Format("15:04"), h.Completed)
		if h.Busy > 0 {
			by := y0 - min(h.Busy, top)*height/top
			fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#c0392b" stroke-width="2"><title>%s: %d busy answers</title></line>`, x, x+2*barW, by, by, h.Hour.UTC().Format("15:04"), h.Busy)
		}
		if i%3 == 0 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10">%s</text>`, x, y0+14, h.Hour.UTC().Format("15h"))
		}
	}
	b.WriteString("</svg></section>\n")
	return b.String()
}
