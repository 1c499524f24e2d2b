package runner_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// throttled is one user with a long list migrating against a small EWS budget: 20 requests' worth
// of burst, recharged at 1 request per 36 seconds.
func throttled(throttling string) string {
	return kenMigrates("throttled", throttling, 60)
}

// kenMigrates is a scenario in which Ken, with that many contacts, signs in and migrates within
// the hour; exchange is world.exchange's keys, each on a line of its own after a newline.
func kenMigrates(name, exchange string, contacts int) string {
	return fmt.Sprintf(`
name: %s
world:
  exchange:%s
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: %d}
steps:
  - signIn: Ken Myer
  - expect: {user: Ken Myer, state: Migrated}
    within: 1h
`, name, exchange, contacts)
}

var _ = Describe("Exchange throttling (world.exchange.throttling)", func() {
	It("answers ErrorServerBusy with a back-off once a caller's budget on a mailbox is spent, slowing the migration without failing it", func() {
		res := runner.Run(context.Background(), load(throttled(`
    throttling: {maxBurst: 2s, rechargeRate: 10s, cost: 100ms}`)), runner.RunOptions{Requests: true})
		Expect(res.Failure).To(BeNil())
		busy := 0
		for _, r := range res.Requests {
			if r.Result == engine.CodeServerBusy {
				busy++
			}
		}
		Expect(busy).To(BeNumerically(">", 0), "the long list overruns a 20-request burst")
		done := events(res, "migration.completed")
		Expect(done).To(HaveLen(1))
		Expect(done[0].Time).To(BeTemporally(">", at("10m")), "waiting out the back-offs takes virtual time")
		Expect(events(res, "migration.failed")).To(BeEmpty(), "each back-off recharges exactly what the next request costs")

		plain := runner.Run(context.Background(), load(throttled(`
    maxContacts: 1000`)), runner.RunOptions{Requests: true})
		Expect(plain.Failure).To(BeNil())
		for _, r := range plain.Requests {
			Expect(r.Result).NotTo(Equal(engine.CodeServerBusy), "throttling is off unless configured")
		}
		Expect(events(plain, "migration.completed")[0].Time).To(Equal(at("10m")))
		again := runner.Run(context.Background(), load(throttled(`
    throttling: {maxBurst: 2s, rechargeRate: 10s, cost: 100ms}`)), runner.RunOptions{})
		Expect(again.Trace).To(Equal(res.Trace), "the same seed, the same busy answers")
	})

	It("takes the documented Exchange 2013 defaults for what is left out, and refuses a cost over the burst", func() {
		f := load("name: t\nworld:\n  exchange:\n    throttling: {}\n")
		Expect(f.World.Exchange.Throttling).To(Equal(scenario.Throttling{On: true, MaxBurst: 5 * time.Minute, RechargeRate: 15 * time.Minute, Cost: 100 * time.Millisecond}))
		Expect([]time.Duration{scenario.DefaultMaxBurst, scenario.DefaultRechargeRate, scenario.DefaultRequestCost}).To(Equal(
			[]time.Duration{ews.DefaultEWSMaxBurst, ews.DefaultEWSRechargeRate, ews.DefaultRequestCost}), "the loader mirrors the mock's defaults")
		Expect(load("name: t\n").World.Exchange.Throttling.On).To(BeFalse())
		_, err := scenario.Parse("t.yaml", []byte("name: t\nworld:\n  exchange:\n    throttling: {maxBurst: 1s, cost: 2s}\n"))
		Expect(err).To(MatchError("t.yaml:4:17: throttling: cost 2s is more than maxBurst 1s, so every request would be refused"))
		Expect(strings.Contains(string(scenario.Encode(load("name: t\nworld:\n  exchange:\n    throttling: {}\n"))), "throttling: {maxBurst: 5m, rechargeRate: 15m, cost: 100ms}")).To(BeTrue())
	})
})

var _ = Describe("the Exchange requests of a run (RunOptions.Requests)", func() {
	It("holds every request, past the journal's default bound", func() {
		res := runner.Run(context.Background(), load(kenMigrates("many requests", `
    maxContacts: 5000`, 5000)+`  - run: Invoke-CsUcsRollback -Identity "Ken Myer" -Confirm:$False
  - expect: {user: Ken Myer, contactsIn: lync}
    within: 1h
`), runner.RunOptions{Requests: true})
		Expect(res.Failure).To(BeNil())
		Expect(len(res.Requests)).To(BeNumerically(">", ews.DefaultJournalSize))
	})
})
