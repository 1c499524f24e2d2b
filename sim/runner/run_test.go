package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/scenarios"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

func load(yaml string) *scenario.File {
	GinkgoHelper()
	f, err := scenario.Parse("inline.yaml", []byte(strings.TrimLeft(yaml, "\n")))
	Expect(err).NotTo(HaveOccurred())
	return f
}

func run(yaml string) *runner.Result {
	GinkgoHelper()
	res := runner.Run(context.Background(), load(yaml), runner.RunOptions{})
	Expect(res.Err).NotTo(HaveOccurred())
	return res
}

// kenSignsIn runs a story where Ken Myer, with that many generated contacts, signs in over SIP,
// then the steps (YAML list items) follow; the first of them is on line 6 of the file.
func kenSignsIn(name string, contacts int, steps string) *runner.Result {
	GinkgoHelper()
	return run(fmt.Sprintf("name: %s\nworld:\n  users: [{name: Ken Myer, sip: \"sip:kenmyer@litwareinc.com\", contacts: %d}]\nsteps:\n  - signIn: Ken Myer\n%s",
		name, contacts, strings.TrimLeft(steps, "\n")))
}

type traceLine struct {
	Time    time.Time      `json:"time"`
	Seq     int            `json:"seq"`
	Type    string         `json:"type"`
	User    string         `json:"user"`
	Details map[string]any `json:"details"`
}

func events(res *runner.Result, typ string) []traceLine {
	GinkgoHelper()
	var out []traceLine
	for _, line := range bytes.Split(bytes.TrimSpace(res.Trace), []byte("\n")) {
		var e traceLine
		Expect(json.Unmarshal(line, &e)).To(Succeed())
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func at(offset string) time.Time {
	d, err := time.ParseDuration(offset)
	Expect(err).NotTo(HaveOccurred())
	return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC).Add(d)
}

const rollbackStory = `
name: Rollback without a policy change is temporary
seed: 7
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 8}
steps:
  - signIn: Ken Myer
  - expect: {user: Ken Myer, state: Migrated, prompt: logoff}
    within: 15m
  - acceptPrompt: Ken Myer
  - run: Invoke-CsUcsRollback -Identity "Ken Myer" -Confirm:$False
  - expect: {user: Ken Myer, contactsIn: lync, contacts: 8, holdUntil: "+7d10m"}
  - until: "+7d9m59s"
  - expect: {event: migration.started, user: Ken Myer, count: 1}
  - until: "+7d10m"
  - expect: {event: migration.started, user: Ken Myer, count: 2}
  - expect: {user: Ken Myer, state: Migrated, contactsIn: exchange, contacts: 8}
    within: 10m
`

var _ = Describe("Running a scenario", func() {
	It("runs the seed document's story end to end over SIP and EWS", func() {
		f, err := scenario.LoadFS(scenarios.FS, "seed/per-user-policy-story.yaml")
		Expect(err).NotTo(HaveOccurred())
		res := runner.Run(context.Background(), f, runner.RunOptions{})
		Expect(res.Failure).To(BeNil())
		Expect(res.Passed).To(BeTrue())
		completed := events(res, "migration.completed")
		Expect(completed).To(HaveLen(1))
		Expect(completed[0].User).To(Equal("sip:kenmyer@litwareinc.com"))
		Expect(completed[0].Time).To(Equal(at("10m")), "migration takes the documented 10 minutes")
	})

	It("leaves the clock where a `within` check first held", func() {
		res := kenSignsIn("within stops early", 3, `
  - expect: {user: Ken Myer, state: Migrated}
    within: 1h
`)
		Expect(res.Passed).To(BeTrue())
		Expect(res.Virtual).To(Equal(10 * time.Minute))
	})

	It("reports the file position, what was expected and what was seen when `within` runs out", func() {
		res := kenSignsIn("within fails", 3, `
  - expect: {user: Ken Myer, state: Migrated}
    within: 9m
`)
		Expect(res.Passed).To(BeFalse())
		Expect(res.Failure.Line).To(Equal(6))
		Expect(res.Failure.Expected).To(ContainSubstring("state: Migrated"))
		Expect(res.Failure.Seen).To(ContainSubstring("state: Migrating"))
		Expect(res.Failure.LastEvents).To(ContainElement(ContainSubstring("migration.started")))
		Expect(res.Virtual).To(Equal(9 * time.Minute))
	})

	It("fails a `throughout` check at the instant it stops holding", func() {
		res := kenSignsIn("throughout breaks", 3, `
  - expect: {user: Ken Myer, contactsIn: lync}
    throughout: 1h
`)
		Expect(res.Passed).To(BeFalse())
		Expect(res.Failure.Seen).To(ContainSubstring(at("10m").Format(time.RFC3339)))
	})

	It("re-migrates exactly when the 7-day hold ends, not a second before", func() {
		res := run(rollbackStory)
		Expect(res.Failure).To(BeNil())
		expired := events(res, "hold.expired")
		Expect(expired).To(HaveLen(1))
		Expect(expired[0].Time).To(Equal(at("168h10m")))
	})

	It("keeps virtual time still while Exchange answers slowly, then completes after the latency", func() {
		res := kenSignsIn("slow exchange", 2, `
  - expect: {user: Ken Myer, state: Migrated}
    within: 15m
  - fault: {exchange: slow, for: 1h, latency: 90s}
  - run: Invoke-CsUcsRollback -Identity "Ken Myer" -Confirm:$False
`)
		Expect(res.Failure).To(BeNil())
		started := events(res, "rollback.started")
		completed := events(res, "rollback.completed")
		Expect(started).To(HaveLen(1))
		Expect(completed).To(HaveLen(1))
		Expect(started[0].Time).To(Equal(at("10m")))
		Expect(completed[0].Time).To(Equal(at("11m30s")), "the rollback commits after one GetImItemList held 90s")
	})

	It("gives a byte-identical trace for the same file and seed, alone or in parallel", func() {
		f := load(rollbackStory)
		first := runner.Run(context.Background(), f, runner.RunOptions{})
		Expect(first.Passed).To(BeTrue())
		var wg sync.WaitGroup
		traces := make([][]byte, 4)
		for i := range traces {
			wg.Add(1)
			go func() {
				defer wg.Done()
				traces[i] = runner.Run(context.Background(), load(rollbackStory), runner.RunOptions{}).Trace
			}()
		}
		wg.Wait()
		for _, tr := range traces {
			Expect(string(tr)).To(Equal(string(first.Trace)))
		}
	})

	It("draws generated contacts from the seed: same seed, same list; another seed, another list", func() {
		f := load(rollbackStory)
		contactsWith := func(seed uint64) []string {
			w, err := sim.NewWorld(f.World, f.Start, seed, sim.WorldOptions{})
			Expect(err).NotTo(HaveOccurred())
			defer w.Close()
			cs, err := w.Engine.LyncContacts("Ken Myer")
			Expect(err).NotTo(HaveOccurred())
			var uris []string
			for _, c := range cs {
				uris = append(uris, c.URI)
			}
			return uris
		}
		Expect(contactsWith(7)).To(HaveLen(8))
		Expect(contactsWith(7)).To(Equal(contactsWith(7)))
		Expect(contactsWith(8)).NotTo(Equal(contactsWith(7)))
	})
})
