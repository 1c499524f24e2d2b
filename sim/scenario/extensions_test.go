package scenario_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/scenario"
)

const kenWorld = "name: X\nworld: {users: [{name: Ken Myer, sip: sip:kenmyer@litwareinc.com}]}\nsteps:\n"

var _ = Describe("format extensions", func() {
	It("reads moveMailbox, serverToServerAuth and expect endpoint", func() {
		f, err := scenario.Parse("x.yaml", []byte(kenWorld+
			"  - moveMailbox: {user: Ken Myer, to: Exchange2010}\n    error: unified contact store\n"+
			"  - serverToServerAuth: false\n"+
			"  - expect: {user: Ken Myer, endpoint: laptop, prompt: logoff}\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Steps[0].Kind).To(Equal(scenario.StepMoveMailbox))
		Expect([]string{f.Steps[0].User, f.Steps[0].Mailbox, *f.Steps[0].Error}).To(Equal([]string{"sip:kenmyer@litwareinc.com", "exchange2010", "unified contact store"}))
		Expect(f.Steps[1].Kind).To(Equal(scenario.StepServerToServerAuth))
		Expect(f.Steps[1].ServerToServerAuth).To(BeFalse())
		Expect(f.Steps[2].Expect.Endpoint).To(Equal("laptop"))
	})

	DescribeTable("rejects malformed uses with file:line:col",
		func(steps, want string) {
			_, err := scenario.Parse("x.yaml", []byte(kenWorld+steps))
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("moveMailbox without to", "  - moveMailbox: {user: Ken Myer}\n", `x.yaml:4:18: moveMailbox is missing required key "to"`),
		Entry("moveMailbox to an unknown version", "  - moveMailbox: {user: Ken Myer, to: exchange2016}\n", `x.yaml:4:39: bad to "exchange2016" (one of exchange2013, exchange2010, none)`),
		Entry("moveMailbox of an unknown user", "  - moveMailbox: {user: Kenn, to: none}\n", `x.yaml:4:25: unknown user "Kenn"`),
		Entry("serverToServerAuth not a boolean", "  - serverToServerAuth: off\n", `x.yaml:4:25: serverToServerAuth: expected true or false, got "off"`),
		Entry("endpoint without prompt or clientReads", "  - expect: {user: Ken Myer, endpoint: laptop, state: Migrated}\n", `x.yaml:4:30: endpoint applies to prompt and clientReads`),
		Entry("endpoint with an event check", "  - expect: {event: signin, endpoint: laptop}\n", `"endpoint" cannot be combined with event:`),
	)

	DescribeTable("rejects pools that are not fully qualified domain names",
		func(world, want string) {
			_, err := scenario.Parse("x.yaml", []byte("name: X\nworld: "+world+"\n"))
			Expect(err).To(MatchError(want))
		},
		Entry("words", `{pool: "not a fqdn"}`, `x.yaml:2:15: pool "not a fqdn" is not a fully qualified domain name (e.g. atl-cs-001.litwareinc.com)`),
		Entry("one label", `{pool: atl-cs-001}`, `x.yaml:2:15: pool "atl-cs-001" is not a fully qualified domain name (e.g. atl-cs-001.litwareinc.com)`),
		Entry("a trailing hyphen", `{pool: atl-.litwareinc.com}`, `x.yaml:2:15: pool "atl-.litwareinc.com" is not a fully qualified domain name (e.g. atl-cs-001.litwareinc.com)`),
		Entry("a legacy pool with a slash", `{legacyPools: [lync2010.litwareinc.com, "http://x"]}`, `x.yaml:2:48: legacyPools item "http://x" is not a fully qualified domain name (e.g. atl-cs-001.litwareinc.com)`),
	)
})
