// Package ucssimtest lets another project's Go tests (plain `testing` or Ginkgo) use the Lync
// Server 2013 unified contact store simulator in a few lines: run a scenario file and fail the test
// with ucssim's own failure report, or build a world from a YAML `world:` section and drive it
// (sign users in, run Management Shell lines, move the virtual clock), closed automatically when
// the test ends.
//
//	func TestRollback(t *testing.T) {
//		ucssimtest.Check(t, "testdata/rollback.yaml")
//	}
//
//	It("migrates Ken", func() {
//		w := ucssimtest.World(GinkgoT(), `users: [{name: Ken Myer, sip: "sip:kenmyer@litwareinc.com"}]`)
//		Expect(w.SignIn(ctx, "Ken Myer", "desktop", engine.Lync2013)).To(Succeed())
//		Expect(w.Sched.Advance(10 * time.Minute)).To(Succeed())
//	})
//
// GinkgoT()'s Cleanup is DeferCleanup, so a world built in a Ginkgo node closes after it.
package ucssimtest

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/ucssim/ucssim/scenarios"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/report"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// TB is what Check and World need from a test; *testing.T, *testing.B and Ginkgo's GinkgoT()
// provide it.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// Option tunes a run or a world.
type Option func(*options)

type options struct {
	seed *uint64
}

// Seed overrides the file's seed (or the world's, default 1).
func Seed(n uint64) Option { return func(o *options) { o.seed = &n } }

func collect(opts []Option) options {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	return o
}

// Result is the outcome of a scenario run: Passed, the failing step, the trace (JSON lines).
type Result = runner.Result

// RunFile loads, validates and runs one scenario file on a fresh world. The error is for a file
// that cannot be read or is invalid (every problem as file:line:col); a scenario that ran and
// failed is a Result with Passed false.
func RunFile(ctx context.Context, path string, opts ...Option) (*Result, error) {
	f, err := scenario.Load(path)
	if err != nil {
		return nil, err
	}
	return runner.Run(ctx, f, runner.RunOptions{Seed: collect(opts).seed}), nil
}

// RunYAML is RunFile for a scenario held in memory; name is the path shown in messages.
func RunYAML(ctx context.Context, name string, src []byte, opts ...Option) (*Result, error) {
	f, err := scenario.Parse(name, src)
	if err != nil {
		return nil, err
	}
	return runner.Run(ctx, f, runner.RunOptions{Seed: collect(opts).seed}), nil
}

// RunBundled runs one scenario of the suite bundled with ucssim, by its path under scenarios/
// (for example "seed/per-user-policy-story.yaml").
func RunBundled(ctx context.Context, path string, opts ...Option) (*Result, error) {
	f, err := scenario.LoadFS(scenarios.FS, path)
	if err != nil {
		return nil, err
	}
	return runner.Run(ctx, f, runner.RunOptions{Seed: collect(opts).seed}), nil
}

// Check runs a scenario file and fails t, with the report `ucssim run` prints (the step's
// file:line:col, its note, expected, seen, the last trace events), unless every step held.
func Check(t TB, path string, opts ...Option) *Result {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	res, err := RunFile(ctx, path, opts...)
	if err != nil {
		t.Fatalf("ucssim: %v", err)
		return nil
	}
	if !res.Passed {
		t.Fatalf("ucssim: scenario failed\n%s", Report(res))
	}
	return res
}

// Report renders a result as `ucssim run` prints it.
func Report(r *Result) string {
	return report.FormatCase(report.Case{Name: r.File.Name, Path: r.File.Path, Passed: r.Passed, Wall: r.Wall,
		Virtual: r.Virtual, Err: r.Err, Failure: r.Failure}, nil)
}

// NewWorld builds a world from the YAML of a scenario's `world:` section (every key optional, as
// in a file), on loopback sockets with its own virtual clock starting at scenario.DefaultStart.
// The caller closes it.
func NewWorld(worldYAML string, opts ...Option) (*sim.World, error) {
	var b strings.Builder
	b.WriteString("name: ucssimtest world\nworld:\n")
	for _, line := range strings.Split(strings.TrimRight(worldYAML, "\n"), "\n") {
		b.WriteString("  " + line + "\n")
	}
	f, err := scenario.Parse("world", []byte(b.String()))
	if err != nil {
		return nil, fmt.Errorf("world: %w", err)
	}
	seed := f.Seed
	if o := collect(opts); o.seed != nil {
		seed = *o.seed
	}
	return sim.NewWorld(f.World, f.Start, seed, sim.WorldOptions{})
}

// World is NewWorld for a test: it fails t when the world cannot be built and closes the world
// when the test (or the Ginkgo node) ends.
func World(t TB, worldYAML string, opts ...Option) *sim.World {
	t.Helper()
	w, err := NewWorld(worldYAML, opts...)
	if err != nil {
		t.Fatalf("ucssim: %v", err)
		return nil
	}
	t.Cleanup(w.Close)
	return w
}

// WriteTrace writes a result's trace (JSON lines) to path, for a failed test's artifacts.
func WriteTrace(r *Result, path string) error {
	return os.WriteFile(path, r.Trace, 0o644)
}
