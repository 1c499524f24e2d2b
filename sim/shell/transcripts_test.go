package shell_test

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/shell"
)

// updateGolden rewrites the golden transcripts instead of comparing them
// (UCSSIM_UPDATE_GOLDEN=1 go test ./sim/shell/).
var updateGolden = os.Getenv("UCSSIM_UPDATE_GOLDEN") == "1"

var _ = Describe("golden transcripts of every error and prompt format", func() {
	files, err := filepath.Glob("testdata/transcripts/*.txt")
	if err != nil || len(files) == 0 {
		panic("no transcripts in testdata/transcripts")
	}
	for _, in := range files {
		It("prints "+filepath.Base(in)+" exactly as its .golden file", func() {
			input, err := os.ReadFile(in)
			Expect(err).NotTo(HaveOccurred())
			got := transcript(string(input), shell.Options{})
			golden := strings.TrimSuffix(in, ".txt") + ".golden"
			if updateGolden {
				Expect(os.WriteFile(golden, []byte(got), 0o644)).To(Succeed())
			}
			want, err := os.ReadFile(golden)
			Expect(err).NotTo(HaveOccurred(), "no golden file: run UCSSIM_UPDATE_GOLDEN=1 go test ./sim/shell/")
			Expect(got).To(Equal(string(want)))
		})
	}
})
