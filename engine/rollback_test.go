package engine_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
)

var _ = Describe("Rolling back (docs/BEHAVIOR.md section 4, B-4.1 to B-4.11)", func() {
	var w *world
	var done time.Time
	BeforeEach(func() {
		w = kensWorld(12)
		w.migrate("Ken Myer")
		w.signOut("Ken Myer", "desktop")
	})
	rollback := func(line string) *engine.Result {
		res := w.mustRun(line)
		done = w.sched.Now()
		return res
	}

	It("moves the contacts back to Lync Server and leaves Exchange without an IM list", func() {
		w.mustRun("Grant-CsUserServicesPolicy -Identity 'Ken Myer' -PolicyName $Null")
		rollback(`Invoke-CsUcsRollback -Identity "Ken Myer"`)
		st := w.status("Ken Myer")
		Expect(st.State).To(Equal(engine.Allowed))
		Expect(st.ContactsIn).To(Equal(engine.StoreLync))
		Expect(w.lyncURIs("Ken Myer")).To(HaveLen(12))
		Expect(w.exchangeURIs(kenMbox)).To(BeEmpty())
		l, flag, _ := w.ex.List(kenMbox)
		Expect(flag).To(BeFalse())
		for _, g := range l.Groups {
			Expect(g.Type).NotTo(Equal(engine.GroupUser))
		}
		Expect(st.EffectivePolicy).To(Equal("Global"), "the policy is not changed by a rollback")
		Expect(st.HoldUntil).To(Equal(done.Add(168 * time.Hour)))
		Expect(w.lastEvent("hold.started").Details["holdUntil"]).To(Equal("2026-01-12T09:15:00Z"))
	})

	It("re-migrates automatically at hold expiry when the policy still allows it: not at hold-1s, at hold", func() {
		rollback(`Invoke-CsUcsRollback -Identity "Ken Myer"`)
		w.until(done.Add(168*time.Hour - time.Second))
		Expect(w.status("Ken Myer").State).To(Equal(engine.Allowed))
		Expect(w.count("hold.expired", kenSIP)).To(BeZero())
		w.until(done.Add(168 * time.Hour))
		Expect(w.count("hold.expired", kenSIP)).To(Equal(1))
		Expect(w.lastEvent("remigration.check").Details).To(HaveKeyWithValue("action", "migrate"))
		Expect(w.status("Ken Myer").State).To(Equal(engine.Migrating))
		w.advance(10 * time.Minute)
		Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreExchange))
		Expect(w.exchangeURIs(kenMbox)).To(HaveLen(12))
	})

	It("stays put when a False policy is in effect (permanent rollback)", func() {
		w.mustRun("New-CsUserServicesPolicy -Identity NoUnifiedContactStore -UcsAllowed $False")
		w.mustRun("Grant-CsUserServicesPolicy -Identity 'Ken Myer' -PolicyName NoUnifiedContactStore")
		Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreExchange), "a grant alone moves nothing")
		rollback(`Invoke-CsUcsRollback -Identity "Ken Myer"`)
		w.advance(30 * 24 * time.Hour)
		Expect(w.lastEvent("remigration.check").Details).To(HaveKeyWithValue("action", "none"))
		st := w.status("Ken Myer")
		Expect(st.State).To(Equal(engine.Disabled))
		Expect(st.ContactsIn).To(Equal(engine.StoreLync))
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Disabled))
	})

	It("never migrates on a sign-in during the hold", func() {
		rollback("Invoke-CsUcsRollback 'Ken Myer'")
		w.advance(24 * time.Hour)
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Allowed))
		Expect(w.count("migration.started", kenSIP)).To(Equal(1))
	})

	It("defers re-migration to the next Lync 2013 sign-in with remigration next-signin", func() {
		w = kensWorld(3, withMigration(engine.MigrationConfig{Remigration: engine.RemigrationNextSignIn}))
		w.migrate("Ken Myer")
		w.signOut("Ken Myer", "desktop")
		rollback("Invoke-CsUcsRollback 'Ken Myer'")
		w.advance(8 * 24 * time.Hour)
		Expect(w.lastEvent("remigration.check").Details).To(HaveKeyWithValue("action", "next-signin"))
		Expect(w.status("Ken Myer").State).To(Equal(engine.Allowed))
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Migrating))
	})

	It("with -Force completes although Exchange cannot be read, and records the lost contacts", func() {
		w.ex.SetFault(enginetest.Fault{Kind: engine.FaultDown})
		_, err := w.run("Invoke-CsUcsRollback -Identity 'Ken Myer' -Confirm:$False")
		Expect(err).To(MatchError(ContainSubstring("-Force")))
		Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreExchange), "without -Force nothing changes")

		res := rollback("Invoke-CsUcsRollback -Identity 'Ken Myer' -Force -Confirm:$False")
		Expect(res.Text).To(ContainSubstring("WARNING: "))
		st := w.status("Ken Myer")
		Expect(st.ContactsIn).To(Equal(engine.StoreLync))
		Expect(st.LostContacts).To(Equal(12))
		Expect(w.lyncURIs("Ken Myer")).To(BeEmpty())
		Expect(w.lastEvent("contacts.lost").Details).To(HaveKeyWithValue("contacts", 12))
		Expect(st.HoldUntil).NotTo(BeZero())
	})

	It("is a no-op with a warning for a user not in the store, and starts no hold", func() {
		w.addUser(engine.UserSpec{Name: "Pilar Ackerman", SIP: "sip:pilar@litwareinc.com"}, 2)
		res := w.mustRun("Invoke-CsUcsRollback -Identity pilar@litwareinc.com")
		Expect(res.Warnings).To(ConsistOf(ContainSubstring("not in the unified contact store")))
		Expect(w.status("Pilar Ackerman").HoldUntil).To(BeZero())
		Expect(w.count("rollback.started", "sip:pilar@litwareinc.com")).To(BeZero())
	})

	It("cancels a migration in flight: contacts stay in Lync and the hold starts", func() {
		w.addUser(engine.UserSpec{Name: "Pilar Ackerman", SIP: "sip:pilar@litwareinc.com"}, 4)
		w.signIn("Pilar Ackerman", "desktop", engine.Lync2013)
		w.advance(3 * time.Minute)
		w.mustRun("Invoke-CsUcsRollback -Identity 'Pilar Ackerman'")
		w.advance(time.Hour)
		st := w.status("Pilar Ackerman")
		Expect(st.State).To(Equal(engine.Allowed))
		Expect(st.ContactsIn).To(Equal(engine.StoreLync))
		Expect(st.HoldUntil).NotTo(BeZero())
		Expect(w.lyncURIs("Pilar Ackerman")).To(HaveLen(4))
		Expect(w.count("migration.completed", "sip:pilar@litwareinc.com")).To(BeZero())
	})

	It("asks for confirmation unless -Confirm:$False, and -WhatIf changes nothing", func() {
		asked := ""
		var err error
		w.step(func() {
			_, err = w.eng.Run(ctx(), "Invoke-CsUcsRollback -Identity 'Ken Myer'", engine.RunOptions{Confirm: func(q string) bool { asked = q; return false }})
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(asked).To(ContainSubstring(`Performing the operation "Invoke-CsUcsRollback" on target "sip:kenmyer@litwareinc.com"`))
		Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreExchange))

		res := w.mustRun("Invoke-CsUcsRollback -Identity 'Ken Myer' -WhatIf")
		Expect(res.Text).To(HavePrefix("What if: "))
		Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreExchange))

		asked = ""
		w.step(func() {
			_, err = w.eng.Run(ctx(), "Invoke-CsUcsRollback -Identity 'Ken Myer' -Confirm:$False", engine.RunOptions{Confirm: func(q string) bool { asked = q; return false }})
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(asked).To(BeEmpty())
		Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreLync))
	})

	It("happens automatically when Move-CsUser moves the user to a Lync Server 2010 pool", func() {
		w.mustRun("Move-CsUser -Identity 'Ken Myer' -Target lync2010.litwareinc.com -Confirm:$False")
		st := w.status("Ken Myer")
		Expect(st.ContactsIn).To(Equal(engine.StoreLync))
		Expect(st.HoldUntil).NotTo(BeZero())
		Expect(st.EffectivePolicy).To(Equal("Global"))
		w.advance(8 * 24 * time.Hour)
		Expect(w.lastEvent("remigration.check").Details).To(HaveKeyWithValue("action", "none"))
		Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreLync))
	})

	It("refuses to move the mailbox down to Exchange 2010 while the list is migrated", func() {
		w = kensWorld(2)
		w.migrate("Ken Myer")
		Expect(w.eng.MoveMailbox("Ken Myer", engine.MailboxExchange2010)).To(MatchError(ContainSubstring("Invoke-CsUcsRollback")))
		w.mustRun("Invoke-CsUcsRollback 'Ken Myer'")
		Expect(w.eng.MoveMailbox("Ken Myer", engine.MailboxExchange2010)).To(Succeed())
	})

	It("prompts Lync 2013 endpoints reading Exchange with 2166 and sends the full list to the others", func() {
		w.signIn("Ken Myer", "a-desktop", engine.Lync2013)
		w.signIn("Ken Myer", "b-phone", engine.Mobile)
		Expect(w.status("Ken Myer").Endpoints[1].ReadsFrom).To(Equal(engine.ReadsReadOnly))
		shown := w.count("prompt.shown", kenSIP)
		rollback("Invoke-CsUcsRollback 'Ken Myer'")
		n := w.notifications("a-desktop")
		Expect(n).NotTo(BeEmpty())
		Expect(n[len(n)-1].Kind).To(Equal(engine.NotifyRollbackPrompt))
		Expect(n[len(n)-1].List.Contacts).To(HaveLen(12))
		eps := w.status("Ken Myer").Endpoints
		Expect(eps[0].Prompt).To(BeTrue())
		Expect(eps[1].ReadsFrom).To(Equal(engine.ReadsLync))
		Expect(w.count("prompt.shown", kenSIP)).To(Equal(shown + 1))
		accepted := w.count("prompt.accepted", kenSIP)
		w.signOut("Ken Myer", "a-desktop")
		Expect(w.count("prompt.accepted", kenSIP)).To(Equal(accepted + 1))
		v := w.signIn("Ken Myer", "a-desktop", engine.Lync2013)
		Expect(v.ReadsFrom).To(Equal(engine.ReadsLync))
	})
})
