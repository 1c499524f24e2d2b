package report_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/report"
)

var _ = Describe("Traces", func() {
	DescribeTable("Slug makes a file name of a scenario name",
		func(name, want string) { Expect(report.Slug(name)).To(Equal(want)) },
		Entry("words", "Rollback without a policy change is temporary", "rollback-without-a-policy-change-is-temporary"),
		Entry("punctuation and case", "Rollback: 7 days!", "rollback-7-days"),
		Entry("nothing usable", "!!!", "scenario"),
	)

	It("writes one <slug>.jsonl per scenario that ran, byte for byte", func() {
		dir := filepath.Join(GinkgoT().TempDir(), "traces")
		twin := passing()
		twin.Name = "rollback IS temporary"
		twin.Trace = []byte("twin\n")
		files, err := report.WriteTraces(dir, []report.Case{passing(), failing(), invalid(), twin})
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(Equal([]string{
			filepath.Join(dir, "rollback-is-temporary.jsonl"),
			filepath.Join(dir, "prompt-after-migration.jsonl"),
			filepath.Join(dir, "rollback-is-temporary-2.jsonl"),
		}))
		data, err := os.ReadFile(files[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(data).To(Equal(passing().Trace))
		data, err = os.ReadFile(files[2])
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).To(Equal("twin\n"))
		entries, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(3), "an invalid file has no trace")
	})

	It("reports a directory it cannot create", func() {
		file := filepath.Join(GinkgoT().TempDir(), "plain")
		Expect(os.WriteFile(file, nil, 0o644)).To(Succeed())
		_, err := report.WriteTraces(filepath.Join(file, "sub"), []report.Case{passing()})
		Expect(err).To(MatchError(ContainSubstring("trace directory")))
	})
})
