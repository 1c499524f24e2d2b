package engine_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
)

var _ = Describe("The seed document", func() {
	It("runs its five commands verbatim and tells the story", func() {
		w := newWorld(1)
		w.addUser(kenSpec(), 12)
		w.addUser(engine.UserSpec{Name: "Pilar Ackerman", SIP: "sip:pilar@litwareinc.com"}, 5)
		w.mustRun(`Set-CsUserServicesPolicy -Identity global -UcsAllowed $False`)
		w.mustRun(`New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True`)
		w.mustRun(`Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "AllowUnifiedContactStore"`)
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.signIn("Pilar Ackerman", "desktop", engine.Lync2013)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Migrating))
		w.advance(15 * time.Minute)
		st := w.status("Ken Myer")
		Expect(st.ContactsIn).To(Equal(engine.StoreExchange))
		Expect(st.Endpoints[0].Prompt).To(BeTrue())
		Expect(w.status("Pilar Ackerman").State).To(Equal(engine.Disabled))
		w.signOut("Ken Myer", "desktop")
		v := w.signIn("Ken Myer", "desktop", engine.Lync2013)
		Expect(v.ReadsFrom).To(Equal(engine.ReadsExchange))
		Expect(v.List.Migrated).To(BeTrue())
		res := w.mustRun(`Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com" -TargetFqdn "atl-cs-001.litwareinc.com"`)
		Expect(field(res, "Result")).To(Equal("Success"))
		w.mustRun(`New-CsUserServicesPolicy -Identity NoUnifiedContactStore -UcsAllowed $False`)
		w.mustRun(`Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName NoUnifiedContactStore`)
		w.mustRun(`Grant-CsUserServicesPolicy –Identity "Ken Myer" –PolicyName $Null`)
		w.mustRun(`Invoke-CsUcsRollback -Identity "Ken Myer"`)
		Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreLync))
		w.advance(8 * 24 * time.Hour)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Disabled), "global is False: the rollback is permanent")
	})
})

var _ = Describe("Test-CsUnifiedContactStore and Debug-CsUnifiedContactStore (docs/BEHAVIOR.md B-5.1, B-5.2)", func() {
	var w *world
	BeforeEach(func() {
		w = newWorld(1)
		w.addUser(kenSpec(), 2)
	})
	test := func() *engine.Result {
		return w.mustRun(`Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com" -TargetFqdn "atl-cs-001.litwareinc.com"`)
	}

	It("prints the five fields, Success for a migrated user with contacts", func() {
		w.migrate("Ken Myer")
		w.ex.SetFault(enginetest.Fault{Kind: engine.FaultSlow, Latency: 1500 * time.Millisecond})
		res := test()
		var names []string
		for _, f := range res.Records[0] {
			names = append(names, f.Name)
		}
		Expect(names).To(Equal([]string{"Target Fqdn", "Result", "Latency", "Error Message", "Diagnosis"}))
		Expect(field(res, "Result")).To(Equal("Success"))
		Expect(field(res, "Latency")).To(Equal("00:00:01.5000000"))
		Expect(res.Text).To(HavePrefix("Target Fqdn   : atl-cs-001.litwareinc.com\nResult        : Success\n"))
	})

	It("fails for a migrated user with zero contacts", func() {
		w.addUser(engine.UserSpec{Name: "Empty", SIP: "sip:empty@litwareinc.com"}, 0)
		w.migrate("Empty")
		res := w.mustRun(`Test-CsUnifiedContactStore -UserSipAddress sip:empty@litwareinc.com -TargetFqdn atl-cs-001.litwareinc.com`)
		Expect(field(res, "Result")).To(Equal("Failure"))
		Expect(field(res, "Error Message") + " " + field(res, "Diagnosis")).To(Equal("No contacts were received for the user. Verify that contacts exist for the user."))
	})

	It("fails for a user not migrated, and for an unknown pool", func() {
		res := test()
		Expect(field(res, "Result")).To(Equal("Failure"))
		Expect(field(res, "Diagnosis")).To(ContainSubstring("not been migrated to the unified contact store"))
		res = w.mustRun(`Test-CsUnifiedContactStore -UserSipAddress sip:kenmyer@litwareinc.com -TargetFqdn nosuch.litwareinc.com`)
		Expect(field(res, "Result")).To(Equal("Failure"))
		Expect(field(res, "Error Message")).To(ContainSubstring("Unable to connect"))
	})

	It("debugs one user (attempts, last attempt) and a pool (counts per state)", func() {
		w.addUser(engine.UserSpec{Name: "Pilar Ackerman", SIP: "sip:pilar@litwareinc.com"}, 1)
		w.migrate("Ken Myer")
		res := w.mustRun("Debug-CsUnifiedContactStore -Identity 'Ken Myer'")
		Expect(field(res, "UcsMigrated")).To(Equal("True"))
		Expect(field(res, "MigrationAttempts")).To(Equal("1"))
		Expect(field(res, "LastMigrationAttempt")).To(Equal("1/5/2026 9:00:00 AM"))
		res = w.mustRun("Debug-CsUnifiedContactStore -PoolFqdn atl-cs-001.litwareinc.com")
		Expect(field(res, "FrontEnd")).To(Equal("atl-cs-001.litwareinc.com"))
		Expect(field(res, "UcsMigratedCount")).To(Equal("1"))
		Expect(field(res, "UcsAllowedCount")).To(Equal("1"))
		Expect(field(res, "UcsDisabledCount")).To(Equal("0"))
		Expect(field(res, "UcsMigratingCount")).To(Equal("0"))
		Expect(field(res, "FailedUserData")).To(Equal("{}"))
	})
})
