package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ucssim/ucssim/engine"
)

// TraceEvent is one line of a JSON-lines trace: time, seq, type, user, details.
type TraceEvent struct {
	Time    time.Time        `json:"time"`
	Seq     int              `json:"seq"`
	Type    engine.EventType `json:"type"`
	User    string           `json:"user,omitempty"`
	Details map[string]any   `json:"details,omitempty"`
}

// Trace records a world's events in the order they happened. It is safe for concurrent use.
type Trace struct {
	mu     sync.Mutex
	events []TraceEvent
	// OnEvent, if set, sees each event as it is recorded.
	OnEvent func(TraceEvent)

	watchers  map[int]func(TraceEvent) // Watch
	nextWatch int

	counts map[countKey]int // Count in constant time: expectations ask at every event of a long wait
}

// countKey is an event type and a user (empty: every user), both lower case.
type countKey struct{ typ, user string }

// Record appends an engine event.
func (t *Trace) Record(e engine.Event) {
	t.mu.Lock()
	te := TraceEvent{Time: e.Time.UTC(), Seq: len(t.events) + 1, Type: e.Type, User: e.User, Details: e.Details}
	t.events = append(t.events, te)
	if t.counts == nil {
		t.counts = map[countKey]int{}
	}
	typ := strings.ToLower(string(e.Type))
	t.counts[countKey{typ, ""}]++
	if e.User != "" {
		t.counts[countKey{typ, strings.ToLower(e.User)}]++
	}
	hook := t.OnEvent
	var watchers []func(TraceEvent)
	for _, w := range t.watchers {
		watchers = append(watchers, w)
	}
	t.mu.Unlock()
	if hook != nil {
		hook(te)
	}
	for _, w := range watchers {
		w(te)
	}
}

// Events returns a copy of the events so far.
func (t *Trace) Events() []TraceEvent {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]TraceEvent(nil), t.events...)
}

// Since returns a copy of the events after the first i (those with seq > i).
func (t *Trace) Since(i int) []TraceEvent {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]TraceEvent(nil), t.events[min(max(i, 0), len(t.events)):]...)
}

// Len is the number of events so far (the seq of the last one).
func (t *Trace) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.events)
}

// Watch calls fn with each event recorded from now on, until the returned stop is called. fn runs
// on the recording goroutine and must not block (the live timeline page queues and returns).
func (t *Trace) Watch(fn func(TraceEvent)) (stop func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.nextWatch++
	id := t.nextWatch
	if t.watchers == nil {
		t.watchers = map[int]func(TraceEvent){}
	}
	t.watchers[id] = fn
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		delete(t.watchers, id)
	}
}

// Count counts events of a type, for one user if user is not "".
func (t *Trace) Count(typ engine.EventType, user string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts[countKey{strings.ToLower(string(typ)), strings.ToLower(user)}]
}

// JSONL renders the trace as JSON lines (map keys sorted by encoding/json: byte-identical runs).
// An event that cannot be encoded (a time past year 9999) is an error naming it: a trace is
// never silently short.
func (t *Trace) JSONL() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, e := range t.Events() {
		if err := enc.Encode(e); err != nil {
			return buf.Bytes(), fmt.Errorf("trace event #%d (%s) cannot be written: %w", e.Seq, e.Type, err)
		}
	}
	return buf.Bytes(), nil
}

// Format renders one event for people: "2026-01-05 09:10:00 migration.completed sip:ken@... contacts=12".
func (e TraceEvent) Format() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  #%d %s", e.Time.Format("2006-01-02 15:04:05"), e.Seq, e.Type)
	if e.User != "" {
		b.WriteString(" " + e.User)
	}
	for _, k := range (engine.Event{Details: e.Details}).DetailKeys() {
		fmt.Fprintf(&b, " %s=%v", k, e.Details[k])
	}
	return b.String()
}

// Last formats the last n events.
func (t *Trace) Last(n int) []string {
	ev := t.Events()
	if len(ev) > n {
		ev = ev[len(ev)-n:]
	}
	out := make([]string, len(ev))
	for i, e := range ev {
		out[i] = e.Format()
	}
	return out
}
