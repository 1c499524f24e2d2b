package main

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// busyWave is a small population that signs in while Exchange is busy, so that its report has
// busy answers, a failure and migrations in two virtual hours.
const busyWave = `name: busy wave
world:
  populations:
    - name: Sales
      count: 6
      sip: "sip:sales{n}@litwareinc.com"
      contacts: 4
steps:
  - fault: {exchange: busy, for: 30m, backoff: 50s}
  - signInWave: Sales
    over: 90m
  - wait: 20m
`

var _ = Describe("ucssim run --report", func() {
	It("prints each scenario's migration-wave report after its result line, and charts it in the --html page", func() {
		dir := GinkgoT().TempDir()
		file := filepath.Join(dir, "wave.yaml")
		Expect(os.WriteFile(file, []byte(busyWave), 0o644)).To(Succeed())
		app := defaultApp()
		app.Getenv = func(string) string { return "" }
		res := execute(app, "run", "--report", "--html", filepath.Join(dir, "html"), file)
		Expect(res.code).To(Equal(0), res.stdout+res.stderr)
		Expect(res.stdout).To(MatchRegexp(`(?m)^PASS busy wave .*\nmigration wave report \(virtual time from 2026-01-05 09:00 UTC\)\n`))
		Expect(res.stdout).To(MatchRegexp(`  users that began migrating: 6; migrated: \d; with a failed attempt: [1-6]; rollbacks: 0\n`))
		Expect(res.stdout).To(MatchRegexp(`ErrorServerBusy answers: [1-9]\d*\n`), "the busy spell is counted")
		Expect(res.stdout).To(ContainSubstring("  migrated 50%: +"))
		Expect(res.stdout).To(ContainSubstring("  virtual hour       started  completed  failed  rollbacks  requests   busy  peak mig\n"))
		page, err := os.ReadFile(filepath.Join(dir, "html", "busy-wave.html"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(page)).To(ContainSubstring(`<svg class="wavechart"`))

		tap := execute(app, "run", "--report", "--format", "tap", file)
		Expect(tap.code).To(Equal(0), tap.stdout+tap.stderr)
		for _, line := range strings.Split(tap.stdout, "\n") {
			if strings.Contains(line, "migrated 50%") {
				Expect(line).To(HavePrefix("# "), "TAP readers see the report as comments")
			}
		}

		plain := execute(app, "run", file)
		Expect(plain.stdout).NotTo(ContainSubstring("migration wave report"), "without --report there is none")
	})
})
