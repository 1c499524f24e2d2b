package runner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ucssim/ucssim/scenarios/scalegen"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// BenchmarkRollbackStory runs the seed document's rollback story over real sockets: migrate, prompt,
// accept, rollback, 7-day hold, automatic re-migration. It reports the virtual/real speed-up.
func BenchmarkRollbackStory(b *testing.B) {
	f, err := scenario.Parse("bench.yaml", []byte(strings.TrimLeft(rollbackStory, "\n")))
	if err != nil {
		b.Fatal(err)
	}
	var virtual, wall float64
	for b.Loop() {
		res := runner.Run(context.Background(), f, runner.RunOptions{})
		if !res.Passed {
			b.Fatalf("scenario failed: %v", res.Failure)
		}
		virtual += res.Virtual.Seconds()
		wall += res.Wall.Seconds()
	}
	b.ReportMetric(virtual/wall, "virtual-s/real-s")
}

// BenchmarkPopulationStory runs a small population through the full 7-day story over loopback
// sockets (scenarios/scalegen: 20 users x 100 contacts; sign-in, migration, rollback, hold,
// re-migration) and reports the wall time per user, the number issue 14's 1,000-user goal
// scales from.
func BenchmarkPopulationStory(b *testing.B) {
	const users = 20
	var doc strings.Builder
	scalegen.Write(&doc, users, 100)
	f, err := scenario.Parse("population.yaml", []byte(doc.String()))
	if err != nil {
		b.Fatal(err)
	}
	var wall float64
	for b.Loop() {
		res := runner.Run(context.Background(), f, runner.RunOptions{})
		if !res.Passed {
			b.Fatalf("scenario failed: %v", res.Failure)
		}
		wall += res.Wall.Seconds()
	}
	b.ReportMetric(wall/float64(b.N)/users*1000, "ms/user")
}
