package explore_test

import (
	"context"
	"testing"

	"github.com/ucssim/ucssim/sim/explore"
)

// BenchmarkExplore explores b.N seeds of 60 steps with faults (per-step invariants, no shrinking
// needed on a clean tree) and reports seeds/s and steps/s.
func BenchmarkExplore(b *testing.B) {
	sum, err := explore.Run(context.Background(), explore.Options{Seeds: b.N, Steps: 60, Faults: true, Invariants: perStep[:4]})
	if err != nil {
		b.Fatal(err)
	}
	if len(sum.Findings) > 0 {
		b.Fatalf("found %s at seed %d: %s", sum.Findings[0].Invariant, sum.Findings[0].Seed, sum.Findings[0].Detail)
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(sum.Seeds)/secs, "seeds/s")
	b.ReportMetric(float64(sum.Steps)/secs, "steps/s")
}
