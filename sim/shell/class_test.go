package shell_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/scenarios"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/sim/shell"
)

// runFile runs a scenario file as `ucssim run` does and returns its result.
func runFile(path string) *runner.Result {
	GinkgoHelper()
	f, err := scenario.Load(path)
	Expect(err).NotTo(HaveOccurred(), "the file must load:\n%s", readFile(path))
	return runner.Run(context.Background(), f, runner.RunOptions{})
}

// replaysTo runs a file the session wrote and expects it to pass with the session's trace.
func replaysTo(path string, s *shell.Shell) *runner.Result {
	GinkgoHelper()
	res := runFile(path)
	Expect(res.Passed).To(BeTrue(), "%v", res.Failure)
	Expect(string(res.Trace)).To(Equal(traceOf(s)))
	return res
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// traceOf is the shell world's trace so far, as `run --trace` writes it.
func traceOf(s *shell.Shell) string {
	b, err := s.World().Trace.JSONL()
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// aSession is a class session over the default world: policy cmdlets, a mistyped cmdlet, sign-ins,
// a rollback that is first declined then confirmed, an Exchange fault, an Outlook edit, waits.
const aSession = `Set-CsUserServicesPolicy -Identity global -UcsAllowed $False
New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True
Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "AllowUnifiedContactStore"
Get-CsUserServicesPolicy
Set-CsUserServicesPolcy -Identity global
signin Ken Myer
signin Pilar Ackerman lync2010 laptop
status
wait 10m
accept Ken Myer
outlook Ken Myer sip:anne@litwareinc.com Anne Wallace
Invoke-CsUcsRollback -Identity "Ken Myer"
n
fault slow 1h
Invoke-CsUcsRollback -Identity "Ken Myer"
y
until +7d1h
signout Pilar Ackerman
`

var _ = Describe("the class: replay, save, undo, checkpoints and the journal", func() {
	It("replays every bundled scenario to the trace ucssim run writes (but the 1000-contact limit ones)", func() {
		var paths []string
		Expect(fs.WalkDir(scenarios.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
				paths = append(paths, p)
			}
			return err
		})).To(Succeed())
		Expect(len(paths)).To(BeNumerically(">=", 70))
		for _, p := range paths {
			src, err := fs.ReadFile(scenarios.FS, p)
			Expect(err).NotTo(HaveOccurred())
			f, err := scenario.Parse(p, src)
			Expect(err).NotTo(HaveOccurred())
			if bigWorld(f) {
				continue // Exchange's contact limits: most of the suite's time, nothing the stepping adds
			}
			want := runner.Run(context.Background(), f, runner.RunOptions{})
			Expect(want.Passed).To(BeTrue(), "%s passes under ucssim run", p)

			s, out := open(shell.Options{File: f, Source: src, Replay: true}, "play\n")
			Expect(traceOf(s)).To(Equal(string(want.Trace)), "%s: replay and run wrote different traces; the replay printed:\n%s", p, out)
			Expect(out).To(ContainSubstring("PASS "+f.Name+": all"), p)
		}
	})

	It("shows a failed expectation and stops the replay there, as run stops", func() {
		src := []byte(`name: A wrong expectation
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 2}
steps:
  - signIn: Ken Myer
  - expect: {user: Ken Myer, state: Migrated}
    within: 5m
  - wait: 1h
`)
		f, err := scenario.Parse("wrong.yaml", src)
		Expect(err).NotTo(HaveOccurred())
		want := runner.Run(context.Background(), f, runner.RunOptions{})
		Expect(want.Passed).To(BeFalse())

		s, out := open(shell.Options{File: f, Source: src, Replay: true}, "\n\n\nnext\nundo\nstatus\n")
		Expect(out).To(ContainSubstring("> [2/3] wrong.yaml:7: expect: {user: Ken Myer, state: Migrated}, within: 5m\n"))
		Expect(out).To(ContainSubstring("FAILED wrong.yaml:7:5: expect: expected within 5m0s: state: Migrated, saw state: Migrating"))
		Expect(out).NotTo(ContainSubstring("[3/3]"))
		Expect(after(out, "next")).To(ContainSubstring("the replay stopped at a failed step"))
		Expect(after(out, "undo")).To(ContainSubstring("undone: expect: {user: Ken Myer, state: Migrated}, within: 5m\nVirtual time Mon 2026-01-05 09:00:00 UTC (start +0s)."))
		Expect(after(out, "status")).To(MatchRegexp(`Ken Myer\s+Migrating`))
		Expect(string(want.Trace)).To(HavePrefix(traceOf(s)))
	})

	It("saves the session as a scenario file that ucssim run replays to the same trace", func() {
		path := filepath.Join(GinkgoT().TempDir(), "class.yaml")
		s, out := open(shell.Options{}, aSession+"save "+path+"\n")
		Expect(after(out, "save "+path)).To(Equal("saved 15 steps to " + path + " (replay: ucssim run " + path + ")\n"))

		saved := readFile(path)
		Expect(saved).To(ContainSubstring("name: Seed document world\n"))
		Expect(saved).To(ContainSubstring("seed: 1\n"))
		Expect(saved).To(ContainSubstring("  # Mon 2026-01-05 09:00:00 (start +0s): Set-CsUserServicesPolicy -Identity global -UcsAllowed $False\n  - run: Set-CsUserServicesPolicy -Identity global -UcsAllowed $False\n"))
		Expect(saved).To(ContainSubstring("  - run: Invoke-CsUcsRollback -Identity \"Ken Myer\"\n    answers: [no]\n"))
		Expect(saved).To(ContainSubstring("  - run: Set-CsUserServicesPolcy -Identity global\n    error: "))
		Expect(saved).To(ContainSubstring("  - signIn: sip:pilar@litwareinc.com\n    client: lync2010\n    endpoint: laptop\n"))
		Expect(saved).To(ContainSubstring("  - fault: {exchange: slow, for: 1h, latency: 1m}\n"))
		Expect(saved).NotTo(ContainSubstring("status"), "lines that change nothing are not steps")

		replaysTo(path, s)
		Expect(strings.Count(traceOf(s), "\n")).To(BeNumerically(">", 20))
	})

	It("saves the answers given to a pipeline's questions, so the saved file answers the same", func() {
		path := filepath.Join(GinkgoT().TempDir(), "answers.yaml")
		s, out := open(shell.Options{}, "signin Ken Myer\nsignin Pilar Ackerman\nwait 10m\n"+
			"Get-CsUser | Invoke-CsUcsRollback\nn\ny\nGet-CsUser | Invoke-CsUcsRollback\nl\nsave "+path+"\n")
		Expect(out).To(ContainSubstring("rollback.completed  Pilar Ackerman"))
		Expect(out).NotTo(ContainSubstring("rollback.completed  Ken Myer"))
		saved := readFile(path)
		Expect(saved).To(ContainSubstring("  - run: Get-CsUser | Invoke-CsUcsRollback\n    answers: [no, yes]\n"))
		Expect(saved).To(ContainSubstring("  - run: Get-CsUser | Invoke-CsUcsRollback\n    answers: [no to all]\n"))
		replaysTo(path, s)
	})

	It("saves a replayed file's steps as the file wrote them, with the session's own steps after them", func() {
		path := filepath.Join(GinkgoT().TempDir(), "replayed.yaml")
		s, _ := open(shell.Options{File: loadSmall(), Replay: true}, "next 3\nsignout Anne Wallace\nsave "+path+"\n")
		saved := readFile(path)
		Expect(saved).To(ContainSubstring("name: A small world for the shell\n"))
		Expect(saved).To(ContainSubstring("seed: 7\n"))
		Expect(saved).To(ContainSubstring("  - expect: {user: Anne Wallace, state: Migrated}\n"))
		Expect(saved).To(ContainSubstring("  - signOut: sip:anne@litwareinc.com\n"))
		Expect(saved).NotTo(ContainSubstring("Invoke-CsUcsRollback"), "the fourth step was not played")
		replaysTo(path, s)
	})

	It("undoes the last command that changed the world, going back in virtual time", func() {
		s, out := open(shell.Options{}, "signin Ken Myer\n$u = Get-CsUser \"Ken Myer\"\nwait 10m\nstatus\nundo\nstatus\ntime\n$u.DisplayName\n")
		Expect(after(out, "status")).To(MatchRegexp(`Ken Myer\s+Migrated`))
		Expect(after(out, "undo")).To(Equal("undone: wait 10m\nVirtual time Mon 2026-01-05 09:00:00 UTC (start +0s).\n"))
		Expect(out).To(MatchRegexp(`> undo\n(.|\n)*> status\nUser.*\nKen Myer\s+Migrating`))
		Expect(after(out, "time")).To(HavePrefix("Mon 2026-01-05 09:00:00 UTC (start +0s)"))
		Expect(after(out, "$u.DisplayName")).To(Equal("Ken Myer\n"), "a variable set after the step undone is kept")

		fresh, _ := open(shell.Options{}, "signin Ken Myer\n")
		Expect(traceOf(s)).To(Equal(traceOf(fresh)), "undo leaves the world a fresh one would have after the steps kept")
	})

	It("goes back to a checkpoint, and reset starts the world again", func() {
		s, out := open(shell.Options{}, "signin Ken Myer\nwait 10m\ncheckpoint migrated\n"+
			"Invoke-CsUcsRollback -Identity \"Ken Myer\" -Confirm:$False\nwait 7d\nstatus\nrestore migrated\nstatus\nrestore nope\nreset\nstatus\nundo\n")
		Expect(after(out, "checkpoint migrated")).To(Equal("checkpoint migrated: 2 steps, virtual time Mon 2026-01-05 09:10:00 UTC (start +10m)\n"))
		Expect(after(out, "restore migrated")).To(Equal("restored migrated: 2 steps, virtual time Mon 2026-01-05 09:10:00 UTC (start +10m)\n"))
		Expect(out).To(MatchRegexp(`> restore migrated\n.*\n> status\nUser.*\nKen Myer\s+Migrated\s+exchange\s+12\s+1\s+-`))
		Expect(after(out, "restore nope")).To(Equal("restore: no checkpoint \"nope\" (checkpoints: migrated)\n"))
		Expect(after(out, "reset")).To(ContainSubstring("The world starts again: Seed document world, seed 1.\nVirtual time Mon 2026-01-05 09:00:00 UTC (start +0s).\n"))
		Expect(out).To(MatchRegexp(`> reset\n.*\n.*\n> status\nUser.*\nKen Myer\s+Allowed\s+lync\s+12\s+0`))
		Expect(after(out, "undo")).To(Equal("undo: nothing to undo: the world is as it started\n"))
		Expect(traceOf(s)).To(BeEmpty())
	})

	It("keeps a journal that replays a closed or crashed session to the same state", func() {
		path := filepath.Join(GinkgoT().TempDir(), "journal", "session.yaml")
		s, _ := open(shell.Options{Journal: path}, aSession)
		Expect(transcript("", shell.Options{Journal: path + ".2"})).To(ContainSubstring("Journal: " + path + ".2 (replay it with: ucssim run " + path + ".2)\n"))

		// The shell is still open (as if it had crashed): the journal is on disk already.
		journal := readFile(path)
		Expect(journal).To(ContainSubstring("  # Mon 2026-01-05 09:00:00 (start +0s): Get-CsUserServicesPolicy\n  - run: Get-CsUserServicesPolicy\n"))
		Expect(journal).To(ContainSubstring("  # Mon 2026-01-05 09:00:00: status\n"))
		replaysTo(path, s)
	})

	It("rewrites the journal when the session goes back, so it still replays to the state reached", func() {
		path := filepath.Join(GinkgoT().TempDir(), "session.yaml")
		s, _ := open(shell.Options{Journal: path}, "signin Ken Myer\nwait 10m\nInvoke-CsUcsRollback -Identity \"Ken Myer\" -Confirm:$False\nundo\nwait 1h\n")
		journal := readFile(path)
		Expect(journal).To(ContainSubstring("  # undo at Mon 2026-01-05 09:10:00; dropped:\n  #   Invoke-CsUcsRollback -Identity \"Ken Myer\" -Confirm:$False\n"))
		Expect(journal).To(ContainSubstring("  - wait: 1h\n"))
		res := replaysTo(path, s)
		Expect(string(res.Trace)).NotTo(ContainSubstring("rollback"))
	})

	It("plays the README's trainer walkthrough as it says, and its saved lesson replays to the same trace", func() {
		lines := walkthrough()
		Expect(len(lines)).To(BeNumerically(">=", 15))
		Expect(lines[len(lines)-1]).To(Equal("save seed-class.yaml"))
		dir := GinkgoT().TempDir()
		lines[len(lines)-1] = "save " + filepath.Join(dir, "seed-class.yaml")
		s, out := open(shell.Options{}, strings.Join(lines, "\n")+"\n")

		Expect(after(out, "status")).To(MatchRegexp(`Ken Myer\s+Migrated\s+exchange\s+12`))
		Expect(after(out, "status")).To(MatchRegexp(`Pilar Ackerman\s+Disabled\s+lync\s+5`))
		Expect(out).To(MatchRegexp(`> wait 7d\n(.*\n)*.*remigration.check  Ken Myer  action=migrate`))
		Expect(out).To(ContainSubstring("restored migrated: 7 steps, virtual time Mon 2026-01-05 09:10:00 UTC (start +10m)\n"))
		Expect(out).To(MatchRegexp(`remigration.check  Ken Myer  action=none policy=Global`))
		res := runFile(filepath.Join(dir, "seed-class.yaml"))
		Expect(res.Passed).To(BeTrue(), "%v", res.Failure)
		Expect(string(res.Trace)).To(Equal(traceOf(s)))
	})

	It("lists the lines typed this session with Get-History, as PowerShell does", func() {
		out := transcript("Get-CsUserServicesPolicy\nstatus\nGet-History\nGet-History -Count 1\nh 2\nGet-History -Bogus\n", shell.Options{})
		Expect(after(out, "Get-History")).To(Equal("\n  Id CommandLine\n  -- -----------\n   1 Get-CsUserServicesPolicy\n   2 status\n\n"))
		Expect(after(out, "Get-History -Count 1")).To(Equal("\n  Id CommandLine\n  -- -----------\n   3 Get-History\n\n"))
		Expect(after(out, "h 2")).To(Equal("\n  Id CommandLine\n  -- -----------\n   2 status\n\n"))
		Expect(after(out, "Get-History -Bogus")).To(Equal("Get-History : A parameter cannot be found that matches parameter name 'Bogus'.\n"))
	})
})

