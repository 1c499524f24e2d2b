package runner_test

import (
	"context"
	"strings"
	"testing"

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
