package repotest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

const modPath = "github.com/ucssim/ucssim"

// fileOf is one file of the checkout for golang.org/x/mod/zip.
type fileOf struct{ root, rel string }

func (f fileOf) Path() string                 { return f.rel }
func (f fileOf) Lstat() (os.FileInfo, error)  { return os.Lstat(filepath.Join(f.root, f.rel)) }
func (f fileOf) Open() (io.ReadCloser, error) { return os.Open(filepath.Join(f.root, f.rel)) }

// checkoutFiles lists what git tracks or would track (committed or not), as a clone would have it.
func checkoutFiles() []modzip.File {
	out, code := bash(root(), nil, "git ls-files --cached --others --exclude-standard")
	Expect(code).To(Equal(0), out)
	var files []modzip.File
	for _, rel := range strings.Split(strings.TrimSpace(out), "\n") {
		if _, err := os.Lstat(filepath.Join(root(), rel)); err == nil {
			files = append(files, fileOf{root(), rel})
		}
	}
	return files
}

func goEnv(key string) string {
	out, err := exec.Command("go", "env", key).Output()
	Expect(err).NotTo(HaveOccurred())
	return strings.TrimSpace(string(out))
}

var _ = Describe("go install github.com/ucssim/ucssim/cmd/ucssim@latest", func() {
	It("gives a binary with the suite embedded that names its module version and revision", func() {
		rev, code := bash(root(), nil, "git rev-parse HEAD")
		Expect(code).To(Equal(0), rev)
		rev = strings.TrimSpace(rev)[:12]
		version := module.PseudoVersion("v0", "", time.Now().UTC().Truncate(time.Second), rev)

		By("publishing the checkout as " + version + " in a module proxy folder, as the public proxy would serve it")
		tmp := GinkgoT().TempDir()
		proxy := filepath.Join(tmp, "proxy")
		at := filepath.Join(proxy, modPath, "@v")
		Expect(os.MkdirAll(at, 0o755)).To(Succeed())
		gomod, err := os.ReadFile(filepath.Join(root(), "go.mod"))
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(at, "list"), []byte(version+"\n"), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(at, version+".info"), fmt.Appendf(nil, `{"Version":%q,"Time":%q}`, version, time.Now().UTC().Format(time.RFC3339)), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(at, version+".mod"), gomod, 0o644)).To(Succeed())
		var zbuf bytes.Buffer
		Expect(modzip.Create(&zbuf, module.Version{Path: modPath, Version: version}, checkoutFiles())).To(Succeed())
		Expect(os.WriteFile(filepath.Join(at, version+".zip"), zbuf.Bytes(), 0o644)).To(Succeed())
		zr, err := zip.NewReader(bytes.NewReader(zbuf.Bytes()), int64(zbuf.Len()))
		Expect(err).NotTo(HaveOccurred())
		for _, f := range zr.File {
			Expect(f.Name).NotTo(ContainSubstring("node_modules"), "the module zip holds what git holds")
		}

		By("go install from a clean module cache; the dependencies come from this machine's module cache")
		modcache := filepath.Join(tmp, "modcache")
		gobin := filepath.Join(tmp, "bin")
		env := []string{
			"GOPROXY=file://" + filepath.ToSlash(proxy) + ",file://" + filepath.ToSlash(filepath.Join(goEnv("GOMODCACHE"), "cache", "download")),
			"GOSUMDB=off", // the checksum database is not reachable from CI; the dependencies are the cache's own
			"GOFLAGS=-modcacherw", "GOMODCACHE=" + modcache, "GOBIN=" + gobin,
			"GOTOOLCHAIN=local",
		}
		DeferCleanup(func() { os.RemoveAll(modcache) })
		out, code := bash(tmp, env, "go install "+modPath+"/cmd/ucssim@latest")
		Expect(code).To(Equal(0), out)

		By("running the installed binary away from any checkout")
		bin := filepath.Join(gobin, "ucssim")
		want := fmt.Sprintf("ucssim %s revision %s go", version, rev)
		out, code = bash(tmp, nil, bin+" --version")
		Expect(code).To(Equal(0), out)
		Expect(out).To(HavePrefix(want))
		out, code = bash(tmp, nil, bin+" version")
		Expect(code).To(Equal(0), out)
		Expect(out).To(HavePrefix(want))
		out, code = bash(tmp, nil, bin+" validate")
		Expect(code).To(Equal(0), out)
		Expect(out).To(MatchRegexp(`^\d{2,} valid, 0 invalid\n$`))
		out, code = bash(tmp, nil, bin+" run --label seed")
		Expect(code).To(Equal(0), out)
		Expect(out).To(MatchRegexp(`(?m)^[1-9]\d* passed, 0 failed`))
	})
})
