package explore_test

import (
	"context"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/explore"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// perStep are the invariants checked after every step, plus the trace comparison.
var perStep = []string{scenario.InvNothingLost, scenario.InvClientsConverge, scenario.InvOneTruth, scenario.InvEventsPaired, scenario.InvDeterministic}

var _ = Describe("a bounded exploration of the current code", Label("explore"), func() {
	// Every 4th seed runs twice to compare traces (deterministic); no-leaks needs a process of its
	// own (cmd/ucssim's spec).
	It("finds nothing in 40 seeds of 30 steps with Exchange faults", func(ctx SpecContext) {
		sum, err := explore.Run(ctx, explore.Options{Seeds: 40, Steps: 30, Faults: true, Invariants: perStep,
			DeterminismEvery: 4, Out: GinkgoT().TempDir()})
		Expect(err).NotTo(HaveOccurred())
		Expect(sum.Seeds).To(Equal(40))
		Expect(sum.Steps).To(Equal(40 * 30))
		for _, f := range sum.Findings {
			AddReportEntry("finding", f.Path, f.Detail)
		}
		Expect(sum.Findings).To(BeEmpty(), "each finding was written to a scenario file (see the report entries)")
		Expect(sum.Checks[scenario.InvOneTruth]).To(Equal(40 * 30))
		Expect(sum.Checks[scenario.InvDeterministic]).To(Equal(10))
	})
})

var _ = Describe("a planted defect", Label("explore"), func() {
	// plant drops the engine's notifications of one kind before they reach the front end.
	plant := func(kind engine.NotifyKind) sim.WorldOptions {
		return sim.WorldOptions{Deliver: func(n engine.Notification) bool { return n.Kind != kind }}
	}

	DescribeTable("is found, shrunk to a short file, and that file fails `ucssim run` only with the defect",
		func(ctx SpecContext, defect engine.NotifyKind, invariant string) {
			out := GinkgoT().TempDir()
			opt := explore.Options{Seeds: 20, Steps: 40, Invariants: perStep[:4], MaxFindings: 1, Out: out,
				WorldOptions: plant(defect)}
			sum, err := explore.Run(ctx, opt)
			Expect(err).NotTo(HaveOccurred())
			Expect(sum.Findings).To(HaveLen(1), "found within 20 seeds")
			f := sum.Findings[0]
			Expect(f.Invariant).To(Equal(invariant))
			Expect(f.Steps).To(BeNumerically("<=", 10))
			Expect(f.Confirmed).To(BeTrue(), "runner.Run (what `ucssim run` does) fails the written file with %s", invariant)
			Expect(f.Path).To(Equal(filepath.Join(out, filepathBase(f.Path))))

			data, err := os.ReadFile(f.Path)
			Expect(err).NotTo(HaveOccurred())
			file, err := scenario.Parse(f.Path, data)
			Expect(err).NotTo(HaveOccurred())
			Expect(file.Invariants).To(Equal([]string{invariant}))
			with := runner.Run(ctx, file, runner.RunOptions{World: plant(defect)})
			Expect(with.Passed).To(BeFalse())
			Expect(with.Failure.Invariant).To(Equal(invariant))
			Expect(with.Failure.Seen).To(HavePrefix("invariant " + invariant + " violated: "))
			without := runner.Run(ctx, file, runner.RunOptions{})
			Expect(without.Passed).To(BeTrue(), "without the defect: %v", without.Failure)
		},
		Entry("a lost log-off prompt (the client goes on showing its old list as if current)", engine.NotifyMigratedPrompt, scenario.InvClientsConverge),
		Entry("a skipped contact-list delta", engine.NotifyDelta, scenario.InvClientsConverge),
	)
})

var _ = Describe("the same seed", Label("explore"), func() {
	It("draws the same steps and finds the same thing", func(ctx context.Context) {
		opt := explore.Options{Seed: 7, Seeds: 1, Steps: 40, Faults: true, Invariants: perStep[:4],
			WorldOptions: sim.WorldOptions{Deliver: func(n engine.Notification) bool { return n.Kind != engine.NotifyDelta }}}
		a, err := explore.Run(ctx, opt)
		Expect(err).NotTo(HaveOccurred())
		b, err := explore.Run(ctx, opt)
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Steps).To(Equal(b.Steps))
		Expect(len(a.Findings)).To(Equal(len(b.Findings)))
		for i := range a.Findings {
			Expect(scenario.Encode(a.Findings[i].File)).To(Equal(scenario.Encode(b.Findings[i].File)))
		}
	})
})

func filepathBase(p string) string { return filepath.Base(p) }
