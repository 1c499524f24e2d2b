package report_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/report"
)

var _ = Describe("Terminal", func() {
	var out *bytes.Buffer
	BeforeEach(func() { out = &bytes.Buffer{} })

	It("prints one line for a passing scenario with path, wall ms and virtual duration", func() {
		report.NewTerminal(out, report.TerminalOptions{}).Case(passing())
		Expect(out.String()).To(Equal("PASS Rollback is temporary  scenarios/rollback/temporary.yaml  12ms  virtual 7d15m\n"))
	})

	It("prints where a failure happened, expected vs seen and the last events", func() {
		report.NewTerminal(out, report.TerminalOptions{}).Case(failing())
		Expect(out.String()).To(Equal(`FAIL Prompt after migration  scenarios/prompts/logoff.yaml  3ms  virtual 15m
    at scenarios/prompts/logoff.yaml:14:5: expect: {user: Ken Myer, prompt: logoff}
    expected: prompt logoff
    seen:     prompt none
    last events:
      09:10:00 migration.completed sip:kenmyer@litwareinc.com
      09:10:00 prompt.shown sip:kenmyer@litwareinc.com
`))
	})

	It("prints every error of an invalid file", func() {
		report.NewTerminal(out, report.TerminalOptions{}).Case(invalid())
		Expect(out.String()).To(Equal(`INVALID scenarios/bad.yaml (invalid file, not run)
    scenarios/bad.yaml:2:7: seed: expected a whole number >= 0, got "x"
    scenarios/bad.yaml:3:1: unknown key "nmae"
`))
	})

	It("prints a run error", func() {
		c := passing()
		c.Passed, c.Err = false, errors.New("world: listen tcp: address in use")
		report.NewTerminal(out, report.TerminalOptions{}).Case(c)
		Expect(out.String()).To(HaveSuffix("    error: world: listen tcp: address in use\n"))
		Expect(out.String()).To(HavePrefix("FAIL "))
	})

	It("ends with exactly `N passed, N failed, N invalid`, counting invalid files apart from failures", func() {
		t := report.NewTerminal(out, report.TerminalOptions{})
		t.Summary([]report.Case{passing(), failing(), invalid(), passing(), invalid()})
		Expect(out.String()).To(Equal("2 passed, 1 failed, 2 invalid\n"))
	})

	It("uses colour only when asked to", func() {
		report.NewTerminal(out, report.TerminalOptions{Color: true}).Case(passing())
		Expect(out.String()).To(HavePrefix("\033[32mPASS\033[0m "))
		out.Reset()
		report.NewTerminal(out, report.TerminalOptions{}).Case(failing())
		Expect(out.String()).NotTo(ContainSubstring("\033["))
	})

	It("shows progress only when enabled, and erases it before the next line", func() {
		report.NewTerminal(out, report.TerminalOptions{}).Progress(1, 3)
		Expect(out.String()).To(BeEmpty())
		t := report.NewTerminal(out, report.TerminalOptions{Progress: true})
		t.Progress(2, 3)
		t.Case(passing())
		Expect(out.String()).To(Equal("\r\033[K[2/3] running scenarios...\r\033[KPASS Rollback is temporary  scenarios/rollback/temporary.yaml  12ms  virtual 7d15m\n"))
	})

	It("decides no colour and no progress for outputs that are not terminals", func() {
		Expect(report.OptionsFor(out)).To(Equal(report.TerminalOptions{}))
		f, err := os.Create(filepath.Join(GinkgoT().TempDir(), "log.txt"))
		Expect(err).NotTo(HaveOccurred())
		defer f.Close()
		Expect(report.OptionsFor(f)).To(Equal(report.TerminalOptions{}))
		Expect(report.IsTerminal(f)).To(BeFalse(), "a regular file, read or written, is no terminal")
		Expect(report.IsTerminal(strings.NewReader("typed"))).To(BeFalse(), "nor is anything but an *os.File")
	})

	It("never colours when NO_COLOR is set", func() {
		GinkgoT().Setenv("NO_COLOR", "1")
		Expect(report.OptionsFor(os.Stdout).Color).To(BeFalse())
	})
})

var _ = Describe("Terminal failure details", func() {
	It("shows the failing step's note and indents every line of a multi-line seen under its first", func() {
		out := &bytes.Buffer{}
		c := failing()
		c.Failure.Note = "Ken was signed in: the prompt must show"
		c.Failure.Seen = "output:\nResult : Failure\nDiagnosis : not in the store"
		report.NewTerminal(out, report.TerminalOptions{}).Case(c)
		Expect(out.String()).To(ContainSubstring(`
    note:     Ken was signed in: the prompt must show
    expected: prompt logoff
    seen:     output:
              Result : Failure
              Diagnosis : not in the store
    last events:
`))
	})
})