// bigWorld reports whether some user of f starts with hundreds of contacts.
func bigWorld(f *scenario.File) bool {
	for _, u := range f.World.Users {
		if u.Generated+len(u.Contacts) > 500 {
			return true
		}
	}
	return false
}

// walkthrough returns the shell lines of the README's trainer walkthrough (the ```text block under
// its heading), without prompts and comments; a line whose comment says "answer Y" is followed by Y.
func walkthrough() []string {
	GinkgoHelper()
	readme := readFile("../../README.md")
	_, rest, ok := strings.Cut(readme, "### A trainer's walkthrough")
	Expect(ok).To(BeTrue(), "README has the trainer's walkthrough")
	_, rest, ok = strings.Cut(rest, "```text\n")
	Expect(ok).To(BeTrue())
	block, _, _ := strings.Cut(rest, "```")
	var lines []string
	for _, l := range strings.Split(block, "\n") {
		_, cmd, ok := strings.Cut(l, " > ")
		if !ok {
			continue
		}
		cmd, comment, _ := strings.Cut(cmd, "  #")
		lines = append(lines, strings.TrimSpace(cmd))
		if strings.Contains(comment, "answer Y") {
			lines = append(lines, "Y")
		}
	}
	return lines
}

func loadSmall() *scenario.File {
	GinkgoHelper()
	f, err := scenario.Load("testdata/small-world.yaml")
	Expect(err).NotTo(HaveOccurred())
	return f
}
