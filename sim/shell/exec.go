package shell

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
)

// Exec runs one line: a shell verb, a comment (#), nothing, or a Management Shell line (cmdlets,
// pipelines, variables, ';'). It reports whether the line asked to leave the shell.
// Confirmations are read from the shell's input.
func (s *Shell) Exec(ctx context.Context, line string) (quit bool) {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return false
	}
	if !s.isVerbLine(trimmed) {
		s.cmdlet(ctx, trimmed)
		return false
	}
	words, err := splitWords(trimmed)
	if err != nil {
		s.errorf("%v", err)
		return false
	}
	quit, err = s.verb(ctx, words)
	s.flush()
	var unknown unknownError
	switch {
	case errors.As(err, &unknown):
		s.errorf("%v", err)
	case err != nil:
		s.errorf("%s: %v", strings.ToLower(words[0]), err)
	}
	return quit
}

// isVerbLine: the line starts with a shell verb (help alone is the shell's; help <cmdlet> is
// Get-Help), or with a bare word that is neither a verb nor a command (the shell suggests a verb).
func (s *Shell) isVerbLine(line string) bool {
	first := strings.Fields(line)[0]
	lf := strings.ToLower(first)
	for _, v := range verbs {
		if v.name == lf {
			return lf != "help" || len(strings.Fields(line)) == 1
		}
	}
	switch lf {
	case "quit", "?":
		return lf == "quit" || len(strings.Fields(line)) == 1
	}
	if strings.ContainsAny(first[:1], "$'\"{(0123456789") || strings.Contains(first, "-") || strings.ContainsAny(first, "|;=") {
		return false
	}
	return !engine.IsCommand(first)
}

// shellVerbs describes the simulation verbs for Get-Command and Get-Help.
func shellVerbs() []engine.Verb {
	out := make([]engine.Verb, len(verbs))
	for i, v := range verbs {
		out[i] = engine.Verb{Name: v.name, Usage: v.usage, What: v.what, Example: v.example}
	}
	return out
}

// cmdlet runs a Management Shell line on the engine, answering confirmations from the input, and
// prints what PowerShell would: warnings, what-if lines, errors and the formatted output, then
// the events of the line (as VERBOSE lines with -Verbose; not at all with `events off`).
func (s *Shell) cmdlet(ctx context.Context, line string) {
	res, err := s.world.RunLine(ctx, line, sim.LineOptions{Ask: s.ask, Session: s.session, Verbs: shellVerbs()})
	if res == nil {
		var ce *engine.CmdletError
		if errors.As(err, &ce) {
			s.errorf("%s", ce.Format(line))
		} else if err != nil {
			s.errorf("%v", err)
		}
		s.flushEvents(false)
		return
	}
	for _, ch := range res.Chunks {
		switch ch.Kind {
		case "error":
			s.errorf("%s", ch.Text)
		case "warning":
			s.colored("\x1b[33m", ch.Text)
		default:
			s.printf("%s", ch.Text)
		}
	}
	for _, f := range res.Files {
		if werr := os.WriteFile(f.Path, []byte(f.Content), 0o644); werr != nil {
			s.errorf("%s", (&engine.CmdletError{Cmdlet: "Debug-CsUnifiedContactStore", Message: fmt.Sprintf("Could not write %s: %v", f.Path, werr)}).Format(line))
		}
	}
	s.flushEvents(res.Verbose)
}

// flushEvents prints the events of a cmdlet line: as they are (events on), as VERBOSE lines
// (-Verbose), or not at all (events off).
func (s *Shell) flushEvents(verbose bool) {
	ev := s.world.Trace.Events()
	for _, e := range ev[s.printed:] {
		switch {
		case e.Type == "cmdlet.error": // the error itself has been shown
		case verbose:
			s.colored("\x1b[33m", "VERBOSE: "+s.formatEvent(e)+"\n")
		case !s.quiet:
			s.printf("%s\n", s.formatEvent(e))
		}
	}
	s.printed = len(ev)
}

func (s *Shell) colored(code, text string) {
	if s.opt.Color {
		text = code + strings.TrimRight(text, "\n") + "\x1b[0m\n"
	}
	s.printf("%s", text)
}

// confirmChoices is what PowerShell prints below a ShouldProcess question.
const confirmChoices = `[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [S] Suspend  [?] Help (default is "Y"): `

const confirmHelp = `Y - Continue with only the next step of the operation.
A - Continue with all the steps of the operation.
N - Skip this operation and proceed with the next operation.
L - Skip this operation and all subsequent operations.
S - Pause the current pipeline and return to the command prompt. Type "exit" to resume the pipeline.
`

// ask prints a confirmation question as PowerShell does and reads the answer from the input:
// Y (or an empty line), A, N, L; ? prints the choices' help. On a terminal anything else asks
// again. In a piped transcript a line that is not an answer is not swallowed: the operation is
// skipped and the line runs as the next command. The end of the input is No.
func (s *Shell) ask(question string) engine.Choice {
	s.printf("\nConfirm\n%s\n", question)
	if s.autoYes {
		s.printf("%sY\n", confirmChoices)
		return engine.Yes
	}
	for {
		s.printf("%s", confirmChoices)
		answer, err := s.readLine()
		if err != nil {
			s.printf("\n")
			return engine.No
		}
		if s.opt.Echo {
			s.printf("%s\n", answer)
		}
		switch strings.ToLower(strings.TrimSpace(answer)) {
		case "", "y", "yes":
			return engine.Yes
		case "a":
			return engine.YesToAll
		case "n", "no":
			return engine.No
		case "l":
			return engine.NoToAll
		case "?":
			s.printf("%s", confirmHelp)
			continue
		case "s":
			s.errorf("Suspend is not available in the simulator's shell: answer Y, A, N or L.")
			continue
		}
		if !s.opt.Prompt {
			s.pending = append(s.pending, answer)
			s.errorf("%q is not an answer (Y, A, N, L or ?): the operation was not performed and the line runs as the next command.", strings.TrimSpace(answer))
			return engine.No
		}
	}
}

// moveTo advances the clock to t, printing each trace event as it happens.
func (s *Shell) moveTo(ctx context.Context, t time.Time) error {
	_, err := s.world.Sched.RunWhileContext(ctx, t, func() bool {
		s.flush()
		return false
	})
	return err
}
