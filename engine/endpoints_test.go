package engine_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
)

func refusal(err error) *engine.Refusal {
	r, ok := err.(*engine.Refusal)
	ExpectWithOffset(1, ok).To(BeTrue(), "want a *Refusal, got %v", err)
	return r
}

var _ = Describe("What the user sees (docs/BEHAVIOR.md section 3, B-3.1 to B-3.4) and SIP writes", func() {
	var w *world
	BeforeEach(func() {
		w = kensWorld(3)
	})
	apply := func(op engine.Op) (engine.OpResult, error) { return w.eng.Apply("Ken Myer", "desktop", op) }

	It("prompts a signed-in Lync 2013 endpoint at completion; it keeps reading Lync until it signs in again", func() {
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.advance(10 * time.Minute)
		ep := w.status("Ken Myer").Endpoints[0]
		Expect(ep.Prompt).To(BeTrue())
		Expect(ep.ReadsFrom).To(Equal(engine.ReadsLync))
		n := w.notifications("desktop")
		Expect(n[len(n)-1].Kind).To(Equal(engine.NotifyMigratedPrompt))
		Expect(n[len(n)-1].List.Migrated).To(BeTrue())
		Expect(w.count("prompt.shown", kenSIP)).To(Equal(1))
		w.signOut("Ken Myer", "desktop")
		Expect(w.count("prompt.accepted", kenSIP)).To(Equal(1))
		v := w.signIn("Ken Myer", "desktop", engine.Lync2013)
		Expect(v.ReadsFrom).To(Equal(engine.ReadsExchange))
		Expect(v.List.Contacts).To(BeEmpty())
		Expect(w.status("Ken Myer").Endpoints[0].Prompt).To(BeFalse())
	})

	It("shows no prompt to a user signed out at completion; the next sign-in reads Exchange", func() {
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.signOut("Ken Myer", "desktop")
		w.advance(10 * time.Minute)
		Expect(w.count("prompt.shown", kenSIP)).To(BeZero())
		Expect(w.signIn("Ken Myer", "desktop", engine.Lync2013).ReadsFrom).To(Equal(engine.ReadsExchange))
	})

	It("gives Lync 2010 an up-to-date read-only list after migration", func() {
		w.migrate("Ken Myer")
		v := w.signIn("Ken Myer", "old", engine.Lync2010)
		Expect(v.ReadsFrom).To(Equal(engine.ReadsReadOnly))
		Expect(v.List.Contacts).To(HaveLen(3))
		_, err := w.eng.Apply("Ken Myer", "old", engine.Op{Kind: engine.OpSetContact, Contact: engine.Contact{URI: "x@fabrikam.com"}})
		Expect(*refusal(err)).To(Equal(engine.Refusal{Status: 403, Diag: 2165, Reason: "Contact list is read-only: it has migrated to Exchange"}))
	})

	It("refreshes the mirror on an Exchange change: trigger to Lync 2013 reading Exchange, delta to read-only", func() {
		w.migrate("Ken Myer")
		w.signOut("Ken Myer", "desktop")
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.signIn("Ken Myer", "old", engine.Lync2010)
		before, _ := w.eng.ContactList("Ken Myer")
		Expect(w.ex.OutlookAddContact(kenMbox, "outlook@fabrikam.com", "From Outlook")).To(Succeed())
		w.eng.ExchangeChanged(kenSIP)
		Expect(w.sched.Settle()).To(Succeed())
		after, _ := w.eng.ContactList("Ken Myer")
		Expect(after.Contacts).To(HaveLen(4))
		Expect(after.DeltaNum).To(BeNumerically(">", before.DeltaNum))
		Expect(w.notifications("desktop")[len(w.notifications("desktop"))-1].Kind).To(Equal(engine.NotifyTrigger))
		d := w.notifications("old")[len(w.notifications("old"))-1]
		Expect(d.Kind).To(Equal(engine.NotifyDelta))
		Expect(d.Delta.AddedContacts[0].URI).To(Equal("outlook@fabrikam.com"))
		Expect(w.lastEvent("contact.added").Details).To(HaveKeyWithValue("uri", "outlook@fabrikam.com"))
	})

	It("starts a user seeded in Exchange as Migrated and mirrors its mailbox", func() {
		w.ex.AddMailbox("pilar@litwareinc.com", engine.MailboxExchange2013)
		Expect(w.ex.Seed("pilar@litwareinc.com", "a@fabrikam.com", "b@fabrikam.com")).To(Succeed())
		Expect(w.eng.AddUser(engine.UserSpec{Name: "Pilar", SIP: "sip:pilar@litwareinc.com", InExchange: true})).To(Succeed())
		Expect(w.sched.Settle()).To(Succeed())
		Expect(w.status("Pilar").State).To(Equal(engine.Migrated))
		l, _ := w.eng.ContactList("Pilar")
		Expect(l.Contacts).To(HaveLen(2))
	})

	It("applies SERVICE writes with strictly increasing deltaNums and deltas to Lync readers", func() {
		w.mustRun("Set-CsUserServicesPolicy -UcsAllowed $False")
		v := w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.signIn("Ken Myer", "phone", engine.Mobile)
		g, err := apply(engine.Op{Kind: engine.OpAddGroup, Name: "Partners"})
		Expect(err).NotTo(HaveOccurred())
		Expect(g.DeltaNum).To(Equal(v.List.DeltaNum + 1))
		r, err := apply(engine.Op{Kind: engine.OpSetContact, Contact: engine.Contact{URI: "sip:p@fabrikam.com", Groups: []int{g.GroupID}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.DeltaNum).To(Equal(g.DeltaNum + 1))
		for _, ep := range []string{"desktop", "phone"} {
			n := w.notifications(ep)
			Expect(n).To(HaveLen(2))
			Expect(n[1].Delta.PrevDeltaNum).To(Equal(g.DeltaNum))
			Expect(n[1].Delta.AddedContacts[0].URI).To(Equal("p@fabrikam.com"))
		}
		By("deleting a non-empty group: members leave it first, then the group goes (two deltas)")
		r2, err := apply(engine.Op{Kind: engine.OpDeleteGroup, GroupID: g.GroupID})
		Expect(err).NotTo(HaveOccurred())
		Expect(r2.DeltaNum).To(Equal(r.DeltaNum + 2))
		n := w.notifications("desktop")
		Expect(n[2].Delta.ModifiedContacts[0].Groups).To(Equal([]int{engine.DefaultGroupID}))
		Expect(n[3].Delta.DeletedGroups).To(Equal([]int{g.GroupID}))
	})

	DescribeTable("refuses bad SERVICE writes and changes nothing",
		func(setup func(), op engine.Op, status, diag int) {
			w.mustRun("Set-CsUserServicesPolicy -UcsAllowed $False")
			w.signIn("Ken Myer", "desktop", engine.Lync2013)
			if setup != nil {
				setup()
			}
			before, _ := w.eng.ContactList("Ken Myer")
			_, err := apply(op)
			r := refusal(err)
			Expect(r.Status).To(Equal(status))
			Expect(r.Diag).To(Equal(diag))
			after, _ := w.eng.ContactList("Ken Myer")
			Expect(after).To(Equal(before))
		},
		Entry("unknown group id", nil, engine.Op{Kind: engine.OpSetContact, Contact: engine.Contact{URI: "a@b.com", Groups: []int{42}}}, 400, 0),
		Entry("rename of group 1", nil, engine.Op{Kind: engine.OpModifyGroup, GroupID: 1, Name: "x"}, 400, 0),
		Entry("delete of group 1", nil, engine.Op{Kind: engine.OpDeleteGroup, GroupID: 1}, 400, 0),
		Entry("bad URI", nil, engine.Op{Kind: engine.OpSetContact, Contact: engine.Contact{URI: "sip:nobody"}}, 400, 0),
		Entry("CR/LF in a value", nil, engine.Op{Kind: engine.OpAddGroup, Name: "a\r\nb"}, 400, 0),
		Entry("duplicate group name", nil, engine.Op{Kind: engine.OpAddGroup, Name: "team"}, 403, 2015),
		Entry("65th group", func() {
			for i := 0; i < 61; i++ {
				_, err := apply(engine.Op{Kind: engine.OpAddGroup, Name: "G" + string(rune('A'+i%26)) + string(rune('a'+i/26))})
				Expect(err).NotTo(HaveOccurred())
			}
		}, engine.Op{Kind: engine.OpAddGroup, Name: "one too many"}, 403, 2008),
		Entry("Lync contact cap", func() {
			w = kensWorld(3, func(c *engine.Config) { c.MaxLyncContacts = 3 })
			w.signIn("Ken Myer", "desktop", engine.Lync2013)
		}, engine.Op{Kind: engine.OpSetContact, Contact: engine.Contact{URI: "fourth@b.com"}}, 403, 2007),
		Entry("a list that lives in Exchange", func() {
			w.mustRun("Set-CsUserServicesPolicy -UcsAllowed $True")
			w.signOut("Ken Myer", "desktop")
			w.migrate("Ken Myer")
		}, engine.Op{Kind: engine.OpDeleteContact, Contact: engine.Contact{URI: "contact000@fabrikam.com"}}, 403, 2165),
	)

	// A prompt is traced once it reached its endpoint (B-3.1, issue 10).

	It("traces no prompt.shown for a prompt that did not reach the endpoint, which then owes no answer", func() {
		w.lose = func(n engine.Notification) error {
			if n.Kind == engine.NotifyMigratedPrompt {
				return errors.New("no answer")
			}
			return nil
		}
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.advance(10 * time.Minute)
		Expect(w.notifications("desktop")).To(ContainElement(HaveField("Kind", engine.NotifyMigratedPrompt)), "it was sent")
		Expect(w.count(engine.EventMigrationCompleted, kenSIP)).To(Equal(1))
		Expect(w.count(engine.EventPromptShown, kenSIP)).To(BeZero())
		Expect(w.status("Ken Myer").Endpoints[0].Prompt).To(BeFalse())
		w.signOut("Ken Myer", "desktop")
		Expect(w.count(engine.EventPromptAccepted, kenSIP)).To(BeZero())
		Expect(w.count(engine.EventSignOut, kenSIP)).To(Equal(1))
	})

	It("traces the prompts of one commit in endpoint order, whichever delivery is reported first", func() {
		w.signIn("Ken Myer", "a-desktop", engine.Lync2013)
		w.signIn("Ken Myer", "b-laptop", engine.Lync2013)
		w.signIn("Ken Myer", "c-tablet", engine.Lync2013)
		w.mu.Lock()
		w.holdReports = true
		w.mu.Unlock()
		w.advance(10 * time.Minute)
		Expect(w.count(engine.EventMigrationCompleted, kenSIP)).To(Equal(1))
		Expect(w.count(engine.EventPromptShown, kenSIP)).To(BeZero(), "nothing is known to have reached a client yet")
		w.mu.Lock()
		held := w.held
		w.held, w.holdReports = nil, false
		w.mu.Unlock()
		var prompts []engine.Notification
		for _, n := range held {
			if n.Kind == engine.NotifyMigratedPrompt {
				prompts = append(prompts, n)
			}
		}
		Expect(prompts).To(HaveLen(3))
		prompts[2].Report(nil)
		Expect(w.count(engine.EventPromptShown, kenSIP)).To(BeZero(), "c-tablet waits for the endpoints prompted before it")
		prompts[1].Report(errors.New("connection closed"))
		prompts[1].Report(nil) // a second report of one notification changes nothing
		Expect(w.count(engine.EventPromptShown, kenSIP)).To(BeZero())
		prompts[0].Report(nil)
		var order []string
		w.mu.Lock()
		for _, e := range w.events {
			if e.Type == engine.EventPromptShown {
				order = append(order, e.Details["endpoint"].(string))
			}
		}
		w.mu.Unlock()
		Expect(order).To(Equal([]string{"a-desktop", "c-tablet"}))
		prompted := map[string]bool{}
		for _, ep := range w.status("Ken Myer").Endpoints {
			prompted[ep.ID] = ep.Prompt
		}
		Expect(prompted).To(Equal(map[string]bool{"a-desktop": true, "b-laptop": false, "c-tablet": true}))
	})

	It("forgets a prompt whose endpoint signed out before its delivery was known", func() {
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.mu.Lock()
		w.holdReports = true
		w.mu.Unlock()
		w.advance(10 * time.Minute)
		w.signOut("Ken Myer", "desktop")
		w.mu.Lock()
		held := w.held
		w.mu.Unlock()
		for _, n := range held {
			n.Report(nil)
		}
		Expect(w.count(engine.EventPromptShown, kenSIP)).To(BeZero())
		Expect(w.count(engine.EventPromptAccepted, kenSIP)).To(BeZero())
	})

	It("traces a rollback's 2166 prompt only once delivered", func() {
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.advance(10 * time.Minute)
		w.signOut("Ken Myer", "desktop")
		w.signIn("Ken Myer", "desktop", engine.Lync2013) // reads Exchange now
		w.lose = func(n engine.Notification) error {
			if n.Kind == engine.NotifyRollbackPrompt {
				return errors.New("refused (500)")
			}
			return nil
		}
		w.mustRun("Invoke-CsUcsRollback 'Ken Myer'")
		Expect(w.notifications("desktop")).To(ContainElement(HaveField("Kind", engine.NotifyRollbackPrompt)))
		Expect(w.count(engine.EventRollbackCompleted, kenSIP)).To(Equal(1))
		Expect(w.count(engine.EventPromptShown, kenSIP)).To(Equal(1), "only the migration's 2165")
		Expect(w.status("Ken Myer").Endpoints[0].Prompt).To(BeFalse())
	})
})
