package shell

import (
	"sync"

	"github.com/ucssim/ucssim/sim"
)

// The world a shell works on changes when undo, restore or reset rebuild it. What follows the
// world from another goroutine (the live timeline page of --ui) reads it through currentWorld and
// hears its events through watch, which moves to the new world when it is rebuilt.

// worldWatch guards the world against readers on other goroutines and keeps the trace watchers.
type worldWatch struct {
	mu       sync.RWMutex
	watchers map[int]*watcher
	steps    map[int]func() // told each time a step is recorded (watchSteps)
	next     int
}

type watcher struct {
	fn   func(sim.TraceEvent)
	stop func() // stops watching the current world's trace
}

// currentWorld is the shell's world, for a goroutine other than the shell's own.
func (s *Shell) currentWorld() *sim.World {
	s.ww.mu.RLock()
	defer s.ww.mu.RUnlock()
	return s.world
}

// watch calls fn with each event of the shell's world from now on, whichever world that is after
// a rebuild, until the returned stop is called.
func (s *Shell) watch(fn func(sim.TraceEvent)) (stop func()) {
	s.ww.mu.Lock()
	defer s.ww.mu.Unlock()
	if s.ww.watchers == nil {
		s.ww.watchers = map[int]*watcher{}
	}
	s.ww.next++
	id := s.ww.next
	w := &watcher{fn: fn, stop: s.world.Trace.Watch(fn)}
	s.ww.watchers[id] = w
	return func() {
		s.ww.mu.Lock()
		defer s.ww.mu.Unlock()
		if w, ok := s.ww.watchers[id]; ok {
			w.stop()
			delete(s.ww.watchers, id)
		}
	}
}

// pauseWatch stops the watchers until resumeWatch: what the old world does as it closes, and the
// steps replayed on the new one, are history, not news.
func (s *Shell) pauseWatch() {
	s.ww.mu.Lock()
	defer s.ww.mu.Unlock()
	for _, x := range s.ww.watchers {
		x.stop()
		x.stop = func() {}
	}
}

// setWorld replaces the shell's world with a rebuilt one.
func (s *Shell) setWorld(w *sim.World) {
	s.ww.mu.Lock()
	defer s.ww.mu.Unlock()
	s.world = w
}

// resumeWatch makes the watchers hear the rebuilt world's events from now on.
func (s *Shell) resumeWatch() {
	s.ww.mu.Lock()
	defer s.ww.mu.Unlock()
	for _, x := range s.ww.watchers {
		x.stop = s.world.Trace.Watch(x.fn)
	}
}

// watchSteps calls fn each time the shell records a step (a cmdlet, a sign-in, a wait...), after
// its events, until the returned stop is called; fn must not block.
func (s *Shell) watchSteps(fn func()) (stop func()) {
	s.ww.mu.Lock()
	defer s.ww.mu.Unlock()
	if s.ww.steps == nil {
		s.ww.steps = map[int]func(){}
	}
	s.ww.next++
	id := s.ww.next
	s.ww.steps[id] = fn
	return func() {
		s.ww.mu.Lock()
		defer s.ww.mu.Unlock()
		delete(s.ww.steps, id)
	}
}
