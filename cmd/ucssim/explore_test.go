package main

import (
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
)

var _ = Describe("ucssim explore", func() {
	It("explores the seeds, prints the table of invariants and exits 0 when nothing broke", func() {
		// no-leaks is left out here: this process runs other specs' worlds too (see the spec below).
		res := execute(newApp(&fakeRunner{}), "explore", "--seeds", "3", "--steps", "10", "--faults", "--out", GinkgoTempDir(),
			"--invariant", "nothing-lost", "--invariant", "clients-converge", "--invariant", "one-truth",
			"--invariant", "events-paired", "--invariant", "deterministic")
		Expect(res.code).To(Equal(0), res.stdout+res.stderr)
		Expect(res.stdout).To(MatchRegexp(`invariant\s+checks\s+violations\s+seeds`))
		Expect(res.stdout).To(MatchRegexp(`\none-truth\s+30\s+0\s*\n`))
		Expect(res.stdout).To(MatchRegexp(`\ndeterministic\s+3\s+0\s*\n`))
		Expect(res.stdout).To(MatchRegexp(`3 seeds, 30 steps in .* \([0-9.]+ seeds/s, [0-9]+ steps/s\): 0 found\n$`))
		Expect(res.stderr).To(ContainSubstring("seeds 3/3  steps 30"), "progress on the error stream")
	})

	It("writes the shrunk file, names it, and exits 1 when an invariant broke", func() {
		app := newApp(&fakeRunner{})
		app.exploreWorld = &sim.WorldOptions{Deliver: func(n engine.Notification) bool { return n.Kind != engine.NotifyDelta }}
		out := GinkgoTempDir()
		res := execute(app, "explore", "--seeds", "20", "--steps", "40", "--out", out, "--invariant", "clients-converge")
		Expect(res.code).To(Equal(1), res.stdout+res.stderr)
		Expect(res.stdout).To(MatchRegexp(`FOUND clients-converge \(seed \d+, after step \d+\): `))
		Expect(res.stdout).To(MatchRegexp(`wrote .*explore-seed-\d+-clients-converge.yaml: \d+ steps; 'ucssim run .*' fails it with clients-converge`))
		files, err := filepath.Glob(filepath.Join(out, "explore-seed-*-clients-converge.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(files).NotTo(BeEmpty())
		data, err := os.ReadFile(files[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).To(ContainSubstring("invariants: [clients-converge]"))
	})

	It("finds nothing of the worlds left once they closed, in a process of its own (no-leaks)", func() {
		// The Go runtime opens its network poller (two descriptors) at the first socket and keeps
		// it: a fresh process shows it after the first world, and it is no leak.
		cmd := exec.Command(ucssimBinary(), "explore", "--seeds", "3", "--steps", "15", "--faults", "--invariant", "no-leaks", "--out", GinkgoTempDir())
		out, err := cmd.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(MatchRegexp(`\nno-leaks\s+1\s+0\s*\n`))
	})

	It("refuses an unknown invariant with exit 2", func() {
		res := execute(newApp(&fakeRunner{}), "explore", "--invariant", "nothing-lots")
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring(`--invariant "nothing-lots": one of nothing-lost, clients-converge`))
	})
})

// signOutFile writes dir/signout.yaml: the sweep package's story (Ken signs out five minutes into
// his migration, step 3, then the clock runs to +30m) with the extra steps after it.
func signOutFile(dir, extra string) string {
	GinkgoHelper()
	story, err := os.ReadFile("../../sim/sweep/testdata/signout.yaml")
	Expect(err).NotTo(HaveOccurred())
	p := filepath.Join(dir, "signout.yaml")
	Expect(os.WriteFile(p, append(story, extra...), 0o644)).To(Succeed())
	return p
}

var _ = Describe("ucssim sweep", func() {
	It("prints the intervals where the outcome changes", func() {
		dir := GinkgoTempDir()
		p := signOutFile(dir, "")
		res := execute(newApp(&fakeRunner{}), "sweep", p, "--step", "3", "--from", "-2m", "--to", "+8m")
		Expect(res.code).To(Equal(0), res.stderr)
		Expect(res.stdout).To(MatchRegexp(`-2m \.\. \+4m59s\s+\+3m \.\. \+9m59s\s+PASS\s+as written`))
		Expect(res.stdout).To(MatchRegexp(`\+5m \.\. \+8m\s+\+10m \.\. \+13m\s+PASS\s+\+prompt.accepted, \+prompt.shown 2165`))
	})

	It("writes the intervals as an index page, with the timeline of the runs on either side of each boundary (--html)", func() {
		dir := GinkgoTempDir()
		p := signOutFile(dir, "  - expect: {event: prompt.shown, user: Ken Myer, count: 0}\n")
		out := filepath.Join(dir, "pages")
		res := execute(newApp(&fakeRunner{}), "sweep", p, "--step", "3", "--from", "-2m", "--to", "+8m", "--html", out)
		Expect(res.code).To(Equal(0), res.stderr)
		Expect(res.stdout).To(ContainSubstring("pages: " + filepath.Join(out, "index.html")))
		index, err := os.ReadFile(filepath.Join(out, "index.html"))
		Expect(err).NotTo(HaveOccurred())
		html := string(index)
		Expect(html).To(ContainSubstring("<title>ucssim sweep: Sign-out around the completion</title>"))
		Expect(html).To(ContainSubstring("step 3 (signOut: sip:kenmyer@litwareinc.com) at +5m, moved by -2m..+8m, resolution 1s"))
		Expect(html).To(ContainSubstring(`1 passed</span> <span class="verdict fail">1 failed</span> · 2 intervals`))
		// The boundary at the migration's completion: the last passing run and the first failing one.
		Expect(html).To(MatchRegexp(`<a href="offset-2m.html">-2m \.\. \+4m59s \(step at \+3m \.\. \+9m59s\)</a> · <a href="offset\+4m59s.html">run at \+4m59s</a>`))
		Expect(html).To(MatchRegexp(`<a href="offset\+5m.html">\+5m \.\. \+8m \(step at \+10m \.\. \+13m\)</a>.*expected event prompt.shown count: 0, saw event prompt.shown count: 1`))
		Expect(html).To(ContainSubstring(`<span class="label">+prompt.shown 2165</span>`))
		for _, page := range []string{"offset-2m.html", "offset+4m59s.html", "offset+5m.html", "offset+8m.html"} {
			data, err := os.ReadFile(filepath.Join(out, page))
			Expect(err).NotTo(HaveOccurred(), page)
			Expect(string(data)).To(ContainSubstring(`<a href="index.html">`), page)
		}
		before, err := os.ReadFile(filepath.Join(out, "offset+4m59s.html"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(before)).To(ContainSubstring("moved by +4m59s"))
		Expect(string(before)).To(ContainSubstring(`<span class="verdict pass">passed</span>`))
		after, err := os.ReadFile(filepath.Join(out, "offset+5m.html"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(after)).To(ContainSubstring(`<span class="verdict fail">failed</span>`))
		Expect(string(after)).To(ContainSubstring("shows the log-off prompt (2165)"))
	})

	It("exits 2 on a bad flag", func() {
		res := execute(newApp(&fakeRunner{}), "sweep", "x.yaml", "--step", "1", "--by", "-1s")
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring(`--by "-1s": a positive duration`))
	})
})
