package scenario_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/scenario"
)

// usersYAML is a file with n users of c generated contacts each.
func usersYAML(n, c int) string {
	var b strings.Builder
	b.WriteString("name: t\nworld:\n  users:\n")
	for i := range n {
		fmt.Fprintf(&b, "    - {sip: \"sip:u%d@x.com\", contacts: %d}\n", i, c)
	}
	return b.String()
}

var _ = Describe("Parse bounds every count and size (issue 10)", func() {
	DescribeTable("refusing what is over a limit, with its position", rejects,
		Entry("a billion generated contacts",
			"name: t\nworld:\n  users:\n    - {sip: \"sip:a@x.com\", contacts: 1000000000}\n",
			`bad.yaml:4:38: contacts: 1000000000 is more than 5000 (the limit per user)`),
		Entry("a start in year 0",
			"name: t\nstart: 0000-06-01T00:00:00Z\n",
			`bad.yaml:2:8: start 0000-06-01T00:00:00Z: the year must be within 1..9999`),
		Entry("a wait of more than 100 years",
			header+"  - wait: 36501d\n",
			`bad.yaml:6:11: wait: duration "36501d" is longer than 36500d (the limit: 100 years)`),
		Entry("a wait just over 100 years in hours",
			header+"  - wait: 36500d1h\n",
			`bad.yaml:6:11: wait: duration "36500d1h" is longer than 36500d (the limit: 100 years)`),
		Entry("an Exchange contact limit beyond reason",
			"name: t\nworld:\n  exchange: {maxContacts: 100000000}\n",
			`bad.yaml:3:27: maxContacts: 100000000 is more than 100000 (the limit)`),
		Entry("65 groups for generated contacts",
			"name: t\nworld:\n  users:\n    - sip: a@x.com\n      groups: ["+strings.Repeat("g, ", 64)+"g]\n",
			`bad.yaml:5:208: more than 64 groups (the limit)`),
	)

	It("reads a user's EWS password", func() {
		f, err := scenario.Parse("pw.yaml", []byte("name: t\nworld:\n  users:\n    - {sip: a@x.com, password: s3cret}\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.World.Users[0].Password).To(Equal("s3cret"))
	})

	It("accepts the largest world within the limits", func() {
		users := scenario.MaxContacts / scenario.MaxContactsPerUser
		f, err := scenario.Parse("big.yaml", []byte(usersYAML(users, scenario.MaxContactsPerUser)))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.World.Users).To(HaveLen(users))
	})

	It("refuses one user too many, and contacts adding up to more than the world limit", func() {
		Expect(errorsOf(usersYAML(scenario.MaxUsers+1, 0))).To(Equal([]string{
			fmt.Sprintf("bad.yaml:%d:7: more than 10000 users (the limit)", scenario.MaxUsers+4)}))
		users := scenario.MaxContacts/scenario.MaxContactsPerUser + 1
		Expect(errorsOf(usersYAML(users, scenario.MaxContactsPerUser))).To(Equal([]string{
			fmt.Sprintf("bad.yaml:%d:7: the users' contacts add up to more than 1000000 (the limit of a world)", users+3)}))
	})

	It("refuses a step too many", func() {
		src := header + strings.Repeat("  - wait: 1s\n", scenario.MaxSteps+1)
		Expect(errorsOf(src)).To(Equal([]string{fmt.Sprintf("bad.yaml:%d:5: more than 10000 steps (the limit)", scenario.MaxSteps+6)}))
	})

	It("refuses a file larger than MaxFileBytes without reading it whole", func() {
		p := filepath.Join(GinkgoT().TempDir(), "huge.yaml")
		fh, err := os.Create(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(fh.Truncate(1<<40)).To(Succeed(), "a sparse 1 TiB file")
		Expect(fh.Close()).To(Succeed())
		_, err = scenario.Load(p)
		Expect(err).To(MatchError(p + ":1:1: the file is larger than 4194304 bytes (the limit of a scenario file)"))
	})
})
