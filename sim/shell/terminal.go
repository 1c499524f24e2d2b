package shell

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/peterh/liner"
)

// The terminal front: on a terminal the shell reads lines with github.com/peterh/liner, which gives
// line editing (arrows, Home/End, Ctrl-A/E/K/U/W), history (Up/Down, Ctrl-R search) kept across
// sessions in a history file, and Tab completion (complete.go). Ctrl-C drops the line being typed
// (at a confirmation question it answers no); Ctrl-D on an empty line leaves the shell. Piped input
// never comes here: it is read plainly, so transcripts carry no escape codes.

// errInterrupted is Ctrl-C at a prompt: the line being typed is dropped.
var errInterrupted = errors.New("interrupted")

// historyKept is how many lines the history file keeps.
const historyKept = liner.HistoryLimit

// terminal reads lines from the process's terminal with editing, history and completion.
type terminal struct {
	l           *liner.State
	historyPath string
	reads       chan termRead
}

type termRead struct {
	line string
	err  error
}

// newTerminal takes over the process's terminal. historyPath "" keeps no history file.
func newTerminal(s *Shell, historyPath string) *terminal {
	l := liner.NewLiner()
	l.SetCtrlCAborts(true)
	l.SetTabCompletionStyle(liner.TabPrints)
	l.SetWordCompleter(s.Complete)
	t := &terminal{l: l, historyPath: historyPath}
	if historyPath != "" {
		if f, err := os.Open(historyPath); err == nil {
			n, _ := l.ReadHistory(f)
			f.Close()
			if n >= historyKept {
				t.trimHistory()
			}
		}
	}
	return t
}

// prompt shows p and reads a line; history adds it to the history (and its file). Ctrl-C is
// errInterrupted, Ctrl-D on an empty line io.EOF, the end of ctx its error.
func (t *terminal) prompt(ctx context.Context, p string, history bool) (string, error) {
	if t.reads == nil {
		t.reads = make(chan termRead, 1)
	}
	go func() {
		line, err := t.l.Prompt(p)
		t.reads <- termRead{line, err}
	}()
	var r termRead
	select {
	case r = <-t.reads:
	case <-ctx.Done():
		t.reads = nil // the prompt goroutine ends with the next key or at Close
		return "", ctx.Err()
	}
	switch {
	case errors.Is(r.err, liner.ErrPromptAborted):
		return "", errInterrupted
	case r.err != nil:
		return "", r.err
	}
	if history && strings.TrimSpace(r.line) != "" {
		t.l.AppendHistory(r.line)
		t.appendHistoryFile(r.line)
	}
	return r.line, nil
}

// appendHistoryFile adds a line to the history file at once, so a crashed session keeps it.
func (t *terminal) appendHistoryFile(line string) {
	if t.historyPath == "" || strings.ContainsAny(line, "\r\n") {
		return
	}
	if err := os.MkdirAll(filepath.Dir(t.historyPath), 0o700); err != nil {
		return
	}
	f, err := os.OpenFile(t.historyPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	fmt.Fprintln(f, line)
	f.Close()
}

// trimHistory rewrites the history file with the lines liner keeps (the newest historyKept).
func (t *terminal) trimHistory() {
	var b strings.Builder
	if _, err := t.l.WriteHistory(&b); err != nil {
		return
	}
	_ = writeFileAtomic(t.historyPath, []byte(b.String()))
}

// close gives the terminal back as it was.
func (t *terminal) close() {
	t.l.Close()
}
