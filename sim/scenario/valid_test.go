package scenario_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim/scenario"
)

// seedStory is the whole-file example of docs/SCENARIO-FORMAT.md.
const seedStory = `name: Per-user policy enables the store while global disables it
labels: [seed, policy, migration, prompt]
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 12}
    - {name: Pilar Ackerman, sip: "sip:pilar@litwareinc.com", contacts: 5}
steps:
  - run: Set-CsUserServicesPolicy -Identity global -UcsAllowed $False
  - run: New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True
  - run: Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "AllowUnifiedContactStore"
  - signIn: Ken Myer
  - signIn: Pilar Ackerman
  - expect: {user: Ken Myer, state: Migrating, contactsIn: lync}
  - expect: {user: Ken Myer, contactsIn: exchange, prompt: logoff}
    within: 15m
  - expect: {user: Pilar Ackerman, state: Disabled, contactsIn: lync}
  - acceptPrompt: Ken Myer
  - expect: {user: Ken Myer, clientReads: exchange, prompt: none, contacts: 12}
  - run: Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com" -TargetFqdn "atl-cs-001.litwareinc.com"
    output: {Result: Success}
`

func mustParse(src string) *scenario.File {
	f, err := scenario.Parse("ok.yaml", []byte(src))
	Expect(err).NotTo(HaveOccurred())
	Expect(f).NotTo(BeNil())
	return f
}

