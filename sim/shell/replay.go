package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ucssim/ucssim/sim/scenario"
)

// The class replay: `shell --world FILE --replay` plays the file's steps one per Enter through the
// scenario runner, exactly as `ucssim run` does (expectations checked and shown, within and
// throughout moving the clock, confirmations answered yes), so the trace is the one `run` writes.
// Lines typed between steps run as usual and join the session; a failed step stops the replay, as
// it stops a run.

// replayState is where the replay of the file's steps stands.
type replayState struct {
	on      bool // the file's steps are being replayed
	next    int  // index of the next file step
	stopped bool // a step failed: the rest is not played, as ucssim run stops
	ended   bool // every step ran and the end of the scenario was checked
}

// announceReplay says how the replay goes; steps then run one per Enter (or next/play).
func (s *Shell) announceReplay() {
	n := len(s.file.Steps)
	if n == 0 {
		s.printf("%s has no steps to replay.\n", s.file.Path)
		return
	}
	s.printf("Replaying %s: %d steps, exactly as ucssim run plays them. Enter runs the next step; next N runs N; play runs the rest.\n", s.file.Path, n)
}

// replaying reports whether an empty line runs the next file step.
func (s *Shell) replaying() bool {
	return s.play.on && !s.play.stopped && !s.play.ended
}

// replayHint is shown above the prompt on a terminal: the step Enter runs.
func (s *Shell) replayHint() string {
	if !s.replaying() {
		return ""
	}
	return fmt.Sprintf("next [%d/%d]: %s (Enter)", s.play.next+1, len(s.file.Steps), s.describeFileStep(s.play.next))
}

// nextSteps runs up to n file steps (n < 0: all that are left).
func (s *Shell) nextSteps(ctx context.Context, n int) error {
	if !s.play.on {
		return errors.New("nothing to replay: start the shell with --world FILE --replay")
	}
	if s.play.stopped {
		return errors.New("the replay stopped at a failed step (undo or reset to go back)")
	}
	if s.play.ended {
		return errors.New("the replay is over: every step ran (reset starts it again)")
	}
	for i := 0; (n < 0 || i < n) && s.replaying(); i++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.nextStep(ctx)
	}
	return nil
}

// nextStep runs the next file step; after the last one it checks the end of the scenario.
func (s *Shell) nextStep(ctx context.Context) {
	total := len(s.file.Steps)
	i := s.play.next
	st := s.file.Steps[i]
	desc := s.describeFileStep(i)
	s.printf("> [%d/%d] %s:%d: %s\n", i+1, total, s.file.Path, st.Pos.Line, desc)
	m := s.mark()
	r := s.runner(ctx)
	fail := r.Step(st)
	if res := r.Result(); res != nil && res.Text != "" {
		s.printf("%s", res.Text)
		if !strings.HasSuffix(res.Text, "\n") {
			s.printf("\n")
		}
	}
	s.flush()
	s.play.next++
	var node *yaml.Node
	if nodes := s.fileSteps(); i < len(nodes) {
		node = nodes[i]
	}
	s.record(entry{step: st, line: desc, node: node, file: i, failed: fail != nil}, m)
	if fail != nil {
		s.play.stopped = true
		s.errorf("FAILED %s:%d:%d: %s: expected %s, saw %s", fail.Path, fail.Line, fail.Col, fail.Step, fail.Expected, fail.Seen)
		s.printf("The replay stops here, as ucssim run does; undo goes back before this step.\n")
		return
	}
	if st.Expect != nil {
		s.printf("  holds at %s\n", s.clock())
	}
	if s.play.next == total {
		s.play.ended = true
		if fail := r.End(); fail != nil {
			s.flush()
			s.errorf("FAILED at the end of the scenario: expected %s, saw %s", fail.Expected, fail.Seen)
			return
		}
		s.flush()
		s.printf("PASS %s: all %d steps ran, every expectation held (virtual %s).\n", s.file.Name, total, s.clockOffset())
	}
}

// replayFrom sets the replay's place after the world was rebuilt from kept entries.
func (s *Shell) replayFrom(kept []entry) {
	if !s.play.on {
		return
	}
	s.play.next, s.play.stopped, s.play.ended = 0, false, false
	for _, e := range kept {
		if e.file >= 0 {
			s.play.next = e.file + 1
			if e.failed {
				s.play.stopped = true
			}
		}
	}
	s.play.ended = !s.play.stopped && s.play.next == len(s.file.Steps)
}

// describeFileStep is how the file wrote step i, on one line: `signIn: Ken Myer`,
// `expect: {user: Ken Myer, state: Migrating}, within: 15m`.
func (s *Shell) describeFileStep(i int) string {
	nodes := s.fileSteps()
	if i < len(nodes) {
		if t := flowText(nodes[i]); t != "" {
			return t
		}
	}
	return string(s.file.Steps[i].Kind)
}

// flowText renders a step's mapping in YAML flow style without its outer braces.
func flowText(n *yaml.Node) string {
	c := flowCopy(n)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(c); err != nil {
		return ""
	}
	if err := enc.Close(); err != nil {
		return ""
	}
	t := strings.TrimSpace(b.String())
	if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
		t = t[1 : len(t)-1]
	}
	return strings.Join(strings.Fields(t), " ")
}

func flowCopy(n *yaml.Node) *yaml.Node {
	c := *n
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	if c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode {
		c.Style = yaml.FlowStyle
	}
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = flowCopy(k)
	}
	return &c
}

// nextVerb is `next [n]`.
func (s *Shell) nextVerb(ctx context.Context, args []string) error {
	n := 1
	if len(args) > 1 {
		return errors.New("want at most one count, e.g. next 3")
	}
	if len(args) == 1 {
		v, err := strconv.Atoi(args[0])
		if err != nil || v < 1 {
			return fmt.Errorf("count %q is not a positive whole number", args[0])
		}
		n = v
	}
	return s.nextSteps(ctx, n)
}

// clockOffset is how far virtual time has moved since the start.
func (s *Shell) clockOffset() string {
	return scenario.FormatDuration(s.world.Sched.Now().Sub(s.world.Start))
}
