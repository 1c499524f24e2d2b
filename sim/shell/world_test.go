package shell_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/sim/shell"
)

var _ = Describe("the world of the shell", func() {
	load := func() *scenario.File {
		GinkgoHelper()
		f, err := scenario.Load("testdata/small-world.yaml")
		Expect(err).NotTo(HaveOccurred())
		return f
	}

	It("loads the world, name, description, start and seed of a scenario file", func() {
		out := transcript("status\ntime\n", shell.Options{File: load()})

		Expect(out).To(HavePrefix("ucssim shell: A small world for the shell (seed 7, pool atl-cs-001.litwareinc.com)\n" +
			"  Anne Wallace with three contacts; the rollback hold is a day long.\n"))
		Expect(after(out, "status")).To(MatchRegexp(`Anne Wallace\s+Allowed\s+lync\s+3\s+0`))
		Expect(after(out, "time")).To(HavePrefix("Mon 2026-03-02 08:00:00 UTC (start +0s)"))
	})

	It("replays the file's steps when asked, then takes input, with the file's own timing", func() {
		out := transcript("until +1d11m\n", shell.Options{File: load(), Replay: true})

		Expect(out).To(ContainSubstring("> signin \"sip:anne@litwareinc.com\" lync2013 \"desktop\"\n"))
		Expect(out).To(ContainSubstring("# testdata/small-world.yaml:19: expect step not replayed\n"))
		Expect(after(out, `Invoke-CsUcsRollback -Identity "Anne Wallace"`)).To(ContainSubstring(`(default is "Y"): Y` + "\n[Mon Mar 02 08:10:00] rollback.started  Anne Wallace"))
		Expect(after(out, "until +1d11m")).To(ContainSubstring("[Tue Mar 03 08:10:00] hold.expired  Anne Wallace\n"))
		Expect(after(out, "until +1d11m")).To(ContainSubstring("[Tue Mar 03 08:10:00] migration.started  Anne Wallace"))
	})

	It("uses the seed given instead of the file's", func() {
		seed := uint64(99)
		out := transcript("", shell.Options{File: load(), Seed: &seed})
		Expect(out).To(HavePrefix("ucssim shell: A small world for the shell (seed 99,"))
	})

	It("has a default world that parses, with the seed document's two users", func() {
		f, err := shell.DefaultWorld()
		Expect(err).NotTo(HaveOccurred())
		Expect(f.World.Users).To(HaveLen(2))
		Expect(f.World.Users[0].Name).To(Equal("Ken Myer"))
		Expect(f.World.Users[0].Generated).To(Equal(12))
		Expect(f.World.Users[1].Generated).To(Equal(5))
	})

	It("lets Lync 2010 sign in without migrating, and Outlook add a contact once migrated", func() {
		out := transcript("signin Pilar Ackerman lync2010 laptop\nwait 1h\nsignin Ken Myer\nwait 10m\n"+
			"outlook Ken Myer sip:anne@litwareinc.com Anne Wallace\nstatus\ntimeline 3\n", shell.Options{})

		Expect(after(out, "signin Pilar Ackerman lync2010 laptop")).To(Equal("[Mon Jan 05 09:00:00] signin  Pilar Ackerman  client=lync2010 endpoint=laptop reads=lync\n"))
		Expect(after(out, "wait 1h")).NotTo(ContainSubstring("migration"))
		Expect(after(out, "status")).To(MatchRegexp(`Ken Myer\s+Migrated\s+exchange\s+13\s+1`))
		Expect(after(out, "status")).To(MatchRegexp(`Pilar Ackerman\s+Allowed\s+lync\s+5\s+0\s+-\s+Global\s+atl-cs-001.litwareinc.com\s+laptop lync2010 reads lync\n`))
		Expect(after(out, "outlook Ken Myer sip:anne@litwareinc.com Anne Wallace")).To(Equal("[Mon Jan 05 10:10:00] contact.added  Ken Myer  store=exchange uri=anne@litwareinc.com\n"))
		Expect(after(out, "timeline 3")).To(Equal("+1h10m    Ken Myer's 12 contacts are now in Exchange (unified contact store, attempt 1)\n" +
			"+1h10m    Ken Myer's desktop shows the log-off prompt (2165): the contacts moved to Exchange\n" +
			"+1h10m    anne@litwareinc.com added to Ken Myer's list (Exchange)\n"))
	})
})
