package shell_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/shell"
)

var _ = Describe("the Management Shell language in the shell", func() {
	It("runs TechNet's pipeline and keeps variables from line to line", func() {
		const pipe = `Get-CsUser -Filter {RegistrarPool -eq "atl-cs-001.litwareinc.com"} | Invoke-CsUcsRollback -Confirm:$False`
		s, out := session("signin Ken Myer\nwait 10m\n$ken = Get-CsUser \"Ken Myer\"\n" + pipe + "\n$ken.SipAddress\n")

		Expect(after(out, pipe)).To(ContainSubstring("rollback.completed  Ken Myer  contacts=12"))
		Expect(after(out, pipe)).To(ContainSubstring("WARNING: The contacts of sip:pilar@litwareinc.com are not in the unified contact store"))
		Expect(after(out, "$ken.SipAddress")).To(Equal("sip:kenmyer@litwareinc.com\n"))
		Expect(s.World().Trace.Count("rollback.completed", "")).To(Equal(1))
	})

	It("hides the event lines with `events off` and shows them as VERBOSE lines with -Verbose", func() {
		out := transcript("events off\nSet-CsUserServicesPolicy -UcsAllowed $False\nSet-CsUserServicesPolicy -UcsAllowed $True -Verbose\nevents on\n"+
			"Set-CsUserServicesPolicy -UcsAllowed $True\nevents maybe\n", shell.Options{})

		Expect(after(out, "Set-CsUserServicesPolicy -UcsAllowed $False")).To(HavePrefix("WARNING: Changing Global"))
		Expect(after(out, "Set-CsUserServicesPolicy -UcsAllowed $False")).NotTo(ContainSubstring("policy.set"))
		Expect(after(out, "Set-CsUserServicesPolicy -UcsAllowed $True -Verbose")).To(Equal("VERBOSE: [Mon Jan 05 09:00:00] policy.set  identity=Global ucsAllowed=true\n"))
		Expect(after(out, "Set-CsUserServicesPolicy -UcsAllowed $True")).To(Equal("[Mon Jan 05 09:00:00] policy.set  identity=Global ucsAllowed=true\n"))
		Expect(after(out, "events maybe")).To(Equal("events: want on or off, e.g. events off\n"))
	})

	It("lists the simulation verbs with Get-Command and describes one with Get-Help", func() {
		out := transcript("Get-Command -CommandType Simulation\nhelp signin\n", shell.Options{})

		Expect(after(out, "Get-Command -CommandType Simulation")).To(MatchRegexp(`(?m)^Simulation\s+signin\s+ucssim$`))
		Expect(after(out, "Get-Command -CommandType Simulation")).To(MatchRegexp(`(?m)^Simulation\s+wait\s+ucssim$`))
		Expect(after(out, "help signin")).To(ContainSubstring("signin <user> [lync2013|lync2010|mobile] [endpoint]"))
	})

	It("moves Ken to the default world's Lync Server 2010 pool, rolling him back, and shows the pool in status", func() {
		s, out := session("signin Ken Myer\nwait 10m\nGet-CsUser \"Ken Myer\" | Move-CsUser -Target lync2010.litwareinc.com -Confirm:$False\nstatus Ken Myer\n")

		Expect(after(out, "status Ken Myer")).To(MatchRegexp(`Ken Myer\s+Allowed\s+lync\s+12\s+1\s+Mon 2026-01-12 09:10\s+Global\s+lync2010.litwareinc.com`))
		Expect(s.World().Trace.Count("user.moved", "sip:kenmyer@litwareinc.com")).To(Equal(1))
	})
})
