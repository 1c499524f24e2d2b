package interop_test

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestInterop(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "interop suite")
}

// syncBuffer collects a child process's output for polling.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// need fails the spec, naming the Debian package, when a tool or file of an interop client is
// missing (make test installs them as root: .ci/test-deps/debian.txt).
func need(check func() error, pkg string) {
	GinkgoHelper()
	Expect(check()).To(Succeed(), "missing the Debian package %s (make test installs it when run as root; see .ci/test-deps/debian.txt)", pkg)
}

func lookPath(name string) func() error {
	return func() error { _, err := exec.LookPath(name); return err }
}

func fileExists(path string) func() error {
	return func() error { _, err := os.Stat(path); return err }
}

func pkgConfig(mod string) func() error {
	return func() error { return exec.Command("pkg-config", "--exists", mod).Run() }
}

// buddyList is what pidgin-sipe shows: group name -> buddy URIs, sorted.
type buddyList map[string][]string

var (
	blistBlock = regexp.MustCompile(`(?s)DRIVER BLIST BEGIN \([a-z]+\)\n(.*?)DRIVER BLIST END groups=\d+ buddies=\d+\n`)
	groupLine  = regexp.MustCompile(`^DRIVER BLIST group \[(.*)\]$`)
	buddyLine  = regexp.MustCompile(`^DRIVER BLIST   buddy \[(.*?)\] alias`)
)

// lastBuddyList parses the last buddy list dump in a driver's output.
func lastBuddyList(out string) buddyList {
	blocks := blistBlock.FindAllStringSubmatch(out, -1)
	if len(blocks) == 0 {
		return nil
	}
	bl := buddyList{}
	group := ""
	for _, l := range strings.Split(blocks[len(blocks)-1][1], "\n") {
		if m := groupLine.FindStringSubmatch(l); m != nil {
			group = m[1]
			bl[group] = []string{}
		} else if m := buddyLine.FindStringSubmatch(l); m != nil {
			bl[group] = append(bl[group], m[1])
		}
	}
	for g := range bl {
		sort.Strings(bl[g])
	}
	return bl
}

// all is every buddy URI of a list, sorted, duplicates kept.
func (bl buddyList) all() []string {
	var out []string
	for _, bs := range bl {
		out = append(out, bs...)
	}
	sort.Strings(out)
	return out
}

// sipeDriver is one headless pidgin-sipe run (testdata/sipe-driver.c).
type sipeDriver struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *syncBuffer
	done  chan struct{}
	log   string
}

func (d *sipeDriver) send(line string) {
	GinkgoHelper()
	_, err := io.WriteString(d.stdin, line+"\n")
	Expect(err).NotTo(HaveOccurred())
}

// waitFor polls the driver's output (a real client on real time) until re matches.
func (d *sipeDriver) waitFor(re string, within time.Duration, why string) {
	GinkgoHelper()
	r := regexp.MustCompile(re)
	ok := Eventually(func() bool { return r.MatchString(d.out.String()) }).WithTimeout(within).WithPolling(100*time.Millisecond).
		Should(BeTrue(), "%s: no %q in the client's output (kept in %s; set UCSSIM_INTEROP_DIR to keep it after the run)", why, re, d.log)
	if !ok {
		d.writeOut()
	}
}

// quit signs the client out and waits for it to end.
func (d *sipeDriver) quit() {
	GinkgoHelper()
	d.send("quit")
	select {
	case <-d.done:
	case <-time.After(15 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.done
	}
	_ = os.WriteFile(d.log, []byte(d.out.String()), 0o644)
}

// writeOut keeps a failing run's output where the failure message says.
func (d *sipeDriver) writeOut() { _ = os.WriteFile(d.log, []byte(d.out.String()), 0o644) }

func compileC(dir, out string, args ...string) {
	GinkgoHelper()
	cmd := exec.Command("cc", append([]string{"-O1", "-o", filepath.Join(dir, out)}, args...)...)
	b, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "compiling %s: %s", out, b)
}
