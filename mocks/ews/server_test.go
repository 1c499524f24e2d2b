package ews_test

import (
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

var _ = Describe("server lifecycle and mailboxes", func() {
	It("listens on loopback only, once", func() {
		srv := ews.NewServer(ews.Config{})
		_, err := srv.Start("0.0.0.0:0")
		Expect(err).To(MatchError(ContainSubstring("not a loopback address")))
		_, err = srv.Start("nonsense")
		Expect(err).To(HaveOccurred())
		base, err := srv.Start("127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		Expect(base).To(HavePrefix("http://127.0.0.1:"))
		Expect(srv.BaseURL()).To(Equal(base))
		_, err = srv.Start("127.0.0.1:0")
		Expect(err).To(MatchError(ContainSubstring("already started")))
		Expect(srv.Close()).To(Succeed())
	})

	It("keeps a mailbox's content when it moves off Exchange 2013, answering ErrorNonExistentMailbox meanwhile", func() {
		w := newWorld()
		Expect(w.srv.Seed(ken, []ews.SeedContact{{IMAddress: "pilar@litwareinc.com"}})).To(Succeed())
		Expect(w.srv.SetMailboxKind(ken, engine.MailboxExchange2010)).To(Succeed())
		_, err := w.engineClient().GetImItemList(ctx, ken)
		Expect(code(err)).To(Equal(engine.CodeNonExistentMailbox))
		Expect(w.srv.SetMailboxKind(ken, engine.MailboxExchange2013)).To(Succeed())
		l, err := w.engineClient().GetImItemList(ctx, ken)
		Expect(err).NotTo(HaveOccurred())
		Expect(addresses(l)).To(Equal([]string{"pilar@litwareinc.com"}))
		Expect(w.srv.SetMailboxKind("ghost@litwareinc.com", engine.MailboxNone)).To(MatchError(ContainSubstring("no mailbox")))
		_, _, err = w.srv.List("ghost@litwareinc.com")
		Expect(err).To(MatchError(ContainSubstring("no mailbox")))
	})

	It("works without a clock, sleeper or counter (serve mode)", func() {
		srv := ews.NewServer(ews.Config{TrustKey: trustKey})
		srv.AddMailbox(ken, "Ken Myer", "")
		base, err := srv.Start("127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		srv.SetFault(ews.Fault{Kind: engine.FaultSlow, Latency: 1e12})
		_, err = ews.NewClient(ews.ClientConfig{BaseURL: base, Basic: ken}).GetImItemList(ctx, "")
		Expect(err).NotTo(HaveOccurred(), "without a Sleeper a slow fault holds nothing")
	})
})

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

var _ = Describe("concurrency", func() {
	It("keeps every mailbox exact when many goroutines write many mailboxes at once", func() {
		const (
			mailboxes = 12
			writers   = 4 // per mailbox
			perWriter = 10
		)
		w := newWorld()
		for m := range mailboxes {
			w.srv.AddMailbox(fmt.Sprintf("user%02d@litwareinc.com", m), "", engine.MailboxExchange2013)
		}
		var wg sync.WaitGroup
		errs := make(chan error, mailboxes*writers*perWriter*3)
		for m := range mailboxes {
			mb := fmt.Sprintf("user%02d@litwareinc.com", m)
			for wr := range writers {
				wg.Add(1)
				go func() {
					defer GinkgoRecover()
					defer wg.Done()
					lx := w.engineClient()
					if wr%2 == 1 {
						lx = w.userClient(mb)
					}
					g, err := lx.AddImGroup(ctx, mb, "Shared")
					if err != nil {
						errs <- err
						return
					}
					for i := range perWriter {
						p, err := lx.AddNewImContactToGroup(ctx, mb, fmt.Sprintf("w%d-c%d@litwareinc.com", wr, i), "", g.ID)
						if err != nil {
							errs <- err
							continue
						}
						if i%2 == 1 {
							if err := lx.RemoveContactFromImList(ctx, mb, p.ID); err != nil {
								errs <- err
							}
						}
						if _, err := lx.GetImItemList(ctx, mb); err != nil {
							errs <- err
						}
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		Expect(errs).To(BeEmpty())
		for m := range mailboxes {
			l, _, err := w.srv.List(fmt.Sprintf("user%02d@litwareinc.com", m))
			Expect(err).NotTo(HaveOccurred())
			Expect(l.Groups).To(HaveLen(4), "one Shared group however many writers raced to add it")
			Expect(l.Contacts).To(HaveLen(writers * perWriter / 2))
			shared := byName(l, "Shared")
			Expect(shared.Members).To(HaveLen(len(l.Contacts)))
			for i, c := range l.Contacts {
				Expect(shared.Members[i].ID).To(Equal(c.ID.ID))
			}
		}
		Expect(w.srv.Journal()).To(HaveLen(mailboxes*writers*(1+2*perWriter+perWriter/2)), "one entry per request")
	})
})
