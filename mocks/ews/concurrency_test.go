package ews_test

import (
	"fmt"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
)

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