var _ = Describe("Parse accepts a valid file", func() {
	It("reads the seed document's story with every step in order", func() {
		f := mustParse(seedStory)
		Expect(f.Path).To(Equal("ok.yaml"))
		Expect(f.Name).To(Equal("Per-user policy enables the store while global disables it"))
		Expect(f.Labels).To(Equal([]string{"seed", "policy", "migration", "prompt"}))
		Expect(f.World.Users).To(HaveLen(2))
		ken := f.World.Users[0]
		Expect([]any{ken.Name, ken.SIP, ken.Generated, ken.Mailbox, ken.Store}).To(Equal(
			[]any{"Ken Myer", "sip:kenmyer@litwareinc.com", 12, engine.MailboxExchange2013, engine.StoreLync}))
		kinds := []scenario.StepKind{}
		for _, s := range f.Steps {
			kinds = append(kinds, s.Kind)
		}
		Expect(kinds).To(Equal([]scenario.StepKind{"run", "run", "run", "signIn", "signIn", "expect", "expect",
			"expect", "acceptPrompt", "expect", "run"}))
		Expect(f.Steps[3].User).To(Equal("sip:kenmyer@litwareinc.com"), "users are resolved to their SIP address")
		Expect(f.Steps[3].Client).To(Equal(engine.Lync2013))
		Expect(f.Steps[3].Endpoint).To(Equal("desktop"))
		Expect(f.Steps[6].Pos).To(Equal(scenario.Pos{Line: 14, Col: 5}))
		Expect(f.Steps[6].Within).To(Equal(15 * time.Minute))
		Expect(f.Steps[6].Expect.ContactsIn).To(Equal(engine.StoreExchange))
		Expect(f.Steps[6].Expect.Prompt).To(Equal("logoff"))
		Expect(f.Steps[6].Expect.Keys).To(Equal([]scenario.KeyPos{
			{Key: "user", Pos: scenario.Pos{Line: 14, Col: 14}},
			{Key: "contactsIn", Pos: scenario.Pos{Line: 14, Col: 30}},
			{Key: "prompt", Pos: scenario.Pos{Line: 14, Col: 52}},
		}))
		Expect(*f.Steps[9].Expect.Contacts).To(Equal(12))
		Expect(f.Steps[10].Output).To(Equal([]scenario.Field{{Name: "Result", Value: "Success"}}))
	})

	It("fills every default of the format", func() {
		f := mustParse("name: defaults\n")
		Expect(f.Seed).To(Equal(uint64(1)))
		Expect(f.Start).To(Equal(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)))
		Expect(f.World.Pool).To(Equal("atl-cs-001.litwareinc.com"))
		Expect(f.World.Site).To(Equal("Redmond"))
		Expect(f.World.ServerToServerAuth).To(BeTrue())
		Expect(f.World.Migration).To(Equal(scenario.Migration{Duration: 10 * time.Minute, Hold: 168 * time.Hour,
			Remigration: "timer", DailyTask: time.Hour}))
		Expect(f.World.Exchange).To(Equal(scenario.Exchange{MaxContacts: 1000, MaxGroups: 64}))
		Expect(f.Steps).To(BeEmpty())
	})

	It("reads every world setting", func() {
		f := mustParse(`name: world
seed: 42
start: 2026-03-01T10:00:00+01:00
description: |
  Two lines
  of text.
world:
  pool: fe.contoso.com
  legacyPools: [lync2010.contoso.com]
  site: Paris
  serverToServerAuth: false
  migration: {duration: 20m, perContact: 2s, jitter: 30s, hold: 6d23h, remigration: next-signin, dailyTask: "23:30"}
  exchange: {maxContacts: 10, maxGroups: 3}
  policies:
    - {identity: AllowUCS}
    - {identity: "tag:Deny", ucsAllowed: false}
    - {identity: "site:Paris", ucsAllowed: false}
  users:
    - name: Ken Myer
      sip: kenmyer@contoso.com
      mailbox: EXCHANGE2013
      policy: tag:allowucs
      store: exchange
      groups: [Team]
      contacts:
        - {uri: sip:pilar@contoso.com, name: Pilar Ackerman, groups: [Team, Favorites]}
        - {uri: bob@contoso.com}
`)
		Expect(f.Seed).To(Equal(uint64(42)))
		Expect(f.Start).To(Equal(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)))
		Expect(f.Description).To(Equal("Two lines\nof text.\n"))
		w := f.World
		Expect(w.Pool).To(Equal("fe.contoso.com"))
		Expect(w.LegacyPools).To(Equal([]string{"lync2010.contoso.com"}))
		Expect(w.Site).To(Equal("Paris"))
		Expect(w.ServerToServerAuth).To(BeFalse())
		Expect(w.Migration).To(Equal(scenario.Migration{Duration: 20 * time.Minute, PerContact: 2 * time.Second,
			Jitter: 30 * time.Second, Hold: 167 * time.Hour, Remigration: "next-signin", DailyTask: 23*time.Hour + 30*time.Minute}))
		Expect(w.Exchange).To(Equal(scenario.Exchange{MaxContacts: 10, MaxGroups: 3}))
		Expect(w.Policies).To(Equal([]scenario.Policy{
			{Pos: scenario.Pos{Line: 15, Col: 7}, Identity: "AllowUCS", UcsAllowed: true},
			{Pos: scenario.Pos{Line: 16, Col: 7}, Identity: "tag:Deny", UcsAllowed: false},
			{Pos: scenario.Pos{Line: 17, Col: 7}, Identity: "site:Paris", UcsAllowed: false},
		}))
		u := w.Users[0]
		Expect(u.SIP).To(Equal("sip:kenmyer@contoso.com"))
		Expect(u.Mailbox).To(Equal(engine.MailboxExchange2013))
		Expect(u.Policy).To(Equal("AllowUCS"), "tag:X and X name the same policy")
		Expect(u.Store).To(Equal(engine.StoreExchange))
		Expect(u.Groups).To(Equal([]string{"Team"}))
		Expect(u.Contacts).To(Equal([]scenario.Contact{
			{URI: "sip:pilar@contoso.com", Name: "Pilar Ackerman", Groups: []string{"Team", "Favorites"}},
			{URI: "bob@contoso.com"},
		}))
	})

	It("reads every step kind and its options", func() {
		f := mustParse(header + `  - signIn: kenmyer@litwareinc.com
    client: Lync2010
    endpoint: laptop
    note: the old client
  - signOut: "sip:kenmyer@litwareinc.com"
    endpoint: laptop
  - acceptPrompt: ken myer
  - addContact: {user: Ken Myer, uri: pilar@litwareinc.com, name: Pilar, group: Team}
    error: refused
  - removeContact: {user: Ken Myer, uri: pilar@litwareinc.com}
  - outlookAddContact: {user: Ken Myer, uri: bob@litwareinc.com, name: Bob}
  - fault: {exchange: busy, for: 1h, backoff: 30s, user: Ken Myer}
  - fault: {exchange: slow, for: 2h, latency: 45s}
  - wait: 1d12h
  - until: "+2d"
  - until: 2026-01-08T09:00:00Z
  - run: Get-CsUserServicesPolicy -Identity global
    output: {UcsAllowed: False, Identity: Global}
    warning: ""
  - run: Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName global
    error: global
  - expect: {user: Ken Myer, has: [pilar@litwareinc.com], lacks: sip:bob@litwareinc.com, attempts: 0, holdUntil: none, effectivePolicy: Global}
    throughout: 1h
  - expect: {user: Ken Myer, holdUntil: "+10d"}
  - expect: {event: migration.completed, user: Ken Myer, count: 1}
    within: 1h
`)
		s := f.Steps
		Expect(s).To(HaveLen(16))
		Expect([]string{s[0].User, string(s[0].Client), s[0].Endpoint, s[0].Note}).To(Equal(
			[]string{"sip:kenmyer@litwareinc.com", "lync2010", "laptop", "the old client"}))
		Expect(s[1].Endpoint).To(Equal("laptop"))
		Expect(s[2].User).To(Equal("sip:kenmyer@litwareinc.com"), "display names match case-insensitively")
		Expect(s[3].Contact).To(Equal(scenario.Contact{URI: "pilar@litwareinc.com", Name: "Pilar", Groups: []string{"Team"}}))
		Expect(*s[3].Error).To(Equal("refused"))
		Expect(s[4].Kind).To(Equal(scenario.StepRemoveContact))
		Expect(s[5].Contact.Name).To(Equal("Bob"))
		Expect(s[6].Fault).To(Equal(scenario.Fault{Kind: "busy", For: time.Hour, BackOff: 30 * time.Second,
			User: "sip:kenmyer@litwareinc.com"}))
		Expect(s[7].Fault).To(Equal(scenario.Fault{Kind: "slow", For: 2 * time.Hour, Latency: 45 * time.Second}))
		Expect(s[8].Wait).To(Equal(36 * time.Hour))
		Expect(s[9].Until).To(Equal(scenario.Instant{Offset: 48 * time.Hour}))
		Expect(s[10].Until.At(f.Start)).To(Equal(f.Start.Add(72 * time.Hour)))
		Expect(s[11].Output).To(Equal([]scenario.Field{{Name: "UcsAllowed", Value: "False"}, {Name: "Identity", Value: "Global"}}))
		Expect(*s[11].Warning).To(Equal(""))
		Expect(*s[12].Error).To(Equal("global"))
		x := s[13].Expect
		Expect(x.Has).To(Equal([]string{"pilar@litwareinc.com"}))
		Expect(x.Lacks).To(Equal([]string{"sip:bob@litwareinc.com"}))
		Expect(*x.Attempts).To(Equal(0))
		Expect(x.HoldNone).To(BeTrue())
		Expect(x.EffectivePolicy).To(Equal("Global"))
		Expect(s[13].Throughout).To(Equal(time.Hour))
		Expect(s[14].Expect.HoldUntil.At(f.Start)).To(Equal(f.Start.Add(240 * time.Hour)))
		Expect(s[15].Expect.Event).To(Equal(engine.EventMigrationCompleted))
		Expect(*s[15].Expect.Count).To(Equal(1))
		Expect(s[15].Within).To(Equal(time.Hour))
	})

	It("accepts an until at exactly the instant already reached, and after a within window", func() {
		f := mustParse(header + `  - wait: 1h
  - until: "+1h"
  - expect: {user: Ken Myer, state: Disabled}
    within: 5h
  - until: "+2h"
`)
		Expect(f.Steps).To(HaveLen(4))
	})
})

