package client_test

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/internal/golden"
	"github.com/ucssim/ucssim/sim/internal/client"
	"github.com/ucssim/ucssim/sim/internal/frontend"
	"github.com/ucssim/ucssim/sim/vclock"
)

// tap is a TCP relay between a client and the front end that records the conversation, so the
// wire exchange of a simulated client can be compared with a golden transcript.
type tap struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	parts  []part
}

type part struct {
	dir  string
	data []byte
}

func newTap(target string) *tap {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	t := &tap{l: l, target: target}
	go t.serve()
	DeferCleanup(l.Close)
	return t
}

func (t *tap) serve() {
	for {
		c, err := t.l.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", t.target)
		if err != nil {
			_ = c.Close()
			return
		}
		go t.pipe(c, s, "client -> front end")
		go t.pipe(s, c, "front end -> client")
	}
}

func (t *tap) pipe(from, to net.Conn, dir string) {
	defer to.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := from.Read(buf)
		if n > 0 {
			t.mu.Lock()
			if k := len(t.parts); k > 0 && t.parts[k-1].dir == dir {
				t.parts[k-1].data = append(t.parts[k-1].data, buf[:n]...)
			} else {
				t.parts = append(t.parts, part{dir: dir, data: append([]byte(nil), buf[:n]...)})
			}
			t.mu.Unlock()
			if _, werr := to.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// transcript renders what was relayed since the last call, normalized.
func (t *tap) transcript() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	for _, p := range t.parts {
		for _, m := range splitMessages(p.data) {
			b.WriteString("=== " + p.dir + "\n")
			b.WriteString(strings.ReplaceAll(m, "\r\n", "\n"))
			b.WriteString("\n")
		}
	}
	t.parts = nil
	return normalize(b.String())
}

// splitMessages cuts a TCP byte stream into SIP messages by their Content-Length.
func splitMessages(data []byte) []string {
	var out []string
	for len(data) > 0 {
		end := bytes.Index(data, []byte("\r\n\r\n"))
		if end < 0 {
			return append(out, string(data))
		}
		head := string(data[:end+4])
		n := 0
		if m := contentLength.FindStringSubmatch(head); m != nil {
			n, _ = strconv.Atoi(m[1])
		}
		total := min(end+4+n, len(data))
		out = append(out, string(data[:total]))
		data = data[total:]
	}
	return out
}

var contentLength = regexp.MustCompile(`(?mi)^Content-Length:\s*(\d+)`)

var normalizers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`tag=[^;>\s,]+`), "tag=TAG"},
	{regexp.MustCompile(`branch=[^;>\s,]+`), "branch=BRANCH"},
	{regexp.MustCompile(`(?m)^Call-ID: .*$`), "Call-ID: CALLID"},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
}

func normalize(s string) string {
	for _, n := range normalizers {
		s = n.re.ReplaceAllString(s, n.with)
	}
	return s
}

// matchGolden compares got with testdata/golden/<name> (package internal/golden:
// UCSSIM_UPDATE_GOLDEN=1 rewrites it).
func matchGolden(name, got string) {
	GinkgoHelper()
	Expect(golden.Check(filepath.Join("testdata", "golden", name), []byte(got))).To(Succeed())
}

var _ = Describe("the simulated client on the wire", func() {
	It("signs in, writes by SERVICE and gets the delta exactly as the golden transcripts show", func() {
		sched := vclock.New(vclock.DefaultStart)
		eng := enginetest.NewFakeEngine()
		eng.AddUser(ken, "pat@litwareinc.com")
		srv, err := frontend.New(frontend.Config{Engine: eng, Counter: sched.Tracker(), Scheduler: sched, Clock: sched.Clock()})
		Expect(err).NotTo(HaveOccurred())
		Expect(srv.Start("127.0.0.1:0", "")).To(Succeed())
		eng.SetListener(srv)
		DeferCleanup(srv.Close)
		t := newTap(srv.TCPAddr())
		c, err := client.New(client.Config{User: ken, Kind: engine.Lync2013, Endpoint: "desk", Server: t.l.Addr().String(), Counter: sched.Tracker()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(c.Close)
		ctx := context.Background()

		Expect(c.SignIn(ctx)).To(Succeed())
		Expect(sched.Settle()).To(Succeed())
		matchGolden("client-signin-lync2013.txt", t.transcript())

		Expect(c.AddContact(ctx, "sip:lee@litwareinc.com", "Lee", "")).To(Succeed())
		Expect(sched.Settle()).To(Succeed())
		got := t.transcript()
		Expect(strings.Count(got, "=== ")).To(Equal(4), "SERVICE, 200, NOTIFY, 200:\n%s", got)
		matchGolden("client-service-setcontact.txt", got)
	})
})
