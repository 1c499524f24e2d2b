package scenario_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/scenario"
)

// header is a valid file up to `steps:`; steps written after it start on line 6.
const header = `name: t
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com"}
steps:
`

// errorsOf parses src as bad.yaml and returns every error it reports, formatted.
func errorsOf(src string) []string {
	f, err := scenario.Parse("bad.yaml", []byte(src))
	Expect(f).To(BeNil(), "an invalid file must not yield a File")
	Expect(err).To(HaveOccurred())
	var list scenario.ErrorList
	Expect(errors.As(err, &list)).To(BeTrue(), "errors come as an ErrorList")
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.Error()
	}
	return out
}

// rejects is a table body: parsing src gives exactly the errors want, in order.
func rejects(src string, want ...string) {
	GinkgoHelper()
	Expect(errorsOf(src)).To(Equal(want))
}

var _ = Describe("Parse rejects a malformed file", func() {
	DescribeTable("with the exact position and message", rejects,
		Entry("an unknown top-level key, with a suggestion",
			"name: t\nlabesl: [a]\n",
			`bad.yaml:2:1: unknown key "labesl" in a scenario file (did you mean "labels"?)`),
		Entry("a misspelt name, also missing the required name",
			"nmae: t\n",
			`bad.yaml:1:1: unknown key "nmae" in a scenario file (did you mean "name"?)`,
			`bad.yaml:1:1: the scenario is missing required key "name"`),
		Entry("a seed of the wrong type",
			"name: t\nseed: abc\n",
			`bad.yaml:2:7: seed: expected a whole number >= 0, got "abc"`),
		Entry("labels given as a mapping",
			"name: t\nlabels: {a: b}\n",
			`bad.yaml:2:9: labels: expected a list of strings, got a mapping`),
		Entry("a start that is not RFC 3339",
			"name: t\nstart: 2026-01-05 09:00\n",
			`bad.yaml:2:8: start "2026-01-05 09:00" is not an RFC 3339 time (e.g. 2026-01-05T09:00:00Z)`),
		Entry("a user without sip",
			"name: t\nworld:\n  users:\n    - name: Ken Myer\n",
			`bad.yaml:4:7: a user is missing required key "sip"`),
		Entry("two users with one SIP address (with and without sip:)",
			"name: t\nworld:\n  users:\n    - {name: A, sip: a@x.com}\n    - {name: B, sip: \"sip:A@x.com\"}\n",
			`bad.yaml:5:22: duplicate user sip "sip:A@x.com" (first at line 4)`),
		Entry("two users with one display name",
			"name: t\nworld:\n  users:\n    - {name: Ken, sip: a@x.com}\n    - {name: ken, sip: b@x.com}\n",
			`bad.yaml:5:14: duplicate user name "ken" (first at line 4)`),
		Entry("a policy that world.policies does not define",
			"name: t\nworld:\n  policies: [{identity: AllowUCS}]\n  users:\n    - {sip: a@x.com, policy: AllowUSC}\n",
			`bad.yaml:5:30: unknown policy "AllowUSC": not a per-user policy of world.policies (only global exists by default) (did you mean "AllowUCS"?)`),
		Entry("granting global at start",
			"name: t\nworld:\n  users:\n    - {sip: a@x.com, policy: global}\n",
			`bad.yaml:4:30: policy "global" cannot be granted to a user: only per-user policies (from world.policies) can`),
		Entry("a step naming an unknown user",
			header+"  - signIn: Ken Meyer\n",
			`bad.yaml:6:13: unknown user "Ken Meyer": not in world.users (did you mean "Ken Myer"?)`),
		Entry("an expectation naming an unknown SIP address",
			header+"  - expect: {user: \"sip:ken@litwareinc.com\", state: Migrated}\n",
			`bad.yaml:6:20: unknown user "sip:ken@litwareinc.com": not in world.users`),
		Entry("a bad duration",
			header+"  - wait: 7x\n",
			`bad.yaml:6:11: wait: bad duration "7x" (use Go syntax plus days, e.g. 90s, 10m, 1h30m, 7d, 6d23h59m59s)`),
		Entry("a negative duration",
			header+"  - wait: -5m\n",
			`bad.yaml:6:11: wait: duration "-5m" must not be negative`),
		Entry("a bad state, case-insensitively close to a real one",
			header+"  - expect: {user: Ken Myer, state: migratd}\n",
			`bad.yaml:6:37: bad state "migratd" (one of Disabled, Allowed, Migrating, Migrated, Failed) (did you mean "Migrated"?)`),
		Entry("a bad client",
			header+"  - signIn: Ken Myer\n    client: lync2016\n",
			`bad.yaml:7:13: bad client "lync2016" (one of lync2013, lync2010, mobile) (did you mean "lync2013"?)`),
		Entry("a bad contactsIn",
			header+"  - expect: {user: Ken Myer, contactsIn: sharepoint}\n",
			`bad.yaml:6:42: bad contactsIn "sharepoint" (one of lync, exchange)`),
		Entry("a bad prompt",
			header+"  - expect: {user: Ken Myer, prompt: logout}\n",
			`bad.yaml:6:38: bad prompt "logout" (one of logoff, none) (did you mean "logoff"?)`),
		Entry("a bad clientReads",
			header+"  - expect: {user: Ken Myer, clientReads: outlook}\n",
			`bad.yaml:6:43: bad clientReads "outlook" (one of lync, exchange, readonly)`),
		Entry("a bad mailbox",
			"name: t\nworld:\n  users:\n    - {sip: a@x.com, mailbox: exchange2016}\n",
			`bad.yaml:4:31: bad mailbox "exchange2016" (one of exchange2013, exchange2010, none) (did you mean "exchange2013"?)`),
		Entry("a bad store",
			"name: t\nworld:\n  users:\n    - {sip: a@x.com, store: sharepoint}\n",
			`bad.yaml:4:29: bad store "sharepoint" (one of lync, exchange)`),
		Entry("a bad remigration",
			"name: t\nworld:\n  migration: {remigration: never}\n",
			`bad.yaml:3:28: bad remigration "never" (one of timer, next-signin)`),
		Entry("a bad fault kind and a missing duration",
			header+"  - fault: {exchange: broken}\n",
			`bad.yaml:6:12: fault is missing required key "for"`,
			`bad.yaml:6:23: bad fault kind "broken" (one of down, busy, slow, unauthorized)`),
		Entry("backoff on a fault that is not busy",
			header+"  - fault: {exchange: down, for: 1h, backoff: 5s}\n",
			`bad.yaml:6:38: backoff applies only to exchange: busy (this fault is down)`),
		Entry("an until in the past after a wait",
			header+"  - wait: 2h\n  - until: \"+1h\"\n",
			`bad.yaml:7:12: until "+1h" is in the past: the steps before it already reach +2h (2026-01-05T11:00:00Z)`),
		Entry("an until in the past after throughout (within does not count)",
			header+"  - expect: {user: Ken Myer, state: Disabled}\n    within: 5h\n  - expect: {user: Ken Myer, state: Disabled}\n    throughout: 3h\n  - until: \"+2h\"\n",
			`bad.yaml:10:12: until "+2h" is in the past: the steps before it already reach +3h (2026-01-05T12:00:00Z)`),
		Entry("an absolute until before the start",
			header+"  - until: 2026-01-05T08:59:59Z\n",
			`bad.yaml:6:12: until "2026-01-05T08:59:59Z" is in the past: the steps before it already reach +0s (2026-01-05T09:00:00Z)`),
		Entry("a step with no action",
			header+"  - note: nothing to do\n",
			`bad.yaml:6:5: step has no action: give exactly one of run, signIn, signOut, acceptPrompt, addContact, removeContact, outlookAddContact, fault, wait, until, expect, moveMailbox, serverToServerAuth, signInWave`),
		Entry("a step with two actions",
			header+"  - {wait: 1m, until: \"+3h\"}\n",
			`bad.yaml:6:16: step has two actions, "wait" and "until": give each its own step`),
		Entry("within and throughout together",
			header+"  - expect: {user: Ken Myer, state: Migrated}\n    within: 1m\n    throughout: 2m\n",
			`bad.yaml:8:5: within and throughout cannot be used together: within waits until the check holds, throughout checks it for the whole window`),
		Entry("within on a run step",
			header+"  - run: Get-CsUserServicesPolicy\n    within: 1m\n",
			`bad.yaml:7:5: "within" does not apply to a run step (only to expect)`),
		Entry("error on a wait step",
			header+"  - wait: 1m\n    error: denied\n",
			`bad.yaml:7:5: "error" does not apply to a wait step (only to run, signIn, signOut, acceptPrompt, addContact, removeContact, outlookAddContact, moveMailbox, signInWave)`),
		Entry("answers on a signIn step",
			header+"  - signIn: Ken Myer\n    answers: [yes]\n",
			`bad.yaml:7:5: "answers" does not apply to a signIn step (only to run)`),
		Entry("answers that are not yes or no",
			header+"  - run: Invoke-CsUcsRollback -Identity \"Ken Myer\"\n    answers: [yes, maybe]\n",
			`bad.yaml:7:20: answers: "maybe" is not yes, no, yes to all or no to all (Y, N, A, L)`),
		Entry("answers that are not a list",
			header+"  - run: Invoke-CsUcsRollback -Identity \"Ken Myer\"\n    answers: yes\n",
			`bad.yaml:7:14: answers: expected a list of yes, no, yes to all or no to all, e.g. [yes, no], got "yes"`),
		Entry("an expect with neither user nor event",
			header+"  - expect: {state: Migrated}\n",
			`bad.yaml:6:13: expect needs user: (a state check), population: (a check on each of its users) or event: (a trace check)`),
		Entry("count without event",
			header+"  - expect: {user: Ken Myer, count: 2}\n",
			`bad.yaml:6:30: count needs event: (it counts trace events of that type)`),
		Entry("an unknown event type",
			header+"  - expect: {event: migration.done, count: 1}\n",
			`bad.yaml:6:21: bad event "migration.done" (one of policy.created, policy.set, policy.removed, policy.granted, signin, signout, prompt.shown, prompt.accepted, migration.started, migration.completed, migration.failed, migration.retry, rollback.started, rollback.completed, rollback.failed, contacts.lost, hold.started, hold.expired, remigration.check, contact.added, contact.removed, fault.started, fault.ended, cmdlet.error, user.moved, mailbox.moved, trust.set, notify.timeout, notify.failed, request.timeout, mailbox.changed)`),
		Entry("a dailyTask that is not HH:MM",
			"name: t\nworld:\n  migration: {dailyTask: \"1am\"}\n",
			`bad.yaml:3:26: dailyTask "1am" is not HH:MM (a UTC time of day such as "01:00")`),
		Entry("a duplicate key",
			"name: t\nseed: 1\nseed: 2\n",
			`bad.yaml:3:1: duplicate key "seed" in a scenario file (first at line 2)`),
		Entry("an unknown key in an expectation",
			header+"  - expect: {user: Ken Myer, stat: Migrated}\n",
			`bad.yaml:6:30: unknown key "stat" in expect (did you mean "state"?)`),
		Entry("a store in Exchange without an Exchange 2013 mailbox",
			"name: t\nworld:\n  users:\n    - {sip: a@x.com, mailbox: exchange2010, store: exchange}\n",
			`bad.yaml:4:52: store: exchange needs mailbox: exchange2013 (this user has exchange2010)`),
		Entry("a YAML syntax error",
			"name: t\nseed: 1\nlabels [a]\nsteps: []\n",
			`bad.yaml:3:1: YAML syntax: could not find expected ':'`),
		Entry("an empty file",
			"",
			`bad.yaml:1:1: empty scenario file`),
		Entry("a file that is a list",
			"- name: t\n",
			`bad.yaml:1:1: a scenario file must be a mapping, got a list`),
	)

	// The wording of these errors belongs to the engine's parser; the loader adds where.
	DescribeTable("checks run lines with the engine's parser",
		func(step, at string, words ...string) {
			errs := errorsOf(header + step)
			Expect(errs).To(HaveLen(1))
			Expect(errs[0]).To(HavePrefix(at + " run: "))
			for _, w := range words {
				Expect(errs[0]).To(ContainSubstring(w))
			}
		},
		Entry("an unterminated quote, pointed at in a plain scalar",
			"  - run: Set-CsUserServicesPolicy -Identity \"global -UcsAllowed $False\n",
			"bad.yaml:6:45:", "missing its closing quote"),
		Entry("an unknown cmdlet, with the engine's suggestion",
			"  - run: Set-CsUserServicePolicy -UcsAllowed $False\n",
			"bad.yaml:6:10:", "Set-CsUserServicePolicy", "Did you mean Set-CsUserServicesPolicy?"),
		Entry("an unknown parameter in a quoted YAML scalar, at the scalar",
			"  - run: \"Grant-CsUserServicesPolicy -Identity 'Ken Myer' -Polcy AllowUCS\"\n",
			"bad.yaml:6:10:", "Polcy"),
	)

	It("reports every error of the file, sorted by position", func() {
		src := header +
			"  - expect: {user: Nobody, state: Gone}\n" +
			"  - wait: soon\n"
		Expect(errorsOf("seed: x\n" + src)).To(Equal([]string{
			`bad.yaml:1:7: seed: expected a whole number >= 0, got "x"`,
			`bad.yaml:7:20: unknown user "Nobody": not in world.users`,
			`bad.yaml:7:35: bad state "Gone" (one of Disabled, Allowed, Migrating, Migrated, Failed)`,
			`bad.yaml:8:11: wait: bad duration "soon" (use Go syntax plus days, e.g. 90s, 10m, 1h30m, 7d, 6d23h59m59s)`,
		}))
	})

	It("formats the whole list one error per line", func() {
		_, err := scenario.Parse("x.yaml", []byte("name: t\nseed: a\nstart: b\n"))
		Expect(err).To(MatchError("x.yaml:2:7: seed: expected a whole number >= 0, got \"a\"\n" +
			"x.yaml:3:8: start \"b\" is not an RFC 3339 time (e.g. 2026-01-05T09:00:00Z)"))
	})
})
