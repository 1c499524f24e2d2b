package shell

import (
	"context"
	"fmt"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim/scenario"
)

// replay runs the file's steps as if typed, printing each one. Confirmations are answered yes, as
// in scenario files; expectations and contact edits through clients are not replayed (the shell has
// no verb for them) and say so.
func (s *Shell) replay(ctx context.Context) {
	s.autoYes = true
	defer func() { s.autoYes = false }()
	for _, st := range s.file.Steps {
		if ctx.Err() != nil {
			return
		}
		line, ok := stepLine(st)
		if !ok {
			s.printf("# %s:%d: %s step not replayed\n", s.file.Path, st.Pos.Line, st.Kind)
			continue
		}
		s.printf("> %s\n", line)
		s.Exec(ctx, line)
	}
}

// stepLine is the shell line that does what a scenario step does.
func stepLine(st scenario.Step) (string, bool) {
	switch st.Kind {
	case scenario.StepRun:
		return st.Command, true
	case scenario.StepSignIn:
		client, ep := st.Client, st.Endpoint
		if client == "" {
			client = engine.Lync2013
		}
		if ep == "" {
			ep = "desktop"
		}
		return fmt.Sprintf("signin %q %s %q", st.User, client, ep), true
	case scenario.StepSignOut:
		if st.Endpoint != "" {
			return fmt.Sprintf("signout %q %q", st.User, st.Endpoint), true
		}
		return fmt.Sprintf("signout %q", st.User), true
	case scenario.StepAcceptPrompt:
		return fmt.Sprintf("accept %q", st.User), true
	case scenario.StepWait:
		return "wait " + scenario.FormatDuration(st.Wait), true
	case scenario.StepUntil:
		if !st.Until.Absolute.IsZero() {
			return "until " + st.Until.Absolute.Format("2006-01-02T15:04:05Z07:00"), true
		}
		return "until +" + scenario.FormatDuration(st.Until.Offset), true
	case scenario.StepOutlookAddContact:
		return fmt.Sprintf("outlook %q %q %q", st.User, st.Contact.URI, st.Contact.Name), true
	case scenario.StepFault:
		if st.Fault.User != "" {
			return "", false
		}
		line := fmt.Sprintf("fault %s %s", st.Fault.Kind, scenario.FormatDuration(st.Fault.For))
		switch {
		case st.Fault.Kind == engine.FaultBusy && st.Fault.BackOff > 0:
			line += " " + scenario.FormatDuration(st.Fault.BackOff)
		case st.Fault.Kind == engine.FaultSlow && st.Fault.Latency > 0:
			line += " " + scenario.FormatDuration(st.Fault.Latency)
		}
		return line, true
	}
	return "", false
}
