package shell

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// historyEntry is one line typed this session, as Get-History lists it.
type historyEntry struct {
	id   int
	line string
	at   time.Time // virtual time it was typed at
}

// maxHistory bounds the session's Get-History list (the oldest lines go first).
const maxHistory = 4096

// noteLine ends the handling of a typed line: it joins the session's history, and a line that did
// not act on the world (recorded is the number of entries before it ran) goes to the journal as a
// comment.
func (s *Shell) noteLine(line string, recorded int) {
	id := 1
	if n := len(s.history); n > 0 {
		id = s.history[n-1].id + 1
	}
	s.history = append(s.history, historyEntry{id: id, line: line, at: s.world.Sched.Now()})
	if len(s.history) > maxHistory {
		s.history = s.history[len(s.history)-maxHistory:]
	}
	if len(s.rec.entries) == recorded {
		s.rec.journal.note(s, line)
	}
}

// shellCmdlet runs the cmdlets the shell answers itself (Get-History and its aliases h, history,
// ghy) and reports whether line was one.
func (s *Shell) shellCmdlet(line string) bool {
	words, err := splitWords(line)
	if err != nil || len(words) == 0 {
		return false
	}
	switch strings.ToLower(words[0]) {
	case "get-history", "history", "h", "ghy":
	default:
		return false
	}
	if err := s.getHistory(words[1:]); err != nil {
		s.errorf("Get-History : %v", err)
	}
	return true
}

// getHistory lists the session's lines as PowerShell does: `Get-History [[-Id] N] [-Count N]`.
func (s *Shell) getHistory(args []string) error {
	count, id := 0, 0
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.EqualFold(a, "-Count"), strings.EqualFold(a, "-Id"):
			if i+1 >= len(args) {
				return psErrorf("Missing an argument for parameter '%s'. Specify a parameter of type 'System.Int32' and try again.", strings.TrimPrefix(a, "-"))
			}
			n, err := strconv.Atoi(args[i+1])
			if err != nil || n < 1 {
				return psErrorf("Cannot bind parameter '%s'. Cannot convert value \"%s\" to type \"System.Int32\".", strings.TrimPrefix(a, "-"), args[i+1])
			}
			if strings.EqualFold(a, "-Count") {
				count = n
			} else {
				id = n
			}
			i++
		case !strings.HasPrefix(a, "-") && id == 0:
			n, err := strconv.Atoi(a)
			if err != nil || n < 1 {
				return psErrorf("Cannot bind parameter 'Id'. Cannot convert value \"%s\" to type \"System.Int64\".", a)
			}
			id = n
		default:
			return psErrorf("A parameter cannot be found that matches parameter name '%s'.", strings.TrimPrefix(a, "-"))
		}
	}
	list := s.history
	if id > 0 {
		list = nil
		for _, h := range s.history {
			if h.id == id {
				list = []historyEntry{h}
			}
		}
		if list == nil {
			return psErrorf("Cannot locate history for Id %d.", id)
		}
	}
	if count > 0 && len(list) > count {
		list = list[len(list)-count:]
	}
	if len(list) == 0 {
		return nil
	}
	s.printf("\n  Id CommandLine\n  -- -----------\n")
	for _, h := range list {
		s.printf("%4d %s\n", h.id, h.line)
	}
	s.printf("\n")
	return nil
}

// psError is an error worded as PowerShell words it (capitalised, ending with a full stop).
type psError string

func (e psError) Error() string { return string(e) }

func psErrorf(format string, args ...any) error { return psError(fmt.Sprintf(format, args...)) }
