package shell

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine/pwsh"
	"github.com/ucssim/ucssim/sim/scenario"
)

// verbHelp is one shell verb: its usage, what it does and an example, and how it runs when verb
// has no case of its own for it.
type verbHelp struct {
	name, usage, what, example string
	run                        verbFunc
}

// verbFunc runs a verb with its arguments.
type verbFunc func(s *Shell, ctx context.Context, args []string) error

// noCtx is a verbFunc for a verb that does not move the world's clock.
func noCtx(f func(s *Shell, args []string) error) verbFunc {
	return func(s *Shell, _ context.Context, args []string) error { return f(s, args) }
}

var verbs = []verbHelp{
	{"signin", "signin <user> [lync2013|lync2010|mobile] [endpoint]", "sign a user in over SIP (default lync2013, endpoint desktop)", `signin "Ken Myer"`, (*Shell).signIn},
	{"signout", "signout <user> [endpoint]", "sign that endpoint out", "signout Ken Myer", (*Shell).signOut},
	{"accept", "accept <user>", "answer the log-off prompt: sign out and back in with the same client", "accept Ken Myer", (*Shell).accept},
	{"wait", "wait <duration>", "move the clock forward (Go durations plus days), printing what happens", "wait 10m, wait 7d", nil},
	{"until", "until <+offset|RFC3339>", "move the clock to an instant (offset from the start)", "until +7d10m", nil},
	{"status", "status [user]", "state, store, contacts, attempts, hold, policy and endpoints of users", "status Ken Myer", noCtx((*Shell).status)},
	{"timeline", "timeline [user] [--all] [n]", "what happened, in plain English with offsets (--all: every contact edit too; n: the last n lines)", "timeline Ken Myer", noCtx((*Shell).timeline)},
	{"fault", "fault <down|busy|slow|unauthorized> <duration> [backoff|latency]", "make Exchange misbehave for a while (busy: back-off; slow: latency)", "fault slow 1h 2m", (*Shell).fault},
	{"outlook", "outlook <user> <uri> [name]", "add a contact from Outlook straight into the mailbox", "outlook Ken Myer sip:anne@litwareinc.com Anne Wallace", (*Shell).outlook},
	{"time", "time", "the current virtual time", "time", nil},
	{"save", "save <file>", "write the session so far as a scenario file that ucssim run replays to the same trace", "save my-class.yaml", noCtx((*Shell).save)},
	{"undo", "undo", "go back over the last command that changed the world", "undo", (*Shell).undo},
	{"checkpoint", "checkpoint <name>", "name the session so far, to come back to it", "checkpoint before-rollback", noCtx((*Shell).checkpoint)},
	{"restore", "restore <name>", "go back to a checkpoint", "restore before-rollback", (*Shell).restore},
	{"reset", "reset", "start the world again (a replayed file starts from its first step)", "reset", (*Shell).reset},
	{"next", "next [n]", "--replay: run the file's next step (Enter does too), or the next n", "next 3", (*Shell).nextVerb},
	{"play", "play", "--replay: run the rest of the file's steps", "play", nil},
	{"history", "Get-History [-Count n] | history | h", "the lines typed this session (Up/Down recall them on a terminal)", "Get-History -Count 5", nil},
	{"events", "events on|off", "show the events after each cmdlet line (on, the default) or not (-Verbose shows them anyway)", "events off", nil},
	{"help", "help", "this list", "help", nil},
	{"exit", "exit | quit", "leave the shell (so does the end of the input)", "exit", nil},
}

// verb runs a shell verb. words[0] is the verb as typed.
func (s *Shell) verb(ctx context.Context, words []string) (quit bool, err error) {
	args := words[1:]
	name := strings.ToLower(words[0])
	switch name {
	case "exit", "quit":
		return true, nil
	case "help", "?":
		s.help()
	case "time":
		s.printf("%s\n", s.clock())
	case "events":
		switch {
		case len(args) == 1 && strings.EqualFold(args[0], "on"):
			s.quiet = false
		case len(args) == 1 && strings.EqualFold(args[0], "off"):
			s.quiet = true
		default:
			return false, errors.New("want on or off, e.g. events off")
		}
	case "wait":
		if len(args) != 1 {
			return false, errors.New("want one duration, e.g. wait 10m or wait 7d")
		}
		d, err := scenario.ParseDuration(args[0])
		if err != nil {
			return false, err
		}
		if d <= 0 {
			return false, fmt.Errorf("duration %q must be more than 0s", args[0])
		}
		return false, s.do(ctx, scenario.Step{Kind: scenario.StepWait, Wait: d}, strings.Join(words, " "))
	case "until":
		if len(args) != 1 {
			return false, errors.New("want one instant: +offset from the start (until +7d10m) or an RFC 3339 time")
		}
		in, err := scenario.ParseInstant(args[0])
		if err != nil {
			return false, err
		}
		t := in.At(s.world.Start)
		if t.Before(s.world.Sched.Now()) {
			return false, fmt.Errorf("%s is in the past (it is now %s)", t.Format(time.RFC3339), s.clock())
		}
		return false, s.do(ctx, scenario.Step{Kind: scenario.StepUntil, Until: in}, strings.Join(words, " "))
	case "play":
		if len(args) > 0 {
			return false, errors.New("play takes nothing: it runs the rest of the file's steps")
		}
		return false, s.nextSteps(ctx, -1)
	default:
		for _, v := range verbs {
			if v.run != nil && v.name == name {
				return false, v.run(s, ctx, args)
			}
		}
		return false, s.unknown(words[0])
	}
	return false, nil
}

func (s *Shell) unknown(word string) error {
	names := make([]string, 0, len(verbs)+1)
	for _, v := range verbs {
		names = append(names, v.name)
	}
	names = append(names, "quit")
	hint := ""
	if best := suggest(word, names); best != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", best)
	}
	return unknownError(fmt.Sprintf("unknown command %q%s: type help for the shell verbs, or a cmdlet such as Get-CsUserServicesPolicy", word, hint))
}

// unknownError is printed without the verb in front: there is no verb.
type unknownError string

func (e unknownError) Error() string { return string(e) }

func (s *Shell) help() {
	s.printf("Cmdlets, exactly as in the Lync Server Management Shell, for example:\n")
	s.printf("  Set-CsUserServicesPolicy -Identity global -UcsAllowed $False\n")
	s.printf("  Invoke-CsUcsRollback -Identity \"Ken Myer\"            (asks to confirm unless -Confirm:$False)\n")
	s.printf("  Get-CsUser -Filter {RegistrarPool -eq \"atl-cs-001.litwareinc.com\"} | Invoke-CsUcsRollback -Confirm:$False\n")
	s.printf("Get-Command lists the cmdlets; Get-Help <cmdlet> [-Examples|-Detailed|-Full] (or <cmdlet> -?) describes one.\n")
	s.printf("Shell verbs (case-insensitive; quote names or type them plainly):\n")
	for _, v := range verbs {
		s.printf("  %-66s %s\n", v.usage, v.what)
		s.printf("  %-66s e.g. %s\n", "", v.example)
	}
}

// splitWords splits a verb line on blanks; double or single quotes keep blanks inside a word.
func splitWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("missing closing %c in %q", quote, line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) == 0 {
		return nil, errors.New("empty line")
	}
	return words, nil
}

// suggest returns the candidate within a small edit distance of word, or "".
func suggest(word string, candidates []string) string {
	w := []rune(strings.ToLower(word))
	if len(w) > 64 {
		return ""
	}
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := pwsh.EditDistance(string(w), c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}
