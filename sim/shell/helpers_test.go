package shell_test

import (
	"bytes"
	"context"
	"io"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/shell"
)

// transcript runs a whole shell session over input, as `ucssim shell < file` does, and returns
// what it printed.
func transcript(input string, opt shell.Options) string {
	GinkgoHelper()
	if !opt.Prompt {
		opt.Echo = true
	}
	var out bytes.Buffer
	Expect(shell.Run(context.Background(), strings.NewReader(input), &out, opt)).To(Succeed())
	return out.String()
}

// session builds a shell over the default world and feeds it input; the shell stays open for
// inspection and closes when the spec ends.
func session(input string) (*shell.Shell, string) {
	GinkgoHelper()
	return open(shell.Options{}, input)
}

// open builds a shell over opt's world, feeds it input and leaves it open for inspection.
func open(opt shell.Options, input string) (*shell.Shell, string) {
	GinkgoHelper()
	opt.Echo = true
	var out bytes.Buffer
	s := newShell(opt, &out)
	Expect(s.Serve(context.Background(), strings.NewReader(input))).To(Succeed())
	return s, out.String()
}

// newShell builds a shell over opt's world printing to out; it closes when the spec ends.
func newShell(opt shell.Options, out io.Writer) *shell.Shell {
	GinkgoHelper()
	s, err := shell.New(opt, out)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(s.Close)
	return s
}

// after returns what the transcript printed after the echo of line (up to the next echoed line).
func after(out, line string) string {
	GinkgoHelper()
	_, rest, ok := strings.Cut(out, "> "+line+"\n")
	Expect(ok).To(BeTrue(), "the transcript has no line %q:\n%s", line, out)
	if strings.HasPrefix(rest, "> ") {
		return ""
	}
	if i := strings.Index(rest, "\n> "); i >= 0 {
		return rest[:i+1]
	}
	return rest
}
