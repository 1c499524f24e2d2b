package ews_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

var _ = Describe("throttling budgets", func() {
	// Three requests of burst; one request's cost (100 ms) recharges in 400 ms (900 s per hour).
	throttled := func(c *ews.Config) {
		c.Throttling = ews.Throttling{MaxBurst: 300 * time.Millisecond, RechargeRate: 900 * time.Second, Cost: 100 * time.Millisecond}
	}

	It("answers ErrorServerBusy with BackOffMilliseconds once a caller's budget on a mailbox is spent, until it recharges", func() {
		w := newWorld(throttled)
		server := w.engineClient()
		for range 3 {
			_, err := server.GetImItemList(ctx, ken)
			Expect(err).NotTo(HaveOccurred())
		}
		_, err := server.GetImItemList(ctx, ken)
		Expect(code(err)).To(Equal(engine.CodeServerBusy))
		var ee *engine.ExchangeError
		Expect(err).To(BeAssignableToTypeOf(ee))
		Expect(err.(*engine.ExchangeError).BackOff).To(Equal(400*time.Millisecond), "the time until one request's cost is back")

		_, err = server.GetImItemList(ctx, pilar)
		Expect(err).NotTo(HaveOccurred(), "another mailbox has its own budget")
		_, err = w.userClient(ken).GetImItemList(ctx, ken)
		Expect(err).NotTo(HaveOccurred(), "another caller has its own budget")

		Expect(w.sched.Advance(399 * time.Millisecond)).To(Succeed())
		_, err = server.GetImItemList(ctx, ken)
		Expect(code(err)).To(Equal(engine.CodeServerBusy))
		Expect(err.(*engine.ExchangeError).BackOff).To(Equal(time.Millisecond))
		Expect(w.sched.Advance(time.Millisecond)).To(Succeed())
		_, err = server.GetImItemList(ctx, ken)
		Expect(err).NotTo(HaveOccurred(), "the back-off it was given is enough")
	})

	It("is off unless configured", func() {
		w := newWorld()
		for range 50 {
			_, err := w.engineClient().GetImItemList(ctx, ken)
			Expect(err).NotTo(HaveOccurred())
		}
	})
})
