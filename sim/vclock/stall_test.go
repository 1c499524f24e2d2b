package vclock_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/vclock"
)

var _ = Describe("A world that does not settle", func() {
	It("names the work in flight, and the stall hook sees it while that work is still stuck", func() {
		t := vclock.NewTracker()
		end := t.Begin("sip.SUBSCRIBE")
		var seen *vclock.ErrNotQuiescent
		stillBusy := 0
		vclock.StallHook = func(err *vclock.ErrNotQuiescent) { seen, stillBusy = err, t.Busy() }
		DeferCleanup(func() { vclock.StallHook = nil; end() })

		err := t.WaitIdle(20 * time.Millisecond)
		Expect(err).To(MatchError("world did not settle: no progress for 20ms of real time; in flight: sip.SUBSCRIBE=1"))
		Expect(seen).To(BeIdenticalTo(err))
		Expect(stillBusy).To(Equal(1))
	})
})
