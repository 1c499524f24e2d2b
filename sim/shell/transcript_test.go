package shell_test

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/internal/golden"
	"github.com/ucssim/ucssim/sim/shell"
)

// Behaviour as reviewable text: every testdata/*.txt is a whole shell session (as `ucssim shell <
// file` runs it) and testdata/*.out everything it printed, compared in full. A behaviour change is a
// text diff: UCSSIM_UPDATE_GOLDEN=1 go test ./sim/shell rewrites the .out files to review.
var _ = Describe("Shell transcripts (testdata/*.txt against *.out)", func() {
	scripts, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(scripts) == 0 {
		panic("no shell transcripts in testdata")
	}
	entries := []TableEntry{}
	for _, in := range scripts {
		entries = append(entries, Entry(filepath.Base(in), in))
	}
	DescribeTable("print exactly what they printed before",
		func(in string) {
			data, err := os.ReadFile(in)
			Expect(err).NotTo(HaveOccurred())
			out := transcript(string(data), shell.Options{})
			Expect(golden.Check(strings.TrimSuffix(in, ".txt")+".out", []byte(out))).To(Succeed())
		},
		entries,
	)
})
