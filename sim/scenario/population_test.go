package scenario_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim/scenario"
)

// popHead is a valid file with one listed user and one population, up to `steps:` (line 12).
const popHead = `name: t
world:
  policies:
    - {identity: AllowUcs}
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com"}
  populations:
    - name: Sales
      count: 12
      sip: "sip:sales{n:3}@litwareinc.com"
      policies: {AllowUcs: 3, none: 1}
steps:
`

var _ = Describe("world.populations", func() {
	It("expands the users after the listed ones, numbered by the patterns, with the mixes and buckets as written", func() {
		f := mustParse(`name: t
world:
  legacyPools: [lync2010.litwareinc.com]
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com"}
  populations:
    - name: Sales
      count: 3
      sip: "sip:sales{n:3}@litwareinc.com"
      contacts: [{weight: 70, contacts: 10}, {weight: 30, uniform: [50, 100]}]
      clients: {Lync2013: 9, mobile: 1}
      pools: {atl-cs-001.litwareinc.com: 4, lync2010.litwareinc.com: 1}
    - name: Support
      count: 2
      names: "Support Agent {n}"
      sip: "agent{n}@litwareinc.com"
      contacts: {uniform: [0, 5]}
`)
		var names, sips []string
		var pops []int
		for _, u := range f.World.Users {
			names, sips, pops = append(names, u.Name), append(sips, u.SIP), append(pops, u.Population)
		}
		Expect(names).To(Equal([]string{"Ken Myer", "Sales 1", "Sales 2", "Sales 3", "Support Agent 1", "Support Agent 2"}))
		Expect(sips).To(Equal([]string{"sip:kenmyer@litwareinc.com", "sip:sales001@litwareinc.com", "sip:sales002@litwareinc.com",
			"sip:sales003@litwareinc.com", "sip:agent1@litwareinc.com", "sip:agent2@litwareinc.com"}))
		Expect(pops).To(Equal([]int{0, 1, 1, 1, 2, 2}))
		sales := f.World.Populations[0]
		Expect(sales.Contacts).To(Equal([]scenario.Bucket{{Weight: 70, Min: 10, Max: 10}, {Weight: 30, Min: 50, Max: 100}}))
		Expect(sales.Clients).To(Equal([]scenario.Weighted{{Value: "lync2013", Weight: 9}, {Value: "mobile", Weight: 1}}))
		Expect(sales.Pools).To(HaveLen(2))
		Expect(f.World.Populations[1].Contacts).To(Equal([]scenario.Bucket{{Weight: 1, Min: 0, Max: 5}}))
		Expect(f.World.Members(2)).To(Equal([]string{"sip:agent1@litwareinc.com", "sip:agent2@litwareinc.com"}))
	})

	It("lets steps name a population's users like listed ones, and reads waves and population checks", func() {
		f := mustParse(popHead + `  - signIn: Sales 7
  - signInWave: sales
    over: 90m
    share: 80%
  - signInWave: Sales
    over: 1h
  - expect: {population: SALES, state: Migrated, atLeast: 75%, atMost: 11}
    within: 2h
  - expect: {event: migration.completed, population: Sales, count: 12}
  - until: "+2h30m"
`)
		Expect(f.Steps[0].User).To(Equal("sip:sales007@litwareinc.com"))
		w := f.Steps[1].Wave
		Expect([]any{w.Population, w.Over.Minutes(), w.Share.IsPercent, w.Share.Percent, w.Share.Of(12)}).To(Equal([]any{"Sales", 90.0, true, 80.0, 10}))
		Expect(f.Steps[2].Wave.Share.Of(12)).To(Equal(12), "the default share is the whole population")
		e := f.Steps[3].Expect
		Expect(e.Population).To(Equal("Sales"))
		Expect([]int{e.AtLeast.Of(12), e.AtMost.Of(12)}).To(Equal([]int{9, 11}))
		Expect(f.Steps[4].Expect.Population).To(Equal("Sales"))
		Expect(f.World.Populations[0].Policies).To(Equal([]scenario.Weighted{{Value: "AllowUcs", Weight: 3}, {Value: "", Weight: 1}}))
		Expect(f.World.Users[1].Mailbox).To(Equal(engine.MailboxExchange2013))
	})

	It("counts a wave's window toward the earliest time of later steps", func() {
		Expect(errorsOf(popHead + "  - signInWave: Sales\n    over: 2h\n  - until: \"+1h\"\n")).To(Equal([]string{
			`bad.yaml:15:12: until "+1h" is in the past: the steps before it already reach +2h (2026-01-05T11:00:00Z)`}))
	})

	DescribeTable("refuses what it does not define, with file:line:col",
		func(src string, want ...string) {
			Expect(errorsOf(src)).To(Equal(want))
		},
		Entry("a SIP pattern without {n}",
			"name: t\nworld:\n  populations:\n    - {name: P, count: 2, sip: \"sip:p@x.com\"}\n",
			`bad.yaml:4:32: sip: "sip:p@x.com" holds no {n} (the user's number) or {n:W} (zero-padded to W digits), so the users would all be the same`),
		Entry("a brace that is not {n}",
			"name: t\nworld:\n  populations:\n    - {name: P, count: 2, sip: \"sip:{x}{n}@x.com\"}\n",
			`bad.yaml:4:32: sip: "sip:{x}{n}@x.com": only {n} and {n:W} (W 1 to 9) may stand in braces`),
		Entry("a missing count and sip",
			"name: t\nworld:\n  populations:\n    - {name: P}\n",
			`bad.yaml:4:7: a population is missing required key "count"`, `bad.yaml:4:7: a population is missing required key "sip"`),
		Entry("a count of 0",
			"name: t\nworld:\n  populations:\n    - {name: P, count: 0, sip: \"p{n}@x.com\"}\n",
			`bad.yaml:4:24: count must be at least 1`),
		Entry("more users than a world holds",
			"name: t\nworld:\n  populations:\n    - {name: P, count: 10001, sip: \"p{n}@x.com\"}\n",
			`bad.yaml:4:7: population P: the users add up to more than 10000 (the limit of world.users, populations included)`),
		Entry("contacts that could exceed a world's",
			"name: t\nworld:\n  populations:\n    - {name: P, count: 1000, sip: \"p{n}@x.com\", contacts: {uniform: [1, 201]}}\n",
			`bad.yaml:4:7: population P: the users' contacts could add up to more than 200000 (the limit of a world; count x the largest contact count)`),
		Entry("a user of a population clashing with a listed one",
			"name: t\nworld:\n  users:\n    - {sip: p2@x.com}\n  populations:\n    - {name: P, count: 3, sip: \"p{n}@x.com\"}\n",
			`bad.yaml:6:7: population P: user 2 has the SIP address sip:p2@x.com of a user of world.users`),
		Entry("two populations of one name",
			"name: t\nworld:\n  populations:\n    - {name: P, count: 1, sip: \"p{n}@x.com\"}\n    - {name: p, count: 1, sip: \"q{n}@x.com\"}\n",
			`bad.yaml:5:7: duplicate population "p" (first at line 4)`),
		Entry("an unknown client in the mix, with a suggestion",
			"name: t\nworld:\n  populations:\n    - {name: P, count: 1, sip: \"p{n}@x.com\", clients: {lync2031: 1}}\n",
			`bad.yaml:4:56: bad client "lync2031" (one of lync2013, lync2010, mobile) (did you mean "lync2013"?)`),
		Entry("weights that add up to 0",
			"name: t\nworld:\n  populations:\n    - {name: P, count: 1, sip: \"p{n}@x.com\", mailboxes: {none: 0}}\n",
			`bad.yaml:4:57: mailboxes: the weights add up to 0`),
		Entry("a policy mix naming a policy that is not per-user",
			"name: t\nworld:\n  populations:\n    - {name: P, count: 1, sip: \"p{n}@x.com\", policies: {global: 1}}\n",
			`bad.yaml:4:56: policy "global" cannot be granted to a user: only per-user policies (from world.policies) can`),
		Entry("a pool that is not the world's",
			"name: t\nworld:\n  populations:\n    - {name: P, count: 1, sip: \"p{n}@x.com\", pools: {other.litwareinc.com: 1}}\n",
			`bad.yaml:4:54: bad pool "other.litwareinc.com" (one of atl-cs-001.litwareinc.com)`),
		Entry("a bucket with both a count and a range",
			"name: t\nworld:\n  populations:\n    - {name: P, count: 1, sip: \"p{n}@x.com\", contacts: [{weight: 1, contacts: 3, uniform: [1, 2]}]}\n",
			`bad.yaml:4:57: a contact bucket takes exactly one of contacts: N or uniform: [min, max]`),
		Entry("a range upside down",
			"name: t\nworld:\n  populations:\n    - {name: P, count: 1, sip: \"p{n}@x.com\", contacts: {uniform: [5, 2]}}\n",
			`bad.yaml:4:66: uniform: min 5 is more than max 2`),
		Entry("a wave for an unknown population, with a suggestion",
			popHead+"  - signInWave: Sails\n    over: 1h\n",
			`bad.yaml:13:17: unknown population "Sails": not in world.populations`),
		Entry("a wave without its window",
			popHead+"  - signInWave: Sales\n",
			`bad.yaml:13:5: signInWave needs over: <duration>, the window the sign-ins spread over`),
		Entry("a share over 100%",
			popHead+"  - signInWave: Sales\n    over: 1h\n    share: 120%\n",
			`bad.yaml:15:12: share: "120%" is not a percentage from 0% to 100%`),
		Entry("population with user",
			popHead+"  - expect: {population: Sales, user: Ken Myer, state: Migrated}\n",
			`bad.yaml:13:14: population and user cannot be used together: check one user or a whole population`),
		Entry("a per-user key over a population",
			popHead+"  - expect: {population: Sales, contacts: 3}\n",
			`bad.yaml:13:33: "contacts" cannot be checked over a population (its users differ); check one user with user:`),
		Entry("atLeast without population",
			popHead+"  - expect: {user: Ken Myer, state: Migrated, atLeast: 3}\n",
			`bad.yaml:13:47: atLeast needs population: (it counts the population's users that pass)`),
		Entry("a population check that checks nothing",
			popHead+"  - expect: {population: Sales, atLeast: 50%}\n",
			`bad.yaml:13:13: expect checks nothing: add one of state, contactsIn, prompt, clientReads, attempts, effectivePolicy`),
	)
})
