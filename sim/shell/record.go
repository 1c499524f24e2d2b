package shell

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// The session's recording: every line that acted on the world, as the scenario step that does the
// same (a cmdlet with the answers given to its questions, a sign-in, a wait, a replayed file step).
// A world is deterministic, so the recording is the session: save writes it as a scenario file,
// the journal keeps it on disk as it grows, and undo, restore and reset rebuild the world from the
// file's start and replay the steps they keep.

// entry is one recorded step.
type entry struct {
	step    scenario.Step
	answers []engine.Choice // a cmdlet's answers to its confirmation questions, in turn
	at      time.Time       // the virtual time it started at
	end     time.Time       // the virtual time it ended at
	seqs    [2]int          // the trace events it caused: seq in (seqs[0], seqs[1]]
	line    string          // what was typed, or how a replayed file step reads
	node    *yaml.Node      // a replayed file step: the step as the file wrote it
	file    int             // a replayed file step: its index in the file; -1 when typed
	changed bool            // it moved the clock or added trace events (undo goes back to one that did)
	failed  bool            // a replayed file step that failed (the replay stopped there)
}

// recorder is the shell's recording and what goes back over it.
type recorder struct {
	entries     []entry
	checkpoints map[string]int // name -> number of entries kept
	journal     *journal
	full        bool // the session passed maxRecorded steps: recording stopped
}

// mark is the world's state before a step, to tell whether the step changed anything.
type mark struct {
	events int
	now    time.Time
}

func (s *Shell) mark() mark {
	return mark{events: len(s.world.Trace.Events()), now: s.world.Sched.Now()}
}

func (s *Shell) changedSince(m mark) bool {
	return len(s.world.Trace.Events()) != m.events || !s.world.Sched.Now().Equal(m.now)
}

// maxRecorded bounds a session's recording: past it the session goes on, but save, undo,
// checkpoints and the journal stop (each says so). A variable for the spec that reaches it.
var maxRecorded = 100000

// record adds a step to the recording and the journal.
func (s *Shell) record(e entry, m mark) {
	if s.rec.full {
		return
	}
	if len(s.rec.entries) >= maxRecorded {
		s.rec.full = true
		s.setEntries(nil)
		s.rec.checkpoints = nil
		s.rec.journal.note(s, fmt.Sprintf("the session passed %d steps: the journal stops here", maxRecorded))
		s.rec.journal.close()
		s.rec.journal = nil
		s.errorf("The session passed %d recorded steps: save, undo, checkpoints and the journal stop here.", maxRecorded)
		return
	}
	e.changed = s.changedSince(m)
	e.at, e.end, e.seqs = m.now, s.world.Sched.Now(), [2]int{m.events, s.world.Trace.Len()}
	s.ww.mu.Lock()
	s.rec.entries = append(s.rec.entries, e)
	heard := make([]func(), 0, len(s.ww.steps))
	for _, fn := range s.ww.steps {
		heard = append(heard, fn)
	}
	s.ww.mu.Unlock()
	s.rec.journal.step(s, e)
	for _, fn := range heard {
		fn()
	}
}

// setEntries replaces the recording; the live page reads it from its own goroutine.
func (s *Shell) setEntries(es []entry) {
	s.ww.mu.Lock()
	defer s.ww.mu.Unlock()
	s.rec.entries = es
}

// errTooLong refuses to go back or save once the recording has stopped.
func errTooLong() error {
	return fmt.Errorf("the session passed %d recorded steps, so it can no longer be saved or gone back over", maxRecorded)
}

// recordCmdlet returns the confirmation function a cmdlet line runs with (the shell's own, noting
// each answer) and the function that records the line once it has run.
func (s *Shell) recordCmdlet(line string) (ask func(question string) engine.Choice, done func(err error)) {
	m := s.mark()
	var answers []engine.Choice
	ask = func(q string) engine.Choice {
		a := s.ask(q)
		answers = append(answers, a)
		return a
	}
	done = func(err error) {
		st := scenario.Step{Kind: scenario.StepRun, Command: line, Answers: answers}
		if err != nil {
			msg := err.Error()
			st.Error = &msg
		}
		s.record(entry{step: st, answers: answers, line: line, file: -1}, m)
	}
	return ask, done
}

// runner runs scenario steps on the shell's world exactly as `ucssim run` does.
func (s *Shell) runner(ctx context.Context) *runner.Runner {
	return runner.NewRunner(ctx, s.world, s.file)
}

// do runs a shell verb's step through the scenario runner and records it. A step that failed is
// recorded (with its error) only when it left a mark on the world: a sign-in, sign-out, prompt
// answer or Outlook edit that failed half-way.
func (s *Shell) do(ctx context.Context, st scenario.Step, line string) error {
	m := s.mark()
	fail := s.runner(ctx).Step(st)
	if fail == nil {
		s.record(entry{step: st, line: line, file: -1}, m)
		return nil
	}
	switch st.Kind {
	case scenario.StepSignIn, scenario.StepSignOut, scenario.StepAcceptPrompt, scenario.StepOutlookAddContact:
		if !s.changedSince(m) {
			break // refused before it touched the world: nothing to replay
		}
		msg := fail.Seen
		st.Error = &msg
		s.record(entry{step: st, line: line, file: -1}, m)
	}
	return stepError(fail.Seen)
}

// stepError is a failed step's message, printed after the verb.
type stepError string

func (e stepError) Error() string { return string(e) }

