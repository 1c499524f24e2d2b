package report

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ucssim/ucssim/sim/scenario"
)

// TerminalOptions choose what the terminal reporter decorates its lines with.
type TerminalOptions struct {
	Color    bool // ANSI colours for PASS/FAIL
	Progress bool // a "[done/total]" line rewritten in place while scenarios run
}

// OptionsFor decides colour and progress for an output: both only on a terminal, and colour
// only when NO_COLOR is unset (https://no-color.org).
func OptionsFor(w io.Writer) TerminalOptions {
	tty := IsTerminal(w)
	_, noColor := os.LookupEnv("NO_COLOR")
	return TerminalOptions{Color: tty && !noColor, Progress: tty}
}

// IsTerminal reports whether an input or output is a terminal: an *os.File on a character device.
func IsTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// Terminal prints results for a person. It is safe for concurrent use: Progress may be called
// from workers while Case prints in file order.
type Terminal struct {
	mu         sync.Mutex
	w          io.Writer
	opt        TerminalOptions
	progressOn bool
}

// NewTerminal returns a reporter writing to w.
func NewTerminal(w io.Writer, opt TerminalOptions) *Terminal {
	return &Terminal{w: w, opt: opt}
}

const (
	green = "\033[32m"
	red   = "\033[31m"
	dim   = "\033[2m"
	reset = "\033[0m"
)

func (t *Terminal) paint(colour, s string) string {
	if !t.opt.Color {
		return s
	}
	return colour + s + reset
}

// clearProgress erases the progress line so a result line can take its place.
func (t *Terminal) clearProgress() {
	if t.progressOn {
		fmt.Fprint(t.w, "\r\033[K")
		t.progressOn = false
	}
}

// Progress shows how many scenarios have finished; it prints nothing unless enabled.
func (t *Terminal) Progress(done, total int) {
	if !t.opt.Progress {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, "\r\033[K%s", t.paint(dim, fmt.Sprintf("[%d/%d] running scenarios...", done, total)))
	t.progressOn = true
}

// Case prints one scenario: a PASS/FAIL line, and on failure where, what was expected, what was
// seen and the last trace events.
func (t *Terminal) Case(c Case) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clearProgress()
	fmt.Fprint(t.w, FormatCase(c, t.paint))
}

// Summary prints the final line, exactly "N passed, N failed, N invalid".
func (t *Terminal) Summary(cases []Case) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clearProgress()
	passed, failed, invalid := Tally(cases)
	fmt.Fprintf(t.w, "%d passed, %d failed, %d invalid\n", passed, failed, invalid)
}

// FormatCase renders one case as the terminal shows it; paint may colour a fragment.
func FormatCase(c Case, paint func(colour, s string) string) string {
	if paint == nil {
		paint = func(_, s string) string { return s }
	}
	var b strings.Builder
	switch {
	case c.Invalid:
		fmt.Fprintf(&b, "%s %s (invalid file, not run)\n", paint(red, "INVALID"), c.Path)
		writeIndented(&b, c.Err.Error())
		return b.String()
	case c.Passed && c.Err == nil:
		fmt.Fprintf(&b, "%s %s  %s  %s  virtual %s\n", paint(green, "PASS"), c.Title(), c.Path, wallMS(c.Wall), virtual(c.Virtual))
		return b.String()
	}
	fmt.Fprintf(&b, "%s %s  %s  %s  virtual %s\n", paint(red, "FAIL"), c.Title(), c.Path, wallMS(c.Wall), virtual(c.Virtual))
	if f := c.Failure; f != nil {
		fmt.Fprintf(&b, "    at %s:%d:%d: %s\n", f.Path, f.Line, f.Col, f.Step)
		if f.Note != "" {
			writeField(&b, "note:", f.Note)
		}
		writeField(&b, "expected:", f.Expected)
		writeField(&b, "seen:", f.Seen)
		if len(f.LastEvents) > 0 {
			b.WriteString("    last events:\n")
			for _, e := range f.LastEvents {
				fmt.Fprintf(&b, "      %s\n", e)
			}
		}
	}
	if c.Err != nil {
		fmt.Fprintf(&b, "    error: %s\n", strings.ReplaceAll(c.Err.Error(), "\n", "\n           "))
	}
	return b.String()
}

// writeField prints "    label text" with the label padded to one width, and every further line
// of a multi-line text indented under the text's first column.
func writeField(b *strings.Builder, label, text string) {
	const width = 10 // "expected: "
	pad := strings.Repeat(" ", width-len(label))
	cont := "\n    " + strings.Repeat(" ", width)
	fmt.Fprintf(b, "    %s%s%s\n", label, pad, strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", cont))
}

func writeIndented(b *strings.Builder, text string) {
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintf(b, "    %s\n", line)
	}
}

func wallMS(d time.Duration) string {
	return fmt.Sprintf("%dms", d.Milliseconds())
}

func virtual(d time.Duration) string {
	return scenario.FormatDuration(d)
}
