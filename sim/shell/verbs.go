package shell

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ucssim/ucssim/sim/scenario"
)

// verbHelp is one shell verb: its usage, what it does and an example.
type verbHelp struct {
	name, usage, what, example string
}

var verbs = []verbHelp{
	{"signin", "signin <user> [lync2013|lync2010|mobile] [endpoint]", "sign a user in over SIP (default lync2013, endpoint desktop)", `signin "Ken Myer"`},
	{"signout", "signout <user> [endpoint]", "sign that endpoint out", "signout Ken Myer"},
	{"accept", "accept <user>", "answer the log-off prompt: sign out and back in with the same client", "accept Ken Myer"},
	{"wait", "wait <duration>", "move the clock forward (Go durations plus days), printing what happens", "wait 10m, wait 7d"},
	{"until", "until <+offset|RFC3339>", "move the clock to an instant (offset from the start)", "until +7d10m"},
	{"status", "status [user]", "state, store, contacts, attempts, hold, policy and endpoints of users", "status Ken Myer"},
	{"timeline", "timeline [user] [--all] [n]", "what happened, in plain English with offsets (--all: every contact edit too; n: the last n lines)", "timeline Ken Myer"},
	{"fault", "fault <down|busy|slow|unauthorized> <duration> [backoff|latency]", "make Exchange misbehave for a while (busy: back-off; slow: latency)", "fault slow 1h 2m"},
	{"outlook", "outlook <user> <uri> [name]", "add a contact from Outlook straight into the mailbox", "outlook Ken Myer sip:anne@litwareinc.com Anne Wallace"},
	{"time", "time", "the current virtual time", "time"},
	{"events", "events on|off", "show the events after each cmdlet line (on, the default) or not (-Verbose shows them anyway)", "events off"},
	{"help", "help", "this list", "help"},
	{"exit", "exit | quit", "leave the shell (so does the end of the input)", "exit"},
}

// verb runs a shell verb. words[0] is the verb as typed.
func (s *Shell) verb(ctx context.Context, words []string) (quit bool, err error) {
	args := words[1:]
	switch strings.ToLower(words[0]) {
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
		return false, s.moveTo(ctx, s.world.Sched.Now().Add(d))
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
		return false, s.moveTo(ctx, t)
	case "signin":
		return false, s.signIn(ctx, args)
	case "signout":
		return false, s.signOut(ctx, args)
	case "accept":
		return false, s.accept(ctx, args)
	case "status":
		return false, s.status(args)
	case "timeline":
		return false, s.timeline(args)
	case "fault":
		return false, s.fault(args)
	case "outlook":
		return false, s.outlook(ctx, args)
	default:
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
		if d := editDistance(w, []rune(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
