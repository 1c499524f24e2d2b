package report

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ucssim/ucssim/sim/scenario"
)

type junitSuites struct {
	XMLName  xml.Name   `xml:"testsuites"`
	Name     string     `xml:"name,attr"`
	Tests    int        `xml:"tests,attr"`
	Failures int        `xml:"failures,attr"`
	Errors   int        `xml:"errors,attr"`
	Time     string     `xml:"time,attr"`
	Suite    junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Time       string          `xml:"time,attr"`
	File       string          `xml:"file,attr,omitempty"`
	Line       int             `xml:"line,attr,omitempty"`
	Properties *junitPropsList `xml:"properties,omitempty"`
	Failure    *junitProblem   `xml:"failure,omitempty"`
	Error      *junitProblem   `xml:"error,omitempty"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitPropsList struct {
	Props []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit failure types.
const (
	TypeStepFailed = "StepFailed"      // an expectation or step did not hold
	TypeInvalid    = "InvalidScenario" // the file did not validate; nothing ran
	TypeRunError   = "RunError"        // the world could not be built or the run broke off
)

// WriteJUnit writes one <testsuite> (inside <testsuites>) with a <testcase> per scenario:
// name = scenario name, classname = file path, time in seconds, file and line = where the
// failing step (or the first problem of an invalid file) stands. A failed step is a <failure>;
// an invalid file or a broken run is an <error>. The testcase's <properties> carry the
// description, the labels, the failing step's position and note, and every step's note
// ("note line:col"); <system-out> repeats them as text. started stamps the suite (zero: omitted).
func WriteJUnit(w io.Writer, suite string, started time.Time, cases []Case) error {
	s := junitSuite{Name: suite, Tests: len(cases)}
	var total time.Duration
	for _, c := range cases {
		total += c.Wall
		jc := junitCase{Name: clean(c.Title()), Classname: clean(c.Path), Time: seconds(c.Wall), File: clean(c.Path)}
		var props []junitProperty
		prop := func(name, value string) { props = append(props, junitProperty{Name: name, Value: clean(value)}) }
		if c.Description != "" {
			prop("description", strings.TrimRight(c.Description, "\n"))
		}
		if len(c.Labels) > 0 {
			prop("labels", strings.Join(c.Labels, ", "))
		}
		switch {
		case c.Invalid:
			s.Errors++
			jc.Error = &junitProblem{Message: clean(firstLine(c.Err.Error())), Type: TypeInvalid, Text: clean(c.Err.Error())}
			var list scenario.ErrorList
			if errors.As(c.Err, &list) && len(list) > 0 {
				jc.Line = list[0].Line
			}
		case c.Err != nil && c.Failure == nil:
			s.Errors++
			jc.Error = &junitProblem{Message: clean(firstLine(c.Err.Error())), Type: TypeRunError, Text: clean(FormatCase(c, nil))}
		case c.Err != nil || !c.Passed:
			msg := "scenario failed"
			if f := c.Failure; f != nil {
				msg = fmt.Sprintf("%s:%d:%d: expected %s, seen %s", f.Path, f.Line, f.Col, f.Expected, firstLine(f.Seen))
				jc.File, jc.Line = clean(f.Path), f.Line
				prop("failing step", fmt.Sprintf("%s:%d:%d: %s", f.Path, f.Line, f.Col, f.Step))
				if f.Note != "" {
					prop("failing step note", f.Note)
				}
			}
			if c.Err != nil {
				s.Errors++
				jc.Error = &junitProblem{Message: clean(msg), Type: TypeRunError, Text: clean(FormatCase(c, nil))}
			} else {
				s.Failures++
				jc.Failure = &junitProblem{Message: clean(msg), Type: TypeStepFailed, Text: clean(FormatCase(c, nil))}
			}
		}
		for _, n := range c.Notes {
			prop(fmt.Sprintf("note %d:%d", n.Line, n.Col), n.Text)
		}
		if len(props) > 0 {
			jc.Properties = &junitPropsList{Props: props}
			var out strings.Builder
			for _, p := range props {
				fmt.Fprintf(&out, "%s: %s\n", p.Name, p.Value)
			}
			jc.SystemOut = out.String()
		}
		s.Cases = append(s.Cases, jc)
	}
	s.Time = seconds(total)
	if !started.IsZero() {
		s.Timestamp = started.UTC().Format("2006-01-02T15:04:05")
	}
	doc := junitSuites{Name: suite, Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Time: s.Time, Suite: s}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// clean drops what XML 1.0 cannot carry (control characters, invalid UTF-8), which would
// otherwise make CI parsers reject the whole file.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError:
			return '?'
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
			return -1
		}
		return r
	}, s)
}