var _ = DescribeTable("ParseDuration reads Go durations plus days",
	func(in string, want time.Duration) {
		Expect(scenario.ParseDuration(in)).To(Equal(want))
	},
	Entry("seconds", "90s", 90*time.Second),
	Entry("minutes", "10m", 10*time.Minute),
	Entry("hours and minutes", "1h30m", 90*time.Minute),
	Entry("days", "7d", 168*time.Hour),
	Entry("a second short of a week", "6d23h59m59s", 168*time.Hour-time.Second),
	Entry("a day and a half", "1d12h", 36*time.Hour),
	Entry("zero", "0s", time.Duration(0)),
)

var _ = DescribeTable("ParseDuration refuses what is not a duration",
	func(in string) {
		_, err := scenario.ParseDuration(in)
		Expect(err).To(HaveOccurred())
	},
	Entry("no unit", "10"),
	Entry("days after hours", "12h1d"),
	Entry("a unit alone", "d"),
	Entry("a negative value", "-1h"),
	Entry("text", "soon"),
	Entry("too many days", "999999999d"),
	Entry("empty", ""),
)

var _ = DescribeTable("FormatDuration prints durations the way files write them",
	func(in time.Duration, want string) {
		Expect(scenario.FormatDuration(in)).To(Equal(want))
	},
	Entry("zero", time.Duration(0), "0s"),
	Entry("a week", 168*time.Hour, "7d"),
	Entry("mixed", 36*time.Hour+90*time.Second, "1d12h1m30s"),
	Entry("minutes", 15*time.Minute, "15m"),
)
