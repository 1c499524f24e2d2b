package runner_test

import (
	"context"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/runner"
)

// salesWave runs a scenario where share of ten Sales users sign in over an hour, then the steps
// (YAML list items) follow.
func salesWave(name, share, steps string) *runner.Result {
	GinkgoHelper()
	return run(`
name: ` + name + `
world:
  populations:
    - name: Sales
      count: 10
      sip: "sip:sales{n:2}@litwareinc.com"
steps:
  - signInWave: Sales
    over: 1h
    share: ` + share + "\n" + strings.TrimLeft(steps, "\n"))
}

// wave is a population of ten users signing in over an hour, 80% then the rest.
const wave = `
name: wave
world:
  populations:
    - name: Sales
      count: 10
      sip: "sip:sales{n:2}@litwareinc.com"
      contacts: {uniform: [3, 6]}
steps:
  - signInWave: Sales
    over: 1h
    share: 80%
  - expect: {event: signin, population: Sales, count: 8}
  - signInWave: Sales
    over: 30m
  - expect: {event: signin, population: Sales, count: 10}
  - expect: {population: Sales, state: Migrated}
    within: 15m
`

var _ = Describe("populations in a run", func() {
	It("signs a wave's share in at instants drawn from the seed within its window, then the rest in the next wave", func() {
		res := run(wave)
		Expect(res.Failure).To(BeNil())
		signins := events(res, "signin")
		Expect(signins).To(HaveLen(10))
		users := map[string]bool{}
		for i, e := range signins {
			users[e.User] = true
			if i < 8 {
				Expect(e.Time).To(BeTemporally(">=", at("0s")))
				Expect(e.Time).To(BeTemporally("<", at("1h")))
			} else {
				Expect(e.Time).To(BeTemporally(">=", at("1h")))
				Expect(e.Time).To(BeTemporally("<", at("1h30m")))
			}
			Expect(e.Details["client"]).To(Or(BeNil(), Equal("lync2013")))
		}
		Expect(users).To(HaveLen(10), "every user signs in once")
		Expect(signins[0].Time).NotTo(Equal(signins[7].Time), "the sign-ins spread over the window")
		for _, e := range events(res, "migration.completed") {
			Expect(e.Details["contacts"]).To(BeNumerically(">=", 3))
			Expect(e.Details["contacts"]).To(BeNumerically("<=", 6))
		}
		again := run(wave)
		Expect(again.Trace).To(Equal(res.Trace), "the same seed gives the same wave")
		seed := uint64(99)
		other := runner.Run(context.Background(), load(wave), runner.RunOptions{Seed: &seed})
		Expect(other.Failure).To(BeNil())
		Expect(other.Trace).NotTo(Equal(res.Trace), "another seed draws other instants and contact counts")
	})

	It("draws each user's client, mailbox and policy from the population's mixes", func() {
		res := run(`
name: mixes
world:
  policies:
    - {identity: AllowUcs}
  populations:
    - name: P
      count: 40
      sip: "p{n}@litwareinc.com"
      contacts: 2
      clients: {lync2013: 1, lync2010: 1}
      mailboxes: {exchange2013: 3, exchange2010: 1}
      policies: {AllowUcs: 1, none: 1}
steps:
  - run: Set-CsUserServicesPolicy -Identity global -UcsAllowed $False
  - signInWave: P
    over: 10m
  - expect: {population: P, state: Migrated, atLeast: 1, atMost: 15}
    within: 20m
  - expect: {population: P, effectivePolicy: Tag:AllowUcs, atLeast: 10, atMost: 30}
  - expect: {population: P, effectivePolicy: Global, atLeast: 10, atMost: 30}
`)
		Expect(res.Failure).To(BeNil())
		clients := map[any]int{}
		for _, e := range events(res, "signin") {
			clients[e.Details["client"]]++
		}
		Expect(clients).To(HaveLen(2), "both clients of the mix sign in: %v", clients)
	})

	It("reports how many of the population pass and what the others showed", func() {
		res := salesWave("short wave", "70%", `
  - expect: {population: Sales, state: Migrated}
    within: 30m
`)
		Expect(res.Failure).NotTo(BeNil())
		Expect(res.Failure.Expected).To(Equal("within 30m0s: population Sales: all 10 users with state: Migrated"))
		Expect(res.Failure.Seen).To(MatchRegexp(`^population Sales: 7 of 10 pass; 3 with state: Allowed \(e\.g\. sip:sales\d\d@litwareinc\.com\) \(last seen at 2026-01-05T10:30:00Z\)$`))
	})

	DescribeTable("bounds the users that pass with atLeast and atMost",
		func(check string, passes bool) {
			res := salesWave("bounds", "60%", `
  - wait: 15m
  - expect: {population: Sales, state: Migrated, `+check+`}
`)
			Expect(res.Failure == nil).To(Equal(passes), "%v", res.Failure)
		},
		Entry("at least 60%", "atLeast: 60%", true),
		Entry("at least 7", "atLeast: 7", false),
		Entry("at most 6", "atMost: 6", true),
		Entry("at most 50%", "atMost: 50%", false),
		Entry("between 5 and 6", "atLeast: 5, atMost: 6", true),
	)
})
