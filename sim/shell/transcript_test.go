package shell_test

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/ucssim/ucssim/internal/golden"
	"github.com/ucssim/ucssim/sim/shell"
)

// Behaviour as reviewable text: every testdata/*.txt is a whole shell session (as `ucssim shell <
// file` runs it) and testdata/*.out everything it printed, compared in full. A behaviour change is a
// text diff: UCSSIM_UPDATE_GOLDEN=1 go test ./sim/shell rewrites the .out files to review.
var _ = Describe("Shell transcripts (testdata/*.txt against *.out)", func() {
	golden.Transcripts("testdata/*.txt", func(script string) string {
		return transcript(script, shell.Options{})
	})
})
