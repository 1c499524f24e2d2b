package ews_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

var _ = Describe("journal", func() {
	It("records who called what, when, on which mailbox, and with what result", func() {
		w := newWorld()
		lx := w.engineClient()
		t0 := w.sched.Now()
		_, err := lx.GetImItemList(ctx, ken)
		Expect(err).NotTo(HaveOccurred())
		Expect(w.sched.Advance(time.Minute)).To(Succeed())
		err = w.userClient(ken).RemoveImGroup(ctx, "", engine.ItemID{ID: "bm90IGFuIGlk"})
		Expect(code(err)).To(Equal(engine.CodeInvalidIDMalformed))
		_, _ = w.userClient("stranger@litwareinc.com").GetImItemList(ctx, "")
		w.srv.SetFault(ews.Fault{Kind: engine.FaultBusy, Until: w.sched.Now().Add(time.Second)})
		_, _ = lx.AddImGroup(ctx, pilar, "Team")
		Expect(w.srv.OutlookAddContact(ken, "ben@litwareinc.com", "Ben")).To(Succeed())

		Expect(w.srv.Journal()).To(Equal([]ews.JournalEntry{
			{Time: t0, Caller: "server", Mailbox: ken, Operation: "GetImItemList", Result: "NoError"},
			{Time: t0.Add(time.Minute), Caller: ken, Mailbox: ken, Operation: "RemoveImGroup", Result: "ErrorInvalidIdMalformed"},
			{Time: t0.Add(time.Minute), Caller: "stranger@litwareinc.com", Operation: "GetImItemList", Result: "HTTP 401"},
			{Time: t0.Add(time.Minute), Caller: "server", Mailbox: pilar, Operation: "AddImGroup", Result: "ErrorServerBusy"},
			{Time: t0.Add(time.Minute), Caller: "outlook", Mailbox: ken, Operation: "OutlookAddContact", Result: "NoError"},
		}))
	})
	It("keeps the most recent JournalSize requests, or none when switched off", func() {
		for _, size := range []int{3, -1} {
			w := newWorld(func(c *ews.Config) { c.JournalSize = size })
			lx := w.engineClient()
			for range 5 {
				_, err := lx.GetImItemList(ctx, ken)
				Expect(err).NotTo(HaveOccurred())
				Expect(w.sched.Advance(time.Minute)).To(Succeed())
			}
			_, err := lx.GetImItemList(ctx, pilar)
			Expect(err).NotTo(HaveOccurred())
			j := w.srv.Journal()
			if size < 0 {
				Expect(j).To(BeEmpty())
				continue
			}
			Expect(j).To(HaveLen(3))
			Expect(j[2].Mailbox).To(Equal(pilar), "the newest last")
			Expect(j[1].Time.Sub(j[0].Time)).To(Equal(time.Minute), "in arrival order across the ring's seam")
			Expect(j[2].Time.Sub(j[1].Time)).To(Equal(time.Minute))
		}
	})
})
