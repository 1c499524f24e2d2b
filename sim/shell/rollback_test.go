package shell_test

import (
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim/shell"
)

var _ = Describe("the rollback demo", func() {
	const rollback = `Invoke-CsUcsRollback -Identity "Ken Myer"`

	demo := func() string {
		GinkgoHelper()
		data, err := os.ReadFile("testdata/rollback-demo.txt")
		Expect(err).NotTo(HaveOccurred())
		return string(data)
	}

	It("shows the prompt, the confirmed rollback and the re-migration 7 days later at the exact instants", func() {
		out := transcript(demo(), shell.Options{})

		Expect(after(out, "wait 10m")).To(ContainSubstring("[Mon Jan 05 09:10:00] prompt.shown  Ken Myer  diag=2165 endpoint=desktop\n"))
		Expect(after(out, "status Ken Myer")).To(MatchRegexp(`Ken Myer\s+Migrated\s+exchange\s+12\s+1\s+-\s+Global\s+atl-cs-001.litwareinc.com\s+desktop lync2013 reads lync PROMPT:log-off`))
		Expect(after(out, rollback)).To(HavePrefix("\nConfirm\nAre you sure you want to perform this action?\n" +
			`Performing the operation "Invoke-CsUcsRollback" on target "sip:kenmyer@litwareinc.com".` + "\n" +
			`[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [S] Suspend  [?] Help (default is "Y"): Y` + "\n" +
			"[Mon Jan 05 09:10:00] rollback.started  Ken Myer  force=false trigger=Invoke-CsUcsRollback\n" +
			"[Mon Jan 05 09:10:00] rollback.completed  Ken Myer  contacts=12\n" +
			"[Mon Jan 05 09:10:00] hold.started  Ken Myer  holdUntil=Mon 2026-01-12 09:10:00\n"))
		Expect(after(out, "until +7d10m")).To(Equal(
			"[Mon Jan 12 09:10:00] hold.expired  Ken Myer\n" +
				"[Mon Jan 12 09:10:00] remigration.check  Ken Myer  action=migrate policy=Global ucsAllowed=true\n" +
				"[Mon Jan 12 09:10:00] migration.started  Ken Myer  attempt=2 commitAt=Mon 2026-01-12 09:20:00 contacts=12 trigger=\"hold expired\"\n"))
		Expect(out).To(MatchRegexp(`(?s)> until \+7d10m\n.*\[Mon Jan 12 09:20:00\] migration.completed  Ken Myer  attempts=2 contacts=12\n.*Ken Myer\s+Migrated\s+exchange\s+12\s+2\s+-\s+Global`))
	})

	It("prints the same transcript on every run", func() {
		Expect(transcript(demo(), shell.Options{})).To(Equal(transcript(demo(), shell.Options{})))
	})

	It("changes nothing when the confirmation is answered N", func() {
		s, out := session("signin Ken Myer\nwait 10m\n" + rollback + "\nN\nwait 8d\n")

		Expect(after(out, rollback)).To(HaveSuffix(`(default is "Y"): N` + "\n"))
		Expect(after(out, "wait 8d")).NotTo(ContainSubstring("rollback"))
		Expect(s.World().Trace.Count("rollback.started", "")).To(Equal(0))
		Expect(s.World().Trace.Count("hold.started", "")).To(Equal(0))
		st, err := s.World().Engine.Status("Ken Myer")
		Expect(err).NotTo(HaveOccurred())
		Expect(st.State).To(Equal(engine.Migrated))
		Expect(st.ContactsIn).To(Equal(engine.StoreExchange))
		Expect(st.HoldUntil.IsZero()).To(BeTrue())
	})

	It("in a piped transcript, runs a line that is no answer as the next command instead of swallowing it", func() {
		s, out := session("signin Ken Myer\nwait 10m\n" + rollback + "\nsignin Pilar Ackerman\n")

		Expect(after(out, rollback)).To(ContainSubstring(`(default is "Y"): signin Pilar Ackerman` + "\n" +
			`"signin Pilar Ackerman" is not an answer (Y, A, N, L or ?): the operation was not performed and the line runs as the next command.`))
		Expect(after(out, "signin Pilar Ackerman")).To(ContainSubstring("signin  Pilar Ackerman"))
		Expect(s.World().Trace.Count("rollback.started", "")).To(Equal(0))
		Expect(s.World().Trace.Count("signin", "sip:pilar@litwareinc.com")).To(Equal(1))
	})

	It("takes the end of the input as no", func() {
		s, out := session("signin Ken Myer\nwait 10m\n" + rollback + "\n")

		Expect(after(out, rollback)).To(HaveSuffix(`(default is "Y"): ` + "\n"))
		Expect(s.World().Trace.Count("rollback.started", "")).To(Equal(0))
	})

	It("prints the choices' help for ? and asks again", func() {
		s, out := session("signin Ken Myer\nwait 10m\n" + rollback + "\n?\nY\n")

		Expect(after(out, rollback)).To(ContainSubstring("(default is \"Y\"): ?\nY - Continue with only the next step of the operation.\n" +
			"A - Continue with all the steps of the operation.\nN - Skip this operation and proceed with the next operation.\n" +
			"L - Skip this operation and all subsequent operations.\n"))
		Expect(s.World().Trace.Count("rollback.completed", "")).To(Equal(1))
	})

	It("does not ask with -Confirm:$False, and keeps the clock still while it asks", func() {
		s, out := session("signin Ken Myer\nwait 10m\nInvoke-CsUcsRollback -Identity \"Ken Myer\" -Confirm:$False\ntime\n")

		Expect(out).NotTo(ContainSubstring("Are you sure"))
		Expect(after(out, "time")).To(HavePrefix("Mon 2026-01-05 09:10:00 UTC (start +10m)"))
		Expect(s.World().Trace.Count("rollback.completed", "sip:kenmyer@litwareinc.com")).To(Equal(1))
	})

	It("drives the clock while a rollback waits on a slow Exchange", func() {
		out := transcript("signin Ken Myer\nwait 10m\nfault slow 1h 2m\n"+rollback+"\ny\ntime\n", shell.Options{})

		Expect(after(out, "fault slow 1h 2m")).To(Equal("[Mon Jan 05 09:10:00] fault.started  exchange=slow for=1h latency=2m\n"))
		Expect(after(out, rollback)).To(ContainSubstring("[Mon Jan 05 09:10:00] rollback.started  Ken Myer"))
		Expect(after(out, rollback)).To(MatchRegexp(`\[Mon Jan 05 09:(1[2-9]|[2-5]\d):00\] rollback.completed  Ken Myer  contacts=12`))
		Expect(after(out, "time")).NotTo(HavePrefix("Mon 2026-01-05 09:10:00"))
	})
})
