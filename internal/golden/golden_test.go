package golden_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/internal/golden"
)

var _ = Describe("Golden files", func() {
	It("pass when equal, name the first differing line otherwise, and are rewritten with the one knob", func() {
		path := filepath.Join(GinkgoT().TempDir(), "sub", "x.out")
		Expect(golden.Check(path, []byte("a\n"))).To(MatchError(ContainSubstring("run with UCSSIM_UPDATE_GOLDEN=1 to create it")))

		GinkgoT().Setenv(golden.Env, "1")
		Expect(golden.Check(path, []byte("a\nb\n"))).To(Succeed())
		GinkgoT().Setenv(golden.Env, "")

		Expect(golden.Check(path, []byte("a\nb\n"))).To(Succeed())
		err := golden.Check(path, []byte("a\nc\n"))
		Expect(err).To(MatchError(ContainSubstring(`line 2: want "b", got "c"`)))
		Expect(err).To(MatchError(ContainSubstring("x.out differs")))
		data, _ := os.ReadFile(path)
		Expect(string(data)).To(Equal("a\nb\n"), "a failing check never writes")
	})
})
