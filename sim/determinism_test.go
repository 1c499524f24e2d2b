package sim_test

import (
	"context"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/scenarios"
	"github.com/ucssim/ucssim/sim"
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
		runAll := func(parallel int) [][]byte {
			traces := make([][]byte, len(files))
			sem := make(chan struct{}, parallel)
			var wg sync.WaitGroup
			for i, f := range files {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					traces[i] = sim.Run(context.Background(), f, sim.RunOptions{}).Trace
				}()
			}
			wg.Wait()
			return traces
		}
		alone := runAll(1)
		again := runAll(1)
		together := runAll(len(files))
		for i, p := range paths {
			Expect(alone[i]).NotTo(BeEmpty(), p)
			Expect(string(again[i])).To(Equal(string(alone[i])), "run twice: %s", p)
			Expect(string(together[i])).To(Equal(string(alone[i])), "run in parallel: %s", p)
		}
	})
})
