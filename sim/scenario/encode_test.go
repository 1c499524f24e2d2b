package scenario_test

import (
	"path/filepath"
	"runtime"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/scenario"
)

// bundledFiles loads every file of the bundled suite (../../scenarios).
func bundledFiles() []*scenario.File {
	_, here, _, _ := runtime.Caller(0)
	paths, err := scenario.Discover([]string{filepath.Join(filepath.Dir(here), "..", "..", "scenarios")})
	Expect(err).NotTo(HaveOccurred())
	Expect(paths).NotTo(BeEmpty())
	var out []*scenario.File
	for _, p := range paths {
		f, err := scenario.Load(p)
		Expect(err).NotTo(HaveOccurred())
		out = append(out, f)
	}
	return out
}

// withoutPositions clears what only says where something stood in its file.
func withoutPositions(f *scenario.File) *scenario.File {
	c := *f
	c.Path, c.NamePos, c.InvariantsPos = "", scenario.Pos{}, scenario.Pos{}
	c.World.Policies = append([]scenario.Policy(nil), f.World.Policies...)
	for i := range c.World.Policies {
		c.World.Policies[i].Pos = scenario.Pos{}
	}
	c.World.Populations = append([]scenario.Population(nil), f.World.Populations...)
	for i := range c.World.Populations {
		c.World.Populations[i].Pos = scenario.Pos{}
	}
	c.World.Users = append([]scenario.User(nil), f.World.Users...)
	for i := range c.World.Users {
		c.World.Users[i].Pos = scenario.Pos{}
	}
	c.Steps = append([]scenario.Step(nil), f.Steps...)
	for i := range c.Steps {
		c.Steps[i].Pos = scenario.Pos{}
		if e := c.Steps[i].Expect; e != nil {
			ec := *e
			ec.Pos, ec.Keys = scenario.Pos{}, nil
			c.Steps[i].Expect = &ec
		}
	}
	return &c
}

var _ = Describe("Encode", func() {
	It("writes every bundled file so that Parse reads back the same scenario", func() {
		for _, f := range bundledFiles() {
			data := scenario.Encode(f)
			back, err := scenario.Parse(f.Path, data)
			Expect(err).NotTo(HaveOccurred(), "%s re-encoded:\n%s", f.Path, data)
			Expect(withoutPositions(back)).To(Equal(withoutPositions(f)), "%s re-encoded:\n%s", f.Path, data)
		}
	})
})

var _ = Describe("the invariants: key", func() {
	const head = "name: t\nworld:\n  users:\n    - {name: Ken Myer, sip: \"sip:kenmyer@litwareinc.com\"}\n"

	It("takes all, one name or a list, in any case, in the canonical order of names given", func() {
		f, err := scenario.Parse("t.yaml", []byte(head+"invariants: all\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Invariants).To(Equal(scenario.InvariantNames))
		f, err = scenario.Parse("t.yaml", []byte(head+"invariants: One-Truth\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Invariants).To(Equal([]string{"one-truth"}))
		f, err = scenario.Parse("t.yaml", []byte(head+"invariants: [deterministic, nothing-lost]\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Invariants).To(Equal([]string{"deterministic", "nothing-lost"}))
		Expect(f.InvariantsPos).To(Equal(scenario.Pos{Line: 5, Col: 13}))
	})

	DescribeTable("refuses what it does not define, with file:line:col",
		func(line, want string) {
			_, err := scenario.Parse("t.yaml", []byte(head+line))
			Expect(err).To(MatchError(want))
		},
		Entry("an unknown name", "invariants: [one-truth, nothing-lots]\n",
			`t.yaml:5:25: unknown invariant "nothing-lots" (all, or one of nothing-lost, clients-converge, one-truth, events-paired, deterministic, no-leaks) (did you mean "nothing-lost"?)`),
		Entry("a name twice", "invariants: [one-truth, ONE-TRUTH]\n",
			`t.yaml:5:25: invariant "one-truth" is listed twice`),
		Entry("a mapping", "invariants: {a: b}\n",
			`t.yaml:5:13: invariants: expected a list of strings, got a mapping`),
	)
})
