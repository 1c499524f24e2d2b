package shell

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/timeline"
)

// Timeline is the world's timeline as it stands: derived from its trace, named from its file, with
// the session's recorded steps (what was typed, the file steps replayed) as its steps: a cmdlet
// typed in the shell is a marker with its text, like a `run:` step of a file.
func (s *Shell) Timeline() *timeline.Timeline {
	s.ww.mu.RLock() // the live page asks from its own goroutine
	w := s.world
	entries := append([]entry(nil), s.rec.entries...)
	s.ww.mu.RUnlock()
	st := timeline.FromFile(s.file)
	fileSteps := st.Steps
	st.Steps = make([]timeline.Step, 0, len(entries))
	for i, e := range entries {
		ts := timeline.Step{
			Index: i, Kind: string(e.step.Kind), Text: e.line, Note: e.step.Note, User: timeline.StepUser(e.step),
			Ran: true, At: e.at, End: e.end, FirstSeq: e.seqs[0], LastSeq: e.seqs[1],
		}
		if e.file >= 0 && e.file < len(fileSteps) {
			fs := fileSteps[e.file]
			ts.Line, ts.Col, ts.Text, ts.Note = fs.Line, fs.Col, fs.Text, fs.Note
		}
		st.Steps = append(st.Steps, ts)
	}
	st.Start = w.Start
	st.Seed = w.Seed
	return timeline.Build(st, timeline.FromTrace(w.Trace.Events())).WithNow(w.Sched.Now())
}

// ServeUI serves the live timeline page of this shell's world on addr (loopback only) until the
// returned server is closed; the banner names its address.
func (s *Shell) ServeUI(addr string) (*timeline.Live, error) {
	live, err := timeline.ServeLive(addr, timeline.LiveSource{
		Timeline: s.Timeline,
		Watch: func(fn func(timeline.Event)) func() {
			return s.watch(func(e simEvent) { fn(timeline.FromTrace([]simEvent{e})[0]) })
		},
		WatchSteps: s.watchSteps,
		Start:      s.world.Start,
		NameOf:     s.name,
		Now:        s.world.Sched.Now,
	})
	if err != nil {
		return nil, err
	}
	return live, nil
}

func (s *Shell) name(sip string) string {
	if n := s.names[sip]; n != "" {
		return n
	}
	return strings.TrimPrefix(sip, "sip:")
}

// timeline prints what happened in plain English: timeline [user] [--all] [n].
func (s *Shell) timeline(args []string) error {
	all, n := false, 0
	var who []string
	for _, a := range args {
		switch {
		case strings.EqualFold(a, "--all") || strings.EqualFold(a, "-all"):
			all = true
		case strings.HasPrefix(a, "-"):
			return fmt.Errorf("unknown option %q: want timeline [user] [--all] [n]", a)
		default:
			if v, err := strconv.Atoi(a); err == nil {
				if v < 1 {
					return fmt.Errorf("count %q is not a positive whole number", a)
				}
				n = v
				continue
			}
			who = append(who, a)
		}
	}
	user := ""
	if len(who) > 0 {
		sip, err := s.world.Engine.ResolveUser(strings.Join(who, " "))
		if err != nil {
			return err
		}
		user = sip
	}
	lines := s.Timeline().Lines(user, all)
	if len(lines) == 0 {
		if user != "" {
			s.printf("nothing has happened to %s yet\n", s.name(user))
		} else {
			s.printf("nothing has happened yet\n")
		}
		return nil
	}
	if n > 0 && len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	for _, l := range lines {
		s.printf("%s\n", l.String())
	}
	return nil
}

type simEvent = sim.TraceEvent
