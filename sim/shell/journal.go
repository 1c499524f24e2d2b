package shell

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// journal keeps the session on disk as it goes: a scenario file that grows by one step per command
// that acted on the world (synced before the next command runs), with the other lines (status,
// Get-CsUser ...) as comments saying when they were typed. A session that crashed or was closed
// replays to the same state with `ucssim run JOURNAL`, or `ucssim shell --world JOURNAL --replay`
// then `play` to go on from there. Going back (undo, restore, reset) rewrites it with the steps kept.
// Outside clients' requests in `serve` are not commands and are not in it.
type journal struct {
	path string
	f    *os.File
	err  error // the first write error: reported once, then the journal stops
}

// openJournal creates the journal file (and its directory) and writes the world's header.
func openJournal(s *Shell, path string) (*journal, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	head, err := s.headerYAML()
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	j := &journal{path: path, f: f}
	j.write(s, head)
	if j.err != nil {
		f.Close()
		return nil, j.err
	}
	return j, nil
}

// write appends text and syncs it to disk; the first failure is printed and stops the journal.
func (j *journal) write(s *Shell, text []byte) {
	if j == nil || j.f == nil || j.err != nil {
		return
	}
	if _, err := j.f.Write(text); err != nil {
		j.fail(s, err)
		return
	}
	if err := j.f.Sync(); err != nil {
		j.fail(s, err)
	}
}

func (j *journal) fail(s *Shell, err error) {
	j.err = fmt.Errorf("journal %s: %w", j.path, err)
	s.errorf("%v; the session goes on without a journal", j.err)
}

// step appends a recorded step.
func (j *journal) step(s *Shell, e entry) {
	if j == nil {
		return
	}
	item, err := s.itemYAML(e)
	if err != nil {
		j.fail(s, err)
		return
	}
	j.write(s, item)
}

// note appends a line that did not act on the world, as a comment with its virtual time.
func (j *journal) note(s *Shell, line string) {
	if j == nil {
		return
	}
	now := s.world.Sched.Now()
	j.write(s, []byte(fmt.Sprintf("  # %s: %s\n", now.UTC().Format("Mon 2006-01-02 15:04:05"), oneLine(line))))
}

// rewrite writes the journal again with the steps kept after going back, noting why and what was
// dropped.
func (j *journal) rewrite(s *Shell, why string, dropped []entry) {
	if j == nil || j.err != nil {
		return
	}
	text, err := s.sessionYAML(s.rec.entries)
	if err != nil {
		j.fail(s, err)
		return
	}
	if len(dropped) > 0 {
		lines := make([]string, len(dropped))
		for i, e := range dropped {
			lines[i] = "  #   " + oneLine(e.line) + "\n"
		}
		text = append(text, []byte(fmt.Sprintf("  # %s at %s; dropped:\n%s", why, s.world.Sched.Now().UTC().Format("Mon 2006-01-02 15:04:05"), strings.Join(lines, "")))...)
	}
	if err := j.f.Close(); err != nil {
		j.fail(s, err)
		return
	}
	j.f = nil
	if err := writeFileAtomic(j.path, text); err != nil {
		j.fail(s, err)
		return
	}
	f, err := os.OpenFile(j.path, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		j.fail(s, err)
		return
	}
	j.f = f
}

// close closes the journal file.
func (j *journal) close() {
	if j != nil && j.f != nil {
		j.f.Close()
		j.f = nil
	}
}
