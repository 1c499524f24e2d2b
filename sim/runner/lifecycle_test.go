package runner_test

import (
	"context"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.uber.org/goleak"

	"github.com/ucssim/ucssim/sim/runner"
)

// endsMidMigration leaves a migration job parked on the virtual clock when its world closes.
const endsMidMigration = `
name: ends mid-migration
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 5}
    - {name: Pilar Ackerman, sip: "sip:pilar@litwareinc.com", contacts: 5}
steps:
  - signIn: Ken Myer
  - signIn: Pilar Ackerman
  - wait: 5m
  - expect: {user: Ken Myer, state: Migrating}
`

func openFDs() int {
	GinkgoHelper()
	entries, err := os.ReadDir("/proc/self/fd")
	Expect(err).NotTo(HaveOccurred())
	return len(entries)
}

var _ = Describe("A world's lifecycle (issue 10)", Serial, func() {
	It("leaves no goroutine, connection or file descriptor behind after many worlds that close mid-migration", func() {
		// One world first, so lazily started runtime and library goroutines count as baseline.
		Expect(runner.Run(context.Background(), load(endsMidMigration), runner.RunOptions{}).Passed).To(BeTrue())
		baseline := goleak.IgnoreCurrent()
		fds := openFDs()
		for range 12 {
			res := runner.Run(context.Background(), load(endsMidMigration), runner.RunOptions{})
			Expect(res.Err).NotTo(HaveOccurred())
			Expect(res.Passed).To(BeTrue())
		}
		Eventually(func() error { return goleak.Find(baseline) }).WithTimeout(5 * time.Second).Should(Succeed())
		Eventually(openFDs).WithTimeout(5 * time.Second).Should(BeNumerically("<=", fds))
	})
})

var _ = Describe("Writing the trace (issue 10)", func() {
	It("fails the run when an event cannot be written, rather than dropping it", func() {
		res := runner.Run(context.Background(), load(`
name: the end of time
start: 9999-12-31T23:00:00Z
world:
  migration: {duration: 2h}
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 2}
steps:
  - signIn: Ken Myer
  - wait: 3h
`), runner.RunOptions{})
		Expect(res.Passed).To(BeFalse())
		Expect(res.Failure.Expected).To(Equal("a trace that can be written"))
		Expect(res.Failure.Seen).To(MatchRegexp(`trace event #\d+ \(migration.completed\) cannot be written: .*year outside of range`))
	})
})
