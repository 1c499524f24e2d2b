package main

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/vclock"
)

var _ = Describe("UCSSIM_STALL_DUMP", func() {
	It("writes every goroutine's stack when a world does not settle", func() {
		path := filepath.Join(GinkgoT().TempDir(), "stall.txt")
		GinkgoT().Setenv(stallDumpEnv, path)
		armStallDump()
		DeferCleanup(func() { vclock.StallHook = nil })

		t := vclock.NewTracker()
		end := t.Begin("client.sip.SUBSCRIBE")
		defer end()
		Expect(t.WaitIdle(20 * time.Millisecond)).To(HaveOccurred())

		dump, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(dump)).To(HavePrefix("=== world did not settle: no progress for 20ms of real time; in flight: client.sip.SUBSCRIBE=1\ngoroutine "))
		Expect(string(dump)).To(ContainSubstring("ucssim/sim/vclock.(*Tracker).WaitIdle"), "the stacks, with the waiting settle among them")
	})
})
