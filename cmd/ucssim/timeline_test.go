package main

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

const storyFile = "../../scenarios/seed/temporary-rollback-story.yaml"

const wrongStory = `name: Expects a contact too many
labels: [rollback]
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 12}
steps:
  - signIn: Ken Myer
  - expect: {user: Ken Myer, contacts: 13}
`

var _ = Describe("timelines from the command line", func() {
	var app *App
	BeforeEach(func() { app = &App{Runner: simRunner, Version: "v0.0.0-test"} })

	It("run --html writes a page per scenario and an index that links them", func() {
		dir := GinkgoTempDir()
		wrong := filepath.Join(dir, "wrong.yaml")
		Expect(os.WriteFile(wrong, []byte(wrongStory), 0o644)).To(Succeed())
		out := filepath.Join(dir, "report")
		res := execute(app, "run", "--html", out, storyFile, wrong)
		Expect(res.code).To(Equal(1), res.stderr)

		index, err := os.ReadFile(filepath.Join(out, "index.html"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(index)).To(ContainSubstring(`<a href="rollback-without-a-policy-change-is-temporary.html">Rollback without a policy change is temporary</a>`))
		Expect(string(index)).To(ContainSubstring(`<a href="expects-a-contact-too-many.html">Expects a contact too many</a>`))
		Expect(string(index)).To(ContainSubstring(`<span class="verdict pass">1 passed</span> <span class="verdict fail">1 failed</span>`))

		story, err := os.ReadFile(filepath.Join(out, "rollback-without-a-policy-change-is-temporary.html"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(story)).To(ContainSubstring(`<g class="span hold" data-from="2026-01-05T09:10:00Z" data-to="2026-01-12T09:10:00Z"`))
		Expect(string(story)).To(ContainSubstring(`<a href="index.html">← all scenarios</a>`))
		failed, err := os.ReadFile(filepath.Join(out, "expects-a-contact-too-many.html"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(failed)).To(ContainSubstring(`<li id="step-1" data-step="1" class="k-expect failed"`))
	})

	It("timeline tells a saved trace in plain English, by SIP address or by the scenario's names", func() {
		dir := GinkgoTempDir()
		Expect(execute(app, "run", "--trace", dir, storyFile).code).To(Equal(0))
		trace := filepath.Join(dir, "rollback-without-a-policy-change-is-temporary.jsonl")

		res := execute(app, "timeline", trace)
		Expect(res.code).To(Equal(0), res.stderr)
		Expect(res.stdout).To(ContainSubstring("\n+7d10m    hold ended; policy Global still allows UCS, re-migration of kenmyer@litwareinc.com starts\n"))

		res = execute(app, "timeline", trace, "--scenario", storyFile, "--user", "Ken Myer")
		Expect(res.code).To(Equal(0), res.stderr)
		Expect(res.stdout).To(HavePrefix("Rollback without a policy change is temporary: 15 events from Mon 2026-01-05 09:00:00 UTC\n+0s       Ken Myer signs in on desktop with Lync 2013"))

		page := filepath.Join(dir, "story.html")
		res = execute(app, "timeline", trace, "--html", page)
		Expect(res.code).To(Equal(0), res.stderr)
		b, err := os.ReadFile(page)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring(`<g class="span hold" data-from="2026-01-05T09:10:00Z" data-to="2026-01-12T09:10:00Z"`))
	})

	It("timeline refuses a file that is not a trace, naming the line", func() {
		dir := GinkgoTempDir()
		bad := filepath.Join(dir, "bad.jsonl")
		Expect(os.WriteFile(bad, []byte(`{"time":"2026-01-05T09:00:00Z","seq":1,"type":"signin"}`+"\nnot json\n"), 0o644)).To(Succeed())
		res := execute(app, "timeline", bad)
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring(bad + ": line 2: not a trace event"))
		res = execute(app, "timeline", bad, "--user", "nobody")
		Expect(res.code).To(Equal(2))
	})

	It("shell --ui listens on loopback only", func() {
		app.Stdin = strings.NewReader("")
		res := execute(app, "shell", "--ui", "0.0.0.0:0")
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring(`--ui "0.0.0.0:0": the live page listens on loopback only`))
	})
})
