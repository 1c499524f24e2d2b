package shell

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// FuzzSplitWords: any line splits without panicking, and quoting each word back gives the same words.
func FuzzSplitWords(f *testing.F) {
	for _, s := range []string{`signin "Ken Myer" lync2010 laptop`, `outlook 'Ken Myer' sip:a@b "Anne W"`, `"unclosed`, "\t  wait\t7d ", `""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := splitWords(line)
		if err != nil {
			return
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			if strings.ContainsRune(w, '"') && strings.ContainsRune(w, '\'') {
				return // no quoting round-trips a word holding both quote marks
			}
			if strings.ContainsRune(w, '"') {
				quoted[i] = "'" + w + "'"
			} else {
				quoted[i] = `"` + w + `"`
			}
		}
		again, err := splitWords(strings.Join(quoted, " "))
		if err != nil || len(again) != len(words) {
			t.Fatalf("%q split into %q, re-quoted into %q (%v)", line, words, again, err)
		}
		for i := range words {
			if again[i] != words[i] {
				t.Fatalf("%q split into %q, re-quoted into %q", line, words, again)
			}
		}
	})
}

// FuzzExec: no line panics the shell or stops it from answering the next one. Lines that move
// the clock are left out: a fuzzed `wait 99999d` is valid and merely slow; so are save (it writes
// files where the fuzzer says) and the verbs that rebuild the world (slow, and specified apart).
func FuzzExec(f *testing.F) {
	for _, s := range []string{
		`signin Ken Myer`, `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName`, `status ken`,
		`fault busy 1h 5s`, `outlook Ken Myer sip:x@y Z`, `Invoke-CsUcsRollback -Identity "Ken Myer" -Confirm:$False`,
		`timeline 999999999999999999999`, `accept`, `New-CsUserServicesPolicy -Identity "a`,
	} {
		f.Add(s)
	}
	var out bytes.Buffer
	s, err := New(Options{}, &out)
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Fuzz(func(t *testing.T, line string) {
		if first, _, _ := strings.Cut(strings.TrimSpace(strings.ToLower(line)), " "); first == "wait" || first == "until" || first == "save" || first == "undo" || first == "reset" || first == "restore" || strings.ContainsAny(line, "\n\r") {
			return
		}
		out.Reset()
		if s.Exec(context.Background(), line) {
			return
		}
		out.Reset()
		s.Exec(context.Background(), "time")
		if !strings.Contains(out.String(), "UTC (start +") {
			t.Fatalf("after %q the shell no longer answers: %q", line, out.String())
		}
	})
}

// FuzzComplete: Tab completion takes any line and cursor position without panicking, and what it
// returns puts the line back together around the cursor.
func FuzzComplete(f *testing.F) {
	for _, s := range []string{`Get-CsUserServ`, `Invoke-CsUcsRollback -Identity "Ke`, `signin K`, `Get-CsUser | Move-CsUser -T`, `"`, `a;b|c -`, "\xff\xfe"} {
		f.Add(s, len(s))
	}
	var out bytes.Buffer
	s, err := New(Options{}, &out)
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Fuzz(func(t *testing.T, line string, pos int) {
		head, _, tail := s.Complete(line, pos)
		r := []rune(line)
		if pos < 0 || pos > len(r) {
			pos = len(r)
		}
		if whole := string(r); !strings.HasPrefix(whole, head) || !strings.HasSuffix(whole, tail) || len(head)+len(tail) > len(whole) {
			t.Fatalf("Complete(%q, %d) = head %q, tail %q: not around the cursor", line, pos, head, tail)
		}
	})
}
