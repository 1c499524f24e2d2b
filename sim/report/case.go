// Package report writes the results of scenario runs for people and machines: a terminal
// reporter (one line per scenario and a final "N passed, N failed, N invalid"), GitHub Actions
// workflow annotations, a JUnit XML file for CI, and a directory of JSON-lines traces, one file per
// scenario.
//
// It consumes its own small Case type rather than the runner's result, so that it depends on
// neither package sim/runner nor the CLI; callers copy runner.Result into a Case. StepSpan and
// Failure are declared here once and package runner names them for its results.
package report

import (
	"fmt"
	"time"
)

// Case is the outcome of one scenario file.
type Case struct {
	Name   string // scenario name; empty when the file could not be parsed
	Path   string // file path as given
	Labels []string
	// Description is the file's `description:`; Notes the `note:` of its steps in file order.
	Description string
	Notes       []Note
	Passed      bool
	Wall        time.Duration // real time the run took
	Virtual     time.Duration // virtual time the scenario covered
	Failure     *Failure      // the failing step, when a step failed
	Trace       []byte        // JSON lines
	// Err is set when the scenario did not run to a verdict: an invalid file (Invalid is then
	// true and nothing ran) or a world that could not be built.
	Err     error
	Invalid bool
	// Start is the scenario's virtual start; Steps the virtual instants each step that ran began
	// and ended, in file order (for timelines).
	Start time.Time
	Steps []StepSpan
	// Wave is the migration-wave report (`ucssim run --report`), nil unless asked for.
	Wave *Wave
}

// StepSpan is the virtual time one step took; trace events with seq in (FirstSeq, LastSeq] were
// recorded while it ran.
type StepSpan struct {
	At, End           time.Time
	FirstSeq, LastSeq int
}

// Failure locates and explains a failing step.
type Failure struct {
	Path       string
	Line, Col  int
	Step       string // the step as written, e.g. "expect: {user: Ken Myer, state: Migrated}"
	Expected   string
	Seen       string
	Note       string   // the failing step's `note:`, if it has one
	LastEvents []string // the last trace events before the failure, oldest first
	// Invariant names the broken invariant when an `invariants:` check failed, else "".
	Invariant string
}

func (f *Failure) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s: expected %s, saw %s", f.Path, f.Line, f.Col, f.Step, f.Expected, f.Seen)
}

// Note is a step's `note:` and where the step stands.
type Note struct {
	Line, Col int
	Text      string
}

// Title is the scenario's name, or its path when the file did not parse.
func (c Case) Title() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Path
}

// Tally counts passed, failed and invalid cases: an invalid file (nothing of it ran) is counted
// as invalid, not as failed; a run that broke off counts as failed.
func Tally(cases []Case) (passed, failed, invalid int) {
	for _, c := range cases {
		switch {
		case c.Invalid:
			invalid++
		case c.Passed && c.Err == nil:
			passed++
		default:
			failed++
		}
	}
	return passed, failed, invalid
}
