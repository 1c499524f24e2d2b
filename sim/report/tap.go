package report

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// TAP writes the Test Anything Protocol (version 13): a plan line, one `ok`/`not ok` line per
// scenario with a YAML diagnostic block for failures and invalid files, and the summary as a
// comment. It is what `--format tap` writes.
type TAP struct {
	mu sync.Mutex
	w  io.Writer
	n  int
}

// NewTAP returns a TAP reporter writing to w; total is the number of cases that will follow.
func NewTAP(w io.Writer, total int) *TAP {
	fmt.Fprintf(w, "TAP version 13\n1..%d\n", total)
	return &TAP{w: w}
}

// Progress does nothing: TAP consumers read the result lines.
func (t *TAP) Progress(done, total int) {}

// Case prints one test line.
func (t *TAP) Case(c Case) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
	desc := strings.NewReplacer("#", `\#`, "\n", " ").Replace(c.Title())
	switch {
	case c.Invalid:
		fmt.Fprintf(t.w, "not ok %d - %s\n  ---\n  message: invalid scenario file, not run\n  file: %q\n  errors: |\n%s  ...\n",
			t.n, desc, c.Path, indentBlock(c.Err.Error(), "    "))
	case c.Passed && c.Err == nil:
		fmt.Fprintf(t.w, "ok %d - %s\n", t.n, desc)
	default:
		fmt.Fprintf(t.w, "not ok %d - %s\n  ---\n  file: %q\n", t.n, desc, c.Path)
		if f := c.Failure; f != nil {
			fmt.Fprintf(t.w, "  line: %d\n  col: %d\n  step: %q\n", f.Line, f.Col, f.Step)
			if f.Note != "" {
				fmt.Fprintf(t.w, "  note: %q\n", f.Note)
			}
			fmt.Fprintf(t.w, "  expected: %q\n  seen: |\n%s", f.Expected, indentBlock(f.Seen, "    "))
		}
		if c.Err != nil {
			fmt.Fprintf(t.w, "  error: %q\n", c.Err.Error())
		}
		fmt.Fprintln(t.w, "  ...")
	}
}

// Summary prints the counts as a TAP comment.
func (t *TAP) Summary(cases []Case) {
	t.mu.Lock()
	defer t.mu.Unlock()
	passed, failed, invalid := Tally(cases)
	fmt.Fprintf(t.w, "# %d passed, %d failed, %d invalid\n", passed, failed, invalid)
}

func indentBlock(text, prefix string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString(prefix + line + "\n")
	}
	return b.String()
}
