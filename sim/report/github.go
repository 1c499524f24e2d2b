package report

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ucssim/ucssim/sim/scenario"
)

// Annotations returns the GitHub Actions workflow commands
// (https://docs.github.com/actions/reference/workflow-commands-for-github-actions) that mark a case
// in the run's summary and on the file's lines: one `::error` at the failing step of a failed
// scenario, one per problem of an invalid file, and one at the top of a file whose run broke off.
// A passing case has none.
func Annotations(c Case) []string {
	switch {
	case c.Invalid:
		var list scenario.ErrorList
		if errors.As(c.Err, &list) && len(list) > 0 {
			out := make([]string, 0, len(list))
			for _, e := range list {
				out = append(out, annotation(e.Path, e.Line, e.Col, "invalid scenario file", e.Msg))
			}
			return out
		}
		return []string{annotation(c.Path, 1, 1, "invalid scenario file", c.Err.Error())}
	case c.Passed && c.Err == nil:
		return nil
	}
	title := "scenario failed: " + c.Title()
	if f := c.Failure; f != nil {
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n", f.Step)
		if f.Note != "" {
			fmt.Fprintf(&b, "note: %s\n", f.Note)
		}
		fmt.Fprintf(&b, "expected: %s\nseen: %s", f.Expected, f.Seen)
		if c.Err != nil {
			fmt.Fprintf(&b, "\nerror: %s", c.Err)
		}
		return []string{annotation(f.Path, f.Line, f.Col, title, b.String())}
	}
	msg := "scenario failed"
	if c.Err != nil {
		msg = c.Err.Error()
	}
	return []string{annotation(c.Path, 1, 1, title, msg)}
}

// annotation formats one ::error command, escaping as the runner expects: in the message %, CR
// and LF; in property values also ':' and ','.
func annotation(file string, line, col int, title, msg string) string {
	return fmt.Sprintf("::error file=%s,line=%d,col=%d,title=%s::%s",
		escapeProperty(file), line, col, escapeProperty(title), escapeData(strings.TrimRight(msg, "\n")))
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// GitHub prints what Terminal prints, without colour or progress, followed for each failed or
// invalid case by its workflow annotations; it is what `--format github` writes.
type GitHub struct{ *Terminal }

// NewGitHub returns a reporter for a GitHub Actions log.
func NewGitHub(w io.Writer) *GitHub { return &GitHub{NewTerminal(w, TerminalOptions{})} }

// Case prints the case, then its annotations.
func (g *GitHub) Case(c Case) {
	g.Terminal.Case(c)
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, a := range Annotations(c) {
		fmt.Fprintln(g.w, a)
	}
}
