package engine_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
)

// expectMigratedWith expects Ken migrated with twelve contacts in his mailbox: kept among them,
// and contact000, deleted before the migration committed, not.
func expectMigratedWith(w *world, kept string) {
	GinkgoHelper()
	Expect(w.status("Ken Myer").State).To(Equal(engine.Migrated))
	uris := w.exchangeURIs(kenMbox)
	Expect(uris).To(HaveLen(12))
	Expect(uris).To(ContainElement(kept))
	Expect(uris).NotTo(ContainElement("contact000@fabrikam.com"))
}

var _ = Describe("Migration into the unified contact store (docs/BEHAVIOR.md section 2, B-2.1 to B-2.6)", func() {
	var w *world
	BeforeEach(func() {
		w = kensWorld(12)
	})

	It("starts at a Lync 2013 sign-in, keeps Lync authoritative while in flight, and commits after 10 minutes", func() {
		v := w.signIn("Ken Myer", "desktop", engine.Lync2013)
		Expect(v.ReadsFrom).To(Equal(engine.ReadsLync))
		Expect(v.List.Contacts).To(HaveLen(12))
		st := w.status("Ken Myer")
		Expect(st.State).To(Equal(engine.Migrating))
		Expect(st.ContactsIn).To(Equal(engine.StoreLync))
		Expect(st.Attempts).To(Equal(1))
		Expect(w.count("migration.started", kenSIP)).To(Equal(1))

		w.advance(10*time.Minute - time.Second)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Migrating), "not before 10 minutes")
		w.advance(time.Second)
		st = w.status("Ken Myer")
		Expect(st.State).To(Equal(engine.Migrated))
		Expect(st.ContactsIn).To(Equal(engine.StoreExchange))
		Expect(w.exchangeURIs(kenMbox)).To(HaveLen(12))
		_, flag, _ := w.ex.List(kenMbox)
		Expect(flag).To(BeTrue(), "SetImListMigrationCompleted(true) is the commit")
		Expect(w.lastEvent("migration.completed").Details).To(HaveKeyWithValue("contacts", 12))
	})

	It("moves groups as Exchange user groups and the default group as Other Contacts", func() {
		w.migrate("Ken Myer")
		l, _, _ := w.ex.List(kenMbox)
		names := map[string]int{}
		for _, g := range l.Groups {
			names[g.DisplayName] = len(g.Members)
		}
		Expect(names).To(HaveKeyWithValue("Team", 4))
		Expect(names).To(HaveKeyWithValue("Friends", 4))
		Expect(names).To(HaveKeyWithValue("Other Contacts", 4))
	})

	It("adds the per-contact time and stays deterministic under seeded jitter", func() {
		times := func(seed uint64) time.Time {
			w := newWorld(seed, withMigration(engine.MigrationConfig{PerContact: time.Minute, Jitter: 2 * time.Minute}))
			w.addUser(kenSpec(), 12)
			w.signIn("Ken Myer", "desktop", engine.Lync2013)
			for w.status("Ken Myer").State != engine.Migrated {
				w.advance(time.Second * 10)
			}
			return w.sched.Now()
		}
		a, b := times(7), times(7)
		Expect(a).To(Equal(b))
		elapsed := a.Sub(vclockStart())
		Expect(elapsed).To(BeNumerically(">=", 22*time.Minute-2*time.Minute))
		Expect(elapsed).To(BeNumerically("<=", 22*time.Minute+2*time.Minute+10*time.Second))
	})

	DescribeTable("never starts without every condition",
		func(setup func(w *world), kind engine.ClientKind, want engine.State) {
			setup(w)
			w.signIn("Ken Myer", "ep", kind)
			w.advance(time.Hour)
			Expect(w.status("Ken Myer").State).To(Equal(want))
			Expect(w.count("migration.started", kenSIP)).To(BeZero())
			Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreLync))
		},
		Entry("Lync 2010 sign-in", func(*world) {}, engine.Lync2010, engine.Allowed),
		Entry("mobile sign-in", func(*world) {}, engine.Mobile, engine.Allowed),
		Entry("policy UcsAllowed False", func(w *world) {
			w.mustRun("Set-CsUserServicesPolicy -Identity global -UcsAllowed $False")
		}, engine.Lync2013, engine.Disabled),
		Entry("no Exchange 2013 mailbox", func(w *world) {
			Expect(w.eng.MoveMailbox("Ken Myer", engine.MailboxExchange2010)).To(Succeed())
		}, engine.Lync2013, engine.Allowed),
		Entry("homed on a Lync Server 2010 pool", func(w *world) {
			w.mustRun("Move-CsUser -Identity 'Ken Myer' -Target lync2010.litwareinc.com")
		}, engine.Lync2013, engine.Allowed),
	)

	It("fails without server-to-server authentication, keeps the Lync list, and retries at sign-in and at the daily task", func() {
		w.ex.SetFault(enginetest.Fault{Kind: engine.FaultUnauthorized})
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		st := w.status("Ken Myer")
		Expect(st.State).To(Equal(engine.Failed))
		Expect(st.Attempts).To(Equal(1))
		Expect(st.LastAttempt).To(Equal(vclockStart()))
		Expect(st.ContactsIn).To(Equal(engine.StoreLync))
		Expect(w.lyncURIs("Ken Myer")).To(HaveLen(12))
		Expect(w.lastEvent("migration.failed").Details["reason"]).To(ContainSubstring("server-to-server"))
		res := w.mustRun("Debug-CsUnifiedContactStore -Identity 'Ken Myer'")
		Expect(field(res, "MigrationAttempts")).To(Equal("1"))

		w.signOut("Ken Myer", "desktop")
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		Expect(w.status("Ken Myer").Attempts).To(Equal(2))
		Expect(w.count("migration.retry", kenSIP)).To(Equal(1))

		w.ex.SetFault(enginetest.Fault{})
		// the daily task at 01:00 UTC retries without a sign-in
		w.until(time.Date(2026, 1, 6, 0, 59, 59, 0, time.UTC))
		Expect(w.status("Ken Myer").State).To(Equal(engine.Failed))
		w.until(time.Date(2026, 1, 6, 1, 0, 0, 0, time.UTC))
		Expect(w.status("Ken Myer").State).To(Equal(engine.Migrating))
		Expect(w.lastEvent("migration.retry").Details["trigger"]).To(Equal("daily task"))
		w.advance(10 * time.Minute)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Migrated))
		Expect(w.status("Ken Myer").Attempts).To(Equal(3))
	})

	It("waits out ErrorServerBusy with its back-off on virtual time inside the attempt", func() {
		w.ex.SetFault(enginetest.Fault{Kind: engine.FaultBusy, BackOff: 20 * time.Second, Until: vclockStart().Add(time.Minute)})
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Migrating))
		w.advance(10 * time.Minute)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Migrated))
		Expect(w.ex.Calls("GetImItemList")).To(BeNumerically(">=", 4), "three busy answers, then success")
	})

	It("fails when ErrorServerBusy outlasts the retries", func() {
		w.ex.SetFault(enginetest.Fault{Kind: engine.FaultBusy, BackOff: time.Second})
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.advance(time.Minute)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Failed))
		Expect(w.ex.Calls("GetImItemList")).To(Equal(1 + engine.DefaultBusyRetries))
	})

	It("fails as a whole over the Exchange contact limit and leaves the Lync list intact", func() {
		w = newWorld(1)
		w.ex = enginetest.New(enginetest.Config{MaxContacts: 5})
		eng, err := engine.New(engine.Config{Clock: w.sched.Clock(), Scheduler: w.sched, Exchange: w.ex})
		Expect(err).NotTo(HaveOccurred())
		w.eng = eng
		w.addUser(kenSpec(), 12)
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.advance(15 * time.Minute)
		st := w.status("Ken Myer")
		Expect(st.State).To(Equal(engine.Failed))
		Expect(st.LastError).To(ContainSubstring("ErrorImContactLimitReached"))
		Expect(w.lyncURIs("Ken Myer")).To(HaveLen(12))
	})

	It("keeps edits made during the migration and removes leftovers of a failed attempt", func() {
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.advance(5 * time.Minute)
		w.edit("Ken Myer", "desktop", engine.OpSetContact, "sip:new@fabrikam.com")
		w.edit("Ken Myer", "desktop", engine.OpDeleteContact, "contact000@fabrikam.com")
		w.advance(5 * time.Minute)
		expectMigratedWith(w, "new@fabrikam.com")
	})

	It("removes leftovers of a cancelled attempt but keeps what Outlook put in the mailbox", func() {
		Expect(w.ex.OutlookAddContact(kenMbox, "outlook@fabrikam.com", "From Outlook")).To(Succeed())
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		Expect(w.exchangeURIs(kenMbox)).To(HaveLen(13), "the writes happen at once")
		w.mustRun("Invoke-CsUcsRollback 'Ken Myer'")
		w.edit("Ken Myer", "desktop", engine.OpDeleteContact, "contact000@fabrikam.com")
		w.advance(7*24*time.Hour + 10*time.Minute)
		expectMigratedWith(w, "outlook@fabrikam.com")
	})

	It("does not let a policy change alone move contacts", func() {
		w.mustRun("Set-CsUserServicesPolicy -UcsAllowed $False")
		w.advance(8 * 24 * time.Hour)
		Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreLync))
		w.mustRun("Set-CsUserServicesPolicy -UcsAllowed $True")
		w.advance(8 * 24 * time.Hour)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Allowed), "only a sign-in triggers the check")
	})
})

func vclockStart() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) }
