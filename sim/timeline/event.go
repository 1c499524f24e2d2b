package timeline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ucssim/ucssim/sim"
)

// Event is one trace line: time, seq, type, user, details (the --trace JSON-lines format). It is
// sim.TraceEvent, the type --trace writes, so the two cannot drift apart; timeline adds the
// methods it reads details with.
type Event sim.TraceEvent

// Bounds on a trace file read by ParseJSONL: a line longer than MaxLine or more than MaxEvents
// events is refused rather than read into memory.
const (
	MaxLine   = 64 << 10
	MaxEvents = 2_000_000
)

// ErrEmptyTrace is returned for a trace with no events.
var ErrEmptyTrace = errors.New("the trace has no events")

// ParseJSONL reads a JSON-lines trace. Errors name the line (1-based) and what was wrong; events
// must be in seq order (as --trace writes them) with a time and a type.
func ParseJSONL(r io.Reader) ([]Event, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxLine)
	var out []Event
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if len(out) >= MaxEvents {
			return nil, fmt.Errorf("line %d: more than %d events", line, MaxEvents)
		}
		var e Event
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("line %d: not a trace event: %v", line, err)
		}
		if e.Type == "" {
			return nil, fmt.Errorf("line %d: the event has no type", line)
		}
		if e.Time.IsZero() {
			return nil, fmt.Errorf("line %d: the event has no time", line)
		}
		if n := len(out); n > 0 && e.Time.Before(out[n-1].Time) {
			return nil, fmt.Errorf("line %d: time %s goes back before the previous event's %s", line,
				e.Time.Format(time.RFC3339), out[n-1].Time.Format(time.RFC3339))
		}
		e.Time = e.Time.UTC()
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: longer than %d bytes", line+1, MaxLine)
		}
		return nil, err
	}
	if len(out) == 0 {
		return nil, ErrEmptyTrace
	}
	return out, nil
}

// detail returns a detail as text ("" when absent).
func (e Event) detail(k string) string {
	v, ok := e.Details[k]
	if !ok || v == nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// flag returns a Boolean detail.
func (e Event) flag(k string) bool {
	v, ok := e.Details[k]
	if !ok {
		return false
	}
	b, _ := v.(bool)
	return b
}

// FromTrace converts a live world's trace events.
func FromTrace(ev []sim.TraceEvent) []Event {
	out := make([]Event, len(ev))
	for i, e := range ev {
		out[i] = Event(e)
		out[i].Time = e.Time.UTC()
	}
	return out
}
