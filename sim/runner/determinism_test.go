package runner_test

import (
	"context"
	"fmt"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/scenarios"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

var _ = Describe("Determinism of the bundled suite", func() {
	It("gives every bundled scenario a byte-identical trace run alone, again, and all in parallel", func() {
		paths, err := scenario.DiscoverFS(scenarios.FS, []string{"."})
		Expect(err).NotTo(HaveOccurred())
		Expect(len(paths)).To(BeNumerically(">=", 30))
		files := make([]*scenario.File, len(paths))
		for i, p := range paths {
			files[i], err = scenario.LoadFS(scenarios.FS, p)
			Expect(err).NotTo(HaveOccurred())
		}
		runAll := func(parallel int) []*runner.Result {
			results := make([]*runner.Result, len(files))
			sem := make(chan struct{}, parallel)
			var wg sync.WaitGroup
			for i, f := range files {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					results[i] = runner.Run(context.Background(), f, runner.RunOptions{})
				}()
			}
			wg.Wait()
			return results
		}
		alone := runAll(1)
		again := runAll(1)
		together := runAll(len(files))
		for i, p := range paths {
			for _, r := range []*runner.Result{alone[i], again[i], together[i]} {
				Expect(r.Failure).To(BeNil(), p)
			}
			Expect(firstDifference(again[i].Trace, alone[i].Trace)).To(BeEmpty(), "run twice: %s", p)
			Expect(firstDifference(together[i].Trace, alone[i].Trace)).To(BeEmpty(), "run in parallel: %s", p)
		}
	})
})

// firstDifference names the first line where two traces differ, or "" when they are identical.
func firstDifference(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  %s\nvs\n  %s", i+1, x, y)
		}
	}
	return ""
}
