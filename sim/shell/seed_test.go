package shell_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim/shell"
)

var _ = Describe("the seed document's commands typed verbatim", func() {
	const setGlobal = `Set-CsUserServicesPolicy -Identity global -UcsAllowed $False`
	const newAllow = `New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True`
	const grantAllow = `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "AllowUnifiedContactStore"`
	const test = `Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com" -TargetFqdn "atl-cs-001.litwareinc.com"`
	const newDeny = `New-CsUserServicesPolicy -Identity NoUnifiedContactStore -UcsAllowed $False`
	const grantDeny = `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName NoUnifiedContactStore`
	const rollback = `Invoke-CsUcsRollback -Identity "Ken Myer"`

	It("migrates only Ken Myer, whose per-user policy allows the store, and Test-CsUnifiedContactStore succeeds", func() {
		s, out := session(setGlobal + "\n" + newAllow + "\n" + grantAllow + "\n" +
			"signin Ken Myer\nsignin Pilar Ackerman\nwait 10m\naccept Ken Myer\n" + test + "\n")

		Expect(after(out, setGlobal)).To(ContainSubstring("WARNING: "))
		Expect(after(out, newAllow)).To(ContainSubstring("Identity   : Tag:AllowUnifiedContactStore\nUcsAllowed : True\n"))
		Expect(after(out, grantAllow)).To(ContainSubstring("policy.granted  Ken Myer"))
		Expect(after(out, "wait 10m")).To(Equal(
			"[Mon Jan 05 09:10:00] migration.completed  Ken Myer  attempts=1 contacts=12\n" +
				"[Mon Jan 05 09:10:00] prompt.shown  Ken Myer  diag=2165 endpoint=desktop\n"))
		Expect(after(out, test)).To(MatchRegexp(`Target Fqdn\s+: atl-cs-001.litwareinc.com\nResult\s+: Success\n`))

		ken, err := s.World().Engine.Status("Ken Myer")
		Expect(err).NotTo(HaveOccurred())
		Expect(ken.State).To(Equal(engine.Migrated))
		pilar, err := s.World().Engine.Status("Pilar Ackerman")
		Expect(err).NotTo(HaveOccurred())
		Expect(pilar.State).To(Equal(engine.Disabled))
		Expect(pilar.ContactsIn).To(Equal(engine.StoreLync))
	})

	It("rolls Ken back for good with a denying policy plus Invoke-CsUcsRollback: nothing happens when the hold ends", func() {
		out := transcript(grantAllow+"\nsignin Ken Myer\nwait 10m\n"+newDeny+"\n"+grantDeny+"\n"+rollback+"\nY\nuntil +7d1h\nstatus Ken Myer\n", shell.Options{})

		Expect(after(out, newDeny)).To(ContainSubstring("UcsAllowed : False"))
		Expect(after(out, rollback)).To(ContainSubstring("[Mon Jan 05 09:10:00] rollback.completed  Ken Myer  contacts=12\n"))
		Expect(after(out, "until +7d1h")).To(ContainSubstring("[Mon Jan 12 09:10:00] hold.expired  Ken Myer\n"))
		Expect(after(out, "until +7d1h")).To(ContainSubstring("remigration.check  Ken Myer  action=none"))
		Expect(after(out, "until +7d1h")).NotTo(ContainSubstring("migration.started"))
		Expect(after(out, "status Ken Myer")).To(MatchRegexp(`Ken Myer\s+Disabled\s+lync\s+12\s+1\s+-\s+Tag:NoUnifiedContactStore\s+atl-cs-001.litwareinc.com`))
	})

	It("starts, by default, with Ken Myer and Pilar Ackerman holding 12 and 5 contacts in Lync Server", func() {
		out := transcript("status\n", shell.Options{})
		Expect(after(out, "status")).To(MatchRegexp(`Ken Myer\s+Allowed\s+lync\s+12\s+0\s+-\s+Global\s+atl-cs-001.litwareinc.com\s+-\n`))
		Expect(after(out, "status")).To(MatchRegexp(`Pilar Ackerman\s+Allowed\s+lync\s+5\s+0\s+-\s+Global\s+atl-cs-001.litwareinc.com\s+-\n`))
	})
})
