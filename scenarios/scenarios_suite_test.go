package scenarios_test

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/scenarios"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// bundled is the suite, loaded in TestScenarios before RunSpecs so that each file becomes one
// table entry.
var bundled []*scenario.File

func TestScenarios(t *testing.T) {
	files, err := loadBundled(scenarios.FS)
	if err != nil {
		t.Fatalf("the bundled suite does not load:\n%v", err)
	}
	bundled = files
	describeRuns()
	RegisterFailHandler(Fail)
	RunSpecs(t, "Bundled scenarios")
}

// loadBundled loads every embedded *.yaml file, reporting every invalid one (file:line:col).
func loadBundled(fsys fs.FS) ([]*scenario.File, error) {
	paths, err := scenario.DiscoverFS(fsys, []string{"."})
	if err != nil {
		return nil, err
	}
	var files []*scenario.File
	var problems []string
	for _, p := range paths {
		f, err := scenario.LoadFS(fsys, p)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		files = append(files, f)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	if err := scenario.CheckSuite(files); err != nil {
		return nil, err
	}
	return files, nil
}

// topic is the directory a bundled file sits in.
func topic(f *scenario.File) string {
	return path.Dir(path.Clean(f.Path))
}

func entries() []TableEntry {
	out := make([]TableEntry, 0, len(bundled))
	for _, f := range bundled {
		out = append(out, Entry(f.Path+": "+f.Name, Label(f.Labels...), f))
	}
	return out
}

// repoPath names an embedded file the way it is found from the repository root.
func repoPath(p string) string {
	if path.IsAbs(p) {
		return p
	}
	return path.Join("scenarios", p)
}

// report renders a failed run the way a reader of CI logs needs it: where, expected, seen, and the
// last trace events.
func report(res *runner.Result) string {
	var b strings.Builder
	if fl := res.Failure; fl != nil {
		fmt.Fprintf(&b, "%s:%d:%d: %s\n  expected: %s\n  seen:     %s\n", repoPath(fl.Path), fl.Line, fl.Col, fl.Step, fl.Expected, fl.Seen)
		if len(fl.LastEvents) > 0 {
			b.WriteString("  last events:\n")
			for _, e := range fl.LastEvents {
				b.WriteString("    " + e + "\n")
			}
		}
	}
	if res.Err != nil {
		fmt.Fprintf(&b, "  error: %v\n", res.Err)
	}
	return b.String()
}

var _ = Describe("the bundled suite", func() {
	It("has at least 36 scenarios covering every topic", func() {
		Expect(len(bundled)).To(BeNumerically(">=", 36))
		seen := map[string]int{}
		for _, f := range bundled {
			seen[topic(f)]++
		}
		for _, t := range []string{"policy", "migration", "prompts", "rollback", "remigration", "clients", "faults", "limits", "checks", "seed"} {
			Expect(seen).To(HaveKey(t), "no scenario in topic %s", t)
		}
	})

	It("gives every file its topic as a label and a description a trainer can read aloud", func() {
		for _, f := range bundled {
			Expect(f.Labels).To(ContainElement(topic(f)), "%s: labels %v lack its topic", f.Path, f.Labels)
			text := strings.Join(strings.Fields(f.Description), " ")
			sentences := strings.Count(text, ". ") + 1
			Expect(sentences).To(BeNumerically("~", 3, 1), "%s: description has %d sentences, want 2-4", f.Path, sentences)
			Expect(text).To(HaveSuffix("."), "%s: description does not end a sentence", f.Path)
		}
	})
})

// describeRuns adds one spec per bundled file; it must run after loading and before RunSpecs.
func describeRuns() {
	DescribeTable("every bundled scenario runs to its end with each expectation met, to the same trace on either wire",
		func(f *scenario.File) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a guard against a hang, never a speed check
			defer cancel()
			res := runner.Run(ctx, f, runner.RunOptions{})
			if !res.Passed {
				Fail(report(res))
			}
			// docs/ARCHITECTURE.md D-9: the in-process wire carries the same bytes through the same
			// parsers and handlers, so the seed alone decides the trace.
			// a budget of its own, a guard against a hang (never a speed check): generous for a
			// population on a loaded machine
			memCtx, memCancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer memCancel()
			mem := runner.Run(memCtx, f, runner.RunOptions{World: sim.WorldOptions{Wire: sim.WireMemory}})
			if !mem.Passed {
				Fail("on the memory wire:\n" + report(mem))
			}
			Expect(string(mem.Trace)).To(Equal(string(res.Trace)), "the memory wire's trace differs from loopback's")
		},
		entries(),
	)
}
