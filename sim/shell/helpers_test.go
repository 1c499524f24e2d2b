package shell_test

import (
	"bytes"
	"context"
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
	var out bytes.Buffer
	s, err := shell.New(shell.Options{Echo: true}, &out)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(s.Close)
	Expect(s.Serve(context.Background(), strings.NewReader(input))).To(Succeed())
	return s, out.String()
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
