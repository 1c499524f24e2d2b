package shell

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/timeline"
)

// Timeline is the world's timeline as it stands: derived from its trace, named from its file.
func (s *Shell) Timeline() *timeline.Timeline {
	st := timeline.FromFile(s.file)
	st.Steps = nil // the shell's own lines are not scenario steps
	st.Start = s.world.Start
	st.Seed = s.world.Seed
	return timeline.Build(st, timeline.FromTrace(s.world.Trace.Events())).WithNow(s.world.Sched.Now())
}

// ServeUI serves the live timeline page of this shell's world on addr (loopback only) until the
// returned server is closed; the banner names its address.
func (s *Shell) ServeUI(addr string) (*timeline.Live, error) {
	live, err := timeline.ServeLive(addr, timeline.LiveSource{
		Timeline: s.Timeline,
		Watch: func(fn func(timeline.Event)) func() {
			return s.world.Trace.Watch(func(e simEvent) { fn(timeline.FromTrace([]simEvent{e})[0]) })
		},
		Start:  s.world.Start,
		NameOf: s.name,
		Now:    s.world.Sched.Now,
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
