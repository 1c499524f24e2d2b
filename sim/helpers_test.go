package sim_test

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/scenario"
)

// The helpers the package's specs (and its benchmark) share: scenario files written inline and
// the worlds built from them.

// load parses an inline scenario (leading blank lines dropped).
func load(yaml string) *scenario.File {
	GinkgoHelper()
	f, err := scenario.Parse("inline.yaml", []byte(strings.TrimLeft(yaml, "\n")))
	Expect(err).NotTo(HaveOccurred())
	return f
}

// newWorld builds an inline scenario's world with the default options.
func newWorld(yaml string) *sim.World {
	GinkgoHelper()
	return worldOf(load(yaml), sim.WorldOptions{})
}

// worldOf builds the file's world with opt; it closes when the spec ends.
func worldOf(f *scenario.File, opt sim.WorldOptions) *sim.World {
	GinkgoHelper()
	w, err := sim.NewWorld(f.World, f.Start, f.Seed, opt)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(w.Close)
	return w
}

// usersFile is a scenario of n users, User 0 to User n-1 (sip:user0@litwareinc.com ...), each with
// the user keys given (e.g. "contacts: 3"), and one step waiting a second.
func usersFile(n int, keys string) (*scenario.File, error) {
	var b strings.Builder
	b.WriteString("name: users\nworld:\n  users:\n")
	for i := range n {
		fmt.Fprintf(&b, "    - {name: User %d, sip: \"sip:user%d@litwareinc.com\", %s}\n", i, i, keys)
	}
	b.WriteString("steps:\n  - wait: 1s\n")
	return scenario.Parse("inline.yaml", []byte(b.String()))
}
