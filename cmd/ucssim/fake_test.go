package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/report"
	"github.com/ucssim/ucssim/sim/scenario"
)

// fakeRunner stands in for the world: a scenario labelled "broken" fails at its first step,
// one labelled "panics" panics; the trace names the scenario and the seed used.
type fakeRunner struct {
	mu    sync.Mutex
	ran   []string
	seeds []*uint64
	wires []sim.Wire
	// before, if set, is called first with the scenario name (to hold a run back).
	before func(name string)
}

func (r *fakeRunner) run(_ context.Context, f *scenario.File, cfg RunConfig) report.Case {
	seed, wire := cfg.Seed, cfg.Wire
	if r.before != nil {
		r.before(f.Name)
	}
	r.mu.Lock()
	r.ran = append(r.ran, f.Name)
	r.seeds = append(r.seeds, seed)
	r.wires = append(r.wires, wire)
	r.mu.Unlock()
	used := f.Seed
	if seed != nil {
		used = *seed
	}
	c := report.Case{Passed: true, Wall: time.Millisecond, Virtual: time.Minute,
		Trace: fmt.Appendf(nil, "{\"scenario\":%q,\"seed\":%d}\n", f.Name, used)}
	if slices.Contains(f.Labels, "panics") {
		panic("world exploded")
	}
	if slices.Contains(f.Labels, "broken") {
		s := f.Steps[0]
		c.Passed = false
		c.Failure = &report.Failure{Path: f.Path, Line: s.Pos.Line, Col: s.Pos.Col, Step: string(s.Kind), Note: s.Note,
			Expected: "state Migrated", Seen: "state Allowed", LastEvents: []string{"09:00:00 signin"}}
	}
	return c
}

func (r *fakeRunner) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.ran)
	sort.Strings(out)
	return out
}

// suiteDir writes a small suite: four valid files (one failing) and optionally one invalid.
func suiteDir(withInvalid bool) string {
	dir := GinkgoTempDir()
	files := map[string]string{
		"a-pass.yaml":        "name: Alpha passes\nlabels: [policy]\n",
		"rollback/b.yaml":    "name: Beta passes\nlabels: [rollback]\nseed: 9\n",
		"rollback/c.yaml":    "name: Gamma fails\ndescription: Gamma shows a failure.\nlabels: [rollback, broken]\nsteps:\n  - wait: 1m\n    note: the clock moves\n",
		"prompts/d-more.yml": "name: Delta passes\nlabels: [prompts]\n",
		"notes.md":           "not a scenario",
	}
	if withInvalid {
		files["bad.yaml"] = "name: Bad\nseed: x\n"
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		Expect(os.MkdirAll(filepath.Dir(p), 0o755)).To(Succeed())
		Expect(os.WriteFile(p, []byte(body), 0o644)).To(Succeed())
	}
	return dir
}

// GinkgoTempDir is a fresh directory removed after the spec.
func GinkgoTempDir() string {
	return GinkgoT().TempDir()
}

type result struct {
	code           int
	stdout, stderr string
}

func execute(app *App, args ...string) result {
	var out, errOut bytes.Buffer
	app.Stdout, app.Stderr = &out, &errOut
	code := app.Execute(context.Background(), args)
	return result{code, out.String(), errOut.String()}
}

func newApp(r *fakeRunner) *App {
	return &App{Runner: r.run, Version: "v0.0.0-test", Getenv: func(string) string { return "" }}
}
