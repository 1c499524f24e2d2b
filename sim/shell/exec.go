package shell

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
)

// cmdletName is how a Management Shell line starts: Verb-Noun.
var cmdletName = regexp.MustCompile(`^[A-Za-z]+-[A-Za-z][A-Za-z0-9]*(\s|$)`)

// Exec runs one line: a cmdlet, a shell verb, a comment (#) or nothing. It reports whether the
// line asked to leave the shell. Confirmations are read from the shell's input.
func (s *Shell) Exec(ctx context.Context, line string) (quit bool) {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return false
	}
	if cmdletName.MatchString(trimmed) {
		s.cmdlet(ctx, trimmed)
		s.flush()
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

// cmdlet runs a Management Shell line on the engine, answering confirmations from the input.
func (s *Shell) cmdlet(ctx context.Context, line string) {
	res, err := s.world.RunCmdlet(ctx, line, s.ask)
	if err != nil {
		s.cmdletError(line, err)
		return
	}
	if res != nil && res.Text != "" {
		s.printf("%s", res.Text)
		if !strings.HasSuffix(res.Text, "\n") {
			s.printf("\n")
		}
	}
}

// cmdletError prints a terminating error the way PowerShell shows one, with the place in the
// line when the engine knows it.
func (s *Shell) cmdletError(line string, err error) {
	var ce *engine.CmdletError
	if !errors.As(err, &ce) || ce.Column <= 0 {
		s.errorf("%v", err)
		return
	}
	col := ce.Column
	if n := len([]rune(line)); col > n+1 {
		col = n + 1
	}
	s.errorf("%v\nAt line:1 char:%d\n+ %s\n+ %s~", err, ce.Column, line, strings.Repeat(" ", col-1))
}

// confirmChoices is what PowerShell prints below a ShouldProcess question.
const confirmChoices = `[Y] Yes  [N] No  (default is "Y"): `

// ask prints a confirmation question and reads the answer from the input: Y, Yes or an empty
// line is yes; N or No is no; anything else asks again; the end of the input is no.
func (s *Shell) ask(question string) bool {
	s.printf("\nConfirm\n%s\n", question)
	if s.autoYes {
		s.printf("%sY\n", confirmChoices)
		return true
	}
	for {
		s.printf("%s", confirmChoices)
		answer, err := s.readLine()
		if err != nil {
			s.printf("\n")
			return false
		}
		if s.opt.Echo {
			s.printf("%s\n", answer)
		}
		switch strings.ToLower(strings.TrimSpace(answer)) {
		case "", "y", "yes":
			return true
		case "n", "no":
			return false
		}
		s.errorf("answer Y (yes) or N (no), not %q", strings.TrimSpace(answer))
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