// rebuild closes the world, builds it again from the file's start and replays keep on it silently.
// The events of the replay are not printed again.
func (s *Shell) rebuild(ctx context.Context, keep []entry) error {
	s.pauseWatch()
	s.world.Close()
	w, err := sim.NewWorld(s.file.World, s.file.Start, s.world.Seed, s.opt.World)
	if err != nil {
		// The old world is closed: nothing can run any more, so the shell ends.
		s.broken = fmt.Errorf("rebuild the world: %w", err)
		return s.broken
	}
	s.setWorld(w)
	if s.opt.ShowEndpoints {
		// serve: outside clients must register again with the new world (same ports when fixed).
		s.printf("The world was rebuilt; outside clients must sign in again.\n")
		s.printEndpoints()
	}
	r := s.runner(ctx)
	for i, e := range keep {
		st := e.step
		if st.Kind == scenario.StepRun && len(e.answers) > 0 {
			st.Answers = e.answers
		}
		m := s.mark()
		fail := r.Step(st)
		// where it lands now (after an undo, the steps after the one undone move)
		keep[i].at, keep[i].end, keep[i].seqs = m.now, w.Sched.Now(), [2]int{m.events, w.Trace.Len()}
		if fail != nil && e.file < 0 {
			// A typed step that failed was recorded with its error, so this is a divergence.
			s.printed = len(w.Trace.Events())
			s.setEntries(keep[:i])
			s.resumeWatch()
			return fmt.Errorf("replaying %q diverged from the session: %s", e.line, fail.Seen)
		}
	}
	s.printed = len(w.Trace.Events())
	s.setEntries(keep)
	s.replayFrom(keep)
	s.resumeWatch()
	return nil
}

// goBack keeps the first n entries, rebuilding the world and rewriting the journal (why: the verb).
func (s *Shell) goBack(ctx context.Context, why string, n int) error {
	if s.rec.full {
		return errTooLong()
	}
	dropped := s.rec.entries[n:]
	keep := append([]entry(nil), s.rec.entries[:n]...)
	err := s.rebuild(ctx, keep)
	s.rec.journal.rewrite(s, why, dropped)
	for name, k := range s.rec.checkpoints {
		if k > len(s.rec.entries) {
			delete(s.rec.checkpoints, name)
		}
	}
	return err
}

// undo goes back over the last step that changed the world. The lines after it that changed
// nothing (queries, variables set) stay, and run again on the rebuilt world.
func (s *Shell) undo(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected %q: usage undo", strings.Join(args, " "))
	}
	if s.rec.full {
		return errTooLong()
	}
	k := len(s.rec.entries) - 1
	for k >= 0 && !s.rec.entries[k].changed {
		k--
	}
	if k < 0 {
		return fmt.Errorf("nothing to undo: the world is as it started")
	}
	undone := s.rec.entries[k]
	keep := append(append([]entry(nil), s.rec.entries[:k]...), s.rec.entries[k+1:]...)
	if err := s.rebuild(ctx, keep); err != nil {
		return err
	}
	s.rec.journal.rewrite(s, "undo", []entry{undone})
	for name, n := range s.rec.checkpoints {
		if n > k {
			delete(s.rec.checkpoints, name) // it included the step undone
		}
	}
	s.printf("undone: %s\nVirtual time %s.\n", undone.line, s.clock())
	return nil
}

// reset starts the world again from the file (a replayed file starts from its first step).
func (s *Shell) reset(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected %q: usage reset", strings.Join(args, " "))
	}
	if err := s.goBack(ctx, "reset", 0); err != nil {
		return err
	}
	s.printf("The world starts again: %s, seed %d.\nVirtual time %s.\n", s.file.Name, s.world.Seed, s.clock())
	return nil
}

// checkpoint names the session so far; restore goes back to it.
func (s *Shell) checkpoint(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("want one name, e.g. checkpoint before-rollback")
	}
	if s.rec.full {
		return errTooLong()
	}
	if s.rec.checkpoints == nil {
		s.rec.checkpoints = map[string]int{}
	}
	if len(s.rec.checkpoints) >= maxCheckpoints {
		if _, ok := s.rec.checkpoints[args[0]]; !ok {
			return fmt.Errorf("at most %d checkpoints", maxCheckpoints)
		}
	}
	s.rec.checkpoints[args[0]] = len(s.rec.entries)
	s.printf("checkpoint %s: %d steps, virtual time %s\n", args[0], len(s.rec.entries), s.clock())
	return nil
}

// maxCheckpoints bounds the named checkpoints of a session.
const maxCheckpoints = 1000

func (s *Shell) restore(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("want one checkpoint name, e.g. restore before-rollback")
	}
	n, ok := s.rec.checkpoints[args[0]]
	if !ok {
		names := make([]string, 0, len(s.rec.checkpoints))
		for k := range s.rec.checkpoints {
			names = append(names, k)
		}
		hint := "none yet; make one with checkpoint NAME"
		if len(names) > 0 {
			hint = "checkpoints: " + strings.Join(sortedCopy(names), ", ")
			if best := suggest(args[0], names); best != "" {
				hint = fmt.Sprintf("did you mean %q? %s", best, hint)
			}
		}
		return fmt.Errorf("no checkpoint %q (%s)", args[0], hint)
	}
	if err := s.goBack(ctx, "restore "+args[0], n); err != nil {
		return err
	}
	s.printf("restored %s: %d steps, virtual time %s\n", args[0], n, s.clock())
	return nil
}
