package scenarios_test

import (
	"context"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// Every bundled story also keeps the invariants `ucssim explore` checks: after each of its steps the
// engine, the front end, the clients, Debug-CsUnifiedContactStore, the trace and the expectations agree,
// nothing is lost, and every *.started has its end.
var _ = Describe("every bundled scenario, checked step by step", Label("explore"), func() {
	It("keeps nothing-lost, clients-converge, one-truth and events-paired after every step", func() {
		perStep := []string{scenario.InvNothingLost, scenario.InvClientsConverge, scenario.InvOneTruth, scenario.InvEventsPaired}
		for _, f := range bundled {
			g := *f
			g.Invariants = slices.Clone(perStep)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a guard against a hang, never a speed check
			res := runner.Run(ctx, &g, runner.RunOptions{})
			cancel()
			if !res.Passed {
				Fail(report(res))
			}
		}
	})
})
