package timeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// LiveSource is what a live page follows: the current timeline (rebuilt from the trace on each
// request) and a way to hear of each event as it is recorded.
type LiveSource struct {
	// Timeline builds the timeline as it stands now.
	Timeline func() *Timeline
	// Watch calls fn with each event from now on until stop is called; fn must not block.
	Watch func(fn func(Event)) (stop func())
	// WatchSteps, if set, calls fn each time a step is added to the timeline (a line typed in the
	// shell), after that step's events, until stop is called; fn must not block. Pages hear a
	// "step" event and redraw: a cmdlet that changed nothing still gets its marker.
	WatchSteps func(fn func()) (stop func())
	// Start is the world's start (offsets) and NameOf names users in the streamed sentences.
	Start  time.Time
	NameOf func(sip string) string
	// Now, if set, is the world's clock: when it moves with nothing happening (wait 1h), pages hear
	// a "clock" event and redraw their "now" line.
	Now func() time.Time
}

// clockPoll is how often the server looks whether the virtual clock moved.
const clockPoll = 250 * time.Millisecond

// Live serves a live timeline page over HTTP on loopback: GET / is the page, GET /events a stream of
// server-sent events ("trace", one per trace event: seq, type, user, offset, text; "step", a step
// added; "clock", the clock moved) on which the page redraws itself.
type Live struct {
	src       LiveSource
	srv       *http.Server
	ln        net.Listener
	done      chan struct{}
	mu        sync.Mutex
	subs      map[chan Line]struct{}
	stop      func()
	stopSteps func()
}

// clockLine is the stream's marker for "the clock moved": a Line with Seq 0.
func clockLine(t time.Time, start time.Time) Line { return Line{At: t, Offset: Offset(t, start)} }

// stepSeq is the Seq of the stream's marker for "a step was added" (trace events count from 1).
const stepSeq = -1

// ErrNotLoopback is returned for a --ui address that is not on loopback.
var ErrNotLoopback = errors.New("the live page listens on loopback only (127.0.0.1 or ::1)")

// MaxLivePages bounds the event streams open at once; a page beyond it is answered 503.
const MaxLivePages = 64

// subscriberBuffer is how many events a slow page may lag behind before it misses some (it
// redraws from the whole trace anyway, so a missed event only delays the picture).
const subscriberBuffer = 256

// ServeLive listens on addr (loopback only; port 0 picks one) and serves the live page until Close.
func ServeLive(addr string, src LiveSource) (*Live, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--ui %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--ui %q: %w", addr, ErrNotLoopback)
	}
	if src.Timeline == nil {
		return nil, errors.New("live timeline: no source")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--ui: %w", err)
	}
	l := &Live{src: src, ln: ln, done: make(chan struct{}), subs: map[chan Line]struct{}{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", l.page)
	mux.HandleFunc("GET /events", l.events)
	l.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if src.Watch != nil {
		l.stop = src.Watch(l.publish)
	}
	if src.WatchSteps != nil {
		l.stopSteps = src.WatchSteps(func() { l.broadcast(Line{Seq: stepSeq}) })
	}
	go func() { _ = l.srv.Serve(ln) }()
	if src.Now != nil {
		go l.watchClock()
	}
	return l, nil
}

// URL is the page's address, e.g. http://127.0.0.1:8090/.
func (l *Live) URL() string { return "http://" + l.ln.Addr().String() + "/" }

// Close stops serving and ends every event stream.
func (l *Live) Close() error {
	if l.stop != nil {
		l.stop()
	}
	if l.stopSteps != nil {
		l.stopSteps()
	}
	close(l.done)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return l.srv.Shutdown(ctx)
}

func (l *Live) publish(e Event) {
	// a page that is behind misses the line, not the event: it redraws from the whole trace
	l.broadcast(Line{At: e.Time, Offset: Offset(e.Time, l.src.Start), User: e.User, Seq: e.Seq, Type: e.Type, Text: Sentence(e, l.src.NameOf, l.src.Start)})
}

func (l *Live) watchClock() {
	tick := time.NewTicker(clockPoll)
	defer tick.Stop()
	last := l.src.Now()
	for {
		select {
		case <-l.done:
			return
		case <-tick.C:
			if now := l.src.Now(); !now.Equal(last) {
				last = now
				l.broadcast(clockLine(now, l.src.Start))
			}
		}
	}
}

func (l *Live) broadcast(line Line) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ch := range l.subs {
		select {
		case ch <- line:
		default:
		}
	}
}

func (l *Live) page(w http.ResponseWriter, r *http.Request) {
	tl := l.src.Timeline()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(tl.Page(PageOptions{Live: true}))
}

func (l *Live) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch := make(chan Line, subscriberBuffer)
	l.mu.Lock()
	if len(l.subs) >= MaxLivePages {
		l.mu.Unlock()
		http.Error(w, fmt.Sprintf("more than %d live pages are open", MaxLivePages), http.StatusServiceUnavailable)
		return
	}
	l.subs[ch] = struct{}{}
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.subs, ch)
		l.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, "retry: 1000\n: ucssim live timeline\n\n")
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-l.done:
			return
		case line := <-ch:
			if line.Seq == stepSeq {
				fmt.Fprint(w, "event: step\ndata: {}\n\n")
				fl.Flush()
				continue
			}
			if line.Seq == 0 {
				fmt.Fprintf(w, "event: clock\ndata: {\"offset\":%q}\n\n", line.Offset)
				fl.Flush()
				continue
			}
			data, _ := json.Marshal(map[string]any{"seq": line.Seq, "type": line.Type, "user": line.User, "offset": line.Offset, "text": line.Text})
			fmt.Fprintf(w, "event: trace\nid: %d\ndata: %s\n\n", line.Seq, strings.ReplaceAll(string(data), "\n", " "))
			fl.Flush()
		}
	}
}
