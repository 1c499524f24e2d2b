package repotest

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("make test's own set-up (.ci/test-deps)", func() {
	It("names the missing Debian package and how to install it in one line, and installs nothing", func() {
		list := filepath.Join(GinkgoT().TempDir(), "debian.txt")
		Expect(os.WriteFile(list, []byte("# a comment\n\nucssim-no-such-package   command -v ucssim-no-such-tool   # spec\n"), 0o644)).To(Succeed())
		out, code := bash(root(), []string{"UCSSIM_TEST_DEPS_LIST=" + list, "UCSSIM_NO_INSTALL=1"}, "bash .ci/test-deps/install")
		Expect(code).To(Equal(1), out)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		Expect(lines).To(HaveLen(1), out)
		Expect(lines[0]).To(ContainSubstring("missing test dependencies (Debian packages: ucssim-no-such-package)"))
		Expect(lines[0]).To(MatchRegexp(`run: (sudo )?apt-get install -y ucssim-no-such-package$`))
	})

	It("accepts a package whose check command succeeds even when dpkg does not know it", func() {
		list := filepath.Join(GinkgoT().TempDir(), "debian.txt")
		Expect(os.WriteFile(list, []byte("ucssim-no-such-package  command -v bash\n"), 0o644)).To(Succeed())
		out, code := bash(root(), []string{"UCSSIM_TEST_DEPS_LIST=" + list, "UCSSIM_NO_INSTALL=1"}, "bash .ci/test-deps/install")
		// node_modules of the checkout may be missing here (then the npm line fails); the Debian part passed.
		Expect(out).NotTo(ContainSubstring("Debian packages"))
		if code != 0 {
			Expect(out).To(ContainSubstring("missing npm packages in ./mocks/ews/interop; run: (cd ./mocks/ews/interop && npm ci)"))
		}
	})

	It("runs the README's two commands on a clean copy without node_modules (make run; make test)", func() {
		// The whole `make test` inside `make test` would run every suite twice; the copy runs the
		// spec that needs the set-up (the EWS interop spec needs npm ci in mocks/ews/interop).
		out, code := bash(root(), nil, "bash .ci/fresh-clone PKGS=./mocks/ews GOTESTFLAGS=-ginkgo.focus=ews-javascript-api")
		Expect(code).To(Equal(0), out)
		Expect(out).To(ContainSubstring("test-deps: npm ci in ./mocks/ews/interop"))
		Expect(out).To(ContainSubstring("Ran 1 of 92 Specs"))
		Expect(out).To(MatchRegexp(`(?m)^ok  \tgithub.com/ucssim/ucssim/mocks/ews\t`))
		Expect(strings.Count(out, " passed, 0 failed")).To(Equal(2), "both make run and make test end on a passing summary line")
	})
})
