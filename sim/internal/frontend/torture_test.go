package frontend_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/sim/internal/frontend"
	"github.com/ucssim/ucssim/sim/vclock"
)

// The RFC 4475 torture messages shipped in sipgo's module (sip/testdata/torture), replayed
// unchanged over TCP, and over UDP with ";rport" on the top Via (RFC 3581) so the answer comes
// back to the sending socket rather than to the Via's host:port. Each gets the status RFC 3261 and
// RFC 4475 ask of a registrar that is not an INVITE user agent (405 for INVITE, MESSAGE and unknown
// methods, 404 for users it does not serve); responses get nothing.
const (
	none   = 0  // a response: never answered
	anyAns = -1 // answered, whatever the status (CSeq/method mismatch: issue 10's item)
	// waits: over TCP a Content-Length beyond the bytes sent waits for the rest of the body
	waits = -2
)

// torture is the status wanted over TCP and UDP. unframable marks a stream that cannot be read
// past the message (no usable Content-Length, or a body that runs into the next message: RFC 3261
// 18.3 leaves nothing to resynchronise on): the front end answers what it could frame, then 400,
// and ignores the rest until the client closes; so no probe follows.
type torture struct {
	tcp, udp   int
	unframable bool
}

var tortureWant = map[string]torture{
	"valid/dblreq.dat":     {tcp: 404, udp: 404, unframable: true}, // REGISTER for a user this pool does not serve; a datagram ignores the bytes past Content-Length, a stream reads them as an INVITE whose body runs past its Content-Length
	"valid/esc01.dat":      {tcp: 405, udp: 405},
	"valid/esc02.dat":      {tcp: 405, udp: 405}, // RE%47IST%45R is not REGISTER
	"valid/escnull.dat":    {tcp: 404, udp: 404},
	"valid/intmeth.dat":    {tcp: 405, udp: 405},
	"valid/longreq.dat":    {tcp: 405, udp: none}, // over UDP its 405 (all its Vias copied) exceeds sipgo's 1300-byte limit and is not sent: a known deviation
	"valid/lwsdisp.dat":    {tcp: 200, udp: 200},
	"valid/mpart01.dat":    {tcp: 405, udp: 405},
	"valid/noreason.dat":   {tcp: none, udp: none},
	"valid/semiuri.dat":    {tcp: 200, udp: 200},
	"valid/transports.dat": {tcp: 200, udp: 200},
	"valid/unreason.dat":   {tcp: none, udp: none},
	"valid/wsinv.dat":      {tcp: 400, udp: 400}, // valid, but sipgo's parser refuses its spaces around ":" and "/": a known deviation

	"invalid/badaspec.dat":   {tcp: 400, udp: 400},
	"invalid/badbranch.dat":  {tcp: 200, udp: 200},   // RFC 4475 3.1.2.? : a bare magic cookie is still a branch
	"invalid/baddate.dat":    {tcp: 405, udp: 405},   // robust: a bad Date does not make the INVITE invalid
	"invalid/baddn.dat":      {tcp: waits, udp: 400}, // sipgo's copy lacks the blank line ending the head: a stream waits for it
	"invalid/badinv01.dat":   {tcp: 400, udp: 400},
	"invalid/badvers.dat":    {tcp: 505, udp: 505},
	"invalid/bcast.dat":      {tcp: none, udp: none},
	"invalid/bext01.dat":     {tcp: 420, udp: 420},
	"invalid/bigcode.dat":    {tcp: none, udp: none},
	"invalid/clerr.dat":      {tcp: waits, udp: 400},
	"invalid/cparam01.dat":   {tcp: 404, udp: 404},
	"invalid/cparam02.dat":   {tcp: 404, udp: 404},
	"invalid/escruri.dat":    {tcp: 400, udp: 400},
	"invalid/insuf.dat":      {tcp: 400, udp: 400},
	"invalid/inv2543.dat":    {tcp: 400, udp: 400, unframable: true}, // stream: no Content-Length, unframable; datagram: sipgo answers 400 to a Via without branch (RFC 2543 transaction), a known deviation (RFC 4475 3.4.1 asks to accept it)
	"invalid/invut.dat":      {tcp: 405, udp: 405},                   // the method is checked before the body (RFC 3261 8.2.1)
	"invalid/ltgtruri.dat":   {tcp: 400, udp: 400},
	"invalid/lwsruri.dat":    {tcp: 400, udp: 400},
	"invalid/lwsstart.dat":   {tcp: 400, udp: 400},
	"invalid/mcl01.dat":      {tcp: 400, udp: 400, unframable: true},
	"invalid/mismatch01.dat": {tcp: anyAns, udp: anyAns},
	"invalid/mismatch02.dat": {tcp: anyAns, udp: anyAns},
	"invalid/multi01.dat":    {tcp: 400, udp: 400},
	"invalid/ncl.dat":        {tcp: 400, udp: 400, unframable: true},
	"invalid/novelsc.dat":    {tcp: 416, udp: 416},
	"invalid/quotbal.dat":    {tcp: 400, udp: 400},
	"invalid/regaut01.dat":   {tcp: 404, udp: 404},
	"invalid/regbadct.dat":   {tcp: 400, udp: 400},
	"invalid/regescrt.dat":   {tcp: 404, udp: 404},
	"invalid/scalar02.dat":   {tcp: 400, udp: 400},
	"invalid/scalarlg.dat":   {tcp: none, udp: none},
	"invalid/sdp01.dat":      {tcp: 405, udp: 405},
	"invalid/test.dat":       {tcp: 400, udp: 400},
	"invalid/trws.dat":       {tcp: 400, udp: 400}, // RFC 4475 3.1.2.10: invalid (a robust parser may accept it)
	"invalid/unkscm.dat":     {tcp: 416, udp: 416},
	"invalid/unksm2.dat":     {tcp: 400, udp: 400}, // To is not a sip: address of record
	"invalid/zeromf.dat":     {tcp: 200, udp: 200}, // Max-Forwards 0 reached its UAS
}

func tortureDir() string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/emiago/sipgo").Output()
	Expect(err).NotTo(HaveOccurred(), "go list -m github.com/emiago/sipgo: the torture messages come from sipgo's module (run go mod download)")
	dir := filepath.Join(strings.TrimSpace(string(out)), "sip", "testdata", "torture")
	_, err = os.Stat(dir)
	Expect(err).NotTo(HaveOccurred(), "sipgo's RFC 4475 torture messages are missing in %s", dir)
	return dir
}

const probe = "OPTIONS sip:ken@litwareinc.com SIP/2.0\r\nVia: SIP/2.0/%s 127.0.0.1:%s;branch=z9hG4bKprobe%d;rport\r\n" +
	"Max-Forwards: 70\r\nFrom: <sip:ken@litwareinc.com>;tag=p\r\nTo: <sip:ken@litwareinc.com>\r\nCall-ID: probe-%d\r\n" +
	"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"

var probeSeq int

var callIDLine = regexp.MustCompile(`(?im)^(call-id|i)[ \t]*:[ \t]*(\S+)`)

// exchange replays one message and then a probe OPTIONS on the same socket: it returns the status
// of the answer to the message (0 when the probe's answer came first: nothing was sent back) and
// whether the front end closed the connection. Answers are matched by Call-ID, since requests are
// handled concurrently.
func exchange(msg []byte, answered, unframable bool, next func() ([]byte, error), sendProbe func(id string)) (status int, closed bool) {
	probeSeq++
	id := fmt.Sprintf("probe-%d", probeSeq)
	want := ""
	if m := callIDLine.FindSubmatch(msg); m != nil {
		want = string(m[2])
	}
	method, _, _ := strings.Cut(string(msg), " ")
	if m := regexp.MustCompile(`(?im)^cseq[ \t]*:[ \t]*\d+[ \t]+(\S+)`).FindSubmatch(msg); m == nil || string(m[1]) != method {
		method = "" // a mismatched CSeq: answers cannot be told apart by method
	}
	read := func() (*sip.Response, bool) {
		raw, err := next()
		if err != nil {
			return nil, false
		}
		m, perr := sip.ParseMessage(raw)
		Expect(perr).NotTo(HaveOccurred(), "the front end sent something unparseable:\n%s", raw)
		r, ok := m.(*sip.Response)
		Expect(ok).To(BeTrue(), "the front end sent a request:\n%s", raw)
		return r, true
	}
	callID := func(r *sip.Response) string {
		if r.CallID() == nil {
			return ""
		}
		return r.CallID().Value()
	}
	if answered {
		for status == 0 {
			r, ok := read()
			if !ok {
				return 0, true
			}
			if method != "" && r.CSeq() != nil && string(r.CSeq().MethodName) != method {
				continue // the second request of dblreq.dat
			}
			if callID(r) == want || (want == "" && callID(r) == "") {
				status = r.StatusCode
			}
		}
	}
	if unframable {
		return status, false
	}
	sendProbe(id)
	for {
		r, ok := read()
		if !ok {
			return status, true
		}
		if callID(r) == id {
			return status, false
		}
		if !answered && callID(r) == want {
			status = r.StatusCode
		}
	}
}

func streamReader(c net.Conn) func() ([]byte, error) {
	var buf []byte
	tmp := make([]byte, 64<<10)
	return func() ([]byte, error) {
		for {
			if end := bytes.Index(buf, []byte("\r\n\r\n")); end >= 0 {
				n := 0
				if m := regexp.MustCompile(`(?im)^(content-length|l)\s*:\s*(\d+)`).FindSubmatch(buf[:end]); m != nil {
					fmt.Sscan(string(m[2]), &n)
				}
				if len(buf) >= end+4+n {
					msg := buf[:end+4+n]
					buf = buf[end+4+n:]
					return msg, nil
				}
			}
			Expect(c.SetReadDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
			k, err := c.Read(tmp)
			buf = append(buf, tmp[:k]...)
			if err != nil {
				var ne net.Error
				Expect(errors.As(err, &ne) && ne.Timeout()).To(BeFalse(), "the front end went silent (no answer, no close) after:\n%s", current)
				return nil, err
			}
		}
	}
}

var current string

func newTortureServer() *frontend.Server {
	sched := vclock.New(vclock.DefaultStart)
	eng := enginetest.NewFakeEngine()
	eng.AddUser(kenURI)
	srv, err := frontend.New(frontend.Config{Engine: eng, Counter: sched.Tracker(), Scheduler: sched, Clock: sched.Clock()})
	Expect(err).NotTo(HaveOccurred())
	Expect(srv.Start("127.0.0.1:0", "127.0.0.1:0")).To(Succeed())
	eng.SetListener(srv)
	DeferCleanup(srv.Close)
	return srv
}

var topVia = regexp.MustCompile(`(?im)^(via|v)([ \t]*:[^\r\n,]*)`)

var _ = Describe("RFC 4475 torture messages", Ordered, func() {
	var (
		srv   *frontend.Server
		dir   string
		files []string
	)
	BeforeAll(func() {
		dir = tortureDir()
		for _, kind := range []string{"valid", "invalid"} {
			entries, err := os.ReadDir(filepath.Join(dir, kind))
			Expect(err).NotTo(HaveOccurred())
			for _, e := range entries {
				files = append(files, kind+"/"+e.Name())
			}
		}
		sort.Strings(files)
		var known []string
		for f := range tortureWant {
			known = append(known, f)
		}
		sort.Strings(known)
		Expect(files).To(Equal(known), "every torture message has an expected status")

		srv = newTortureServer()
	})

	It("answers each over TCP with the status RFC 3261 asks for, on a connection that stays usable where it can be framed", func() {
		var wrong []string
		for _, f := range files {
			msg, err := os.ReadFile(filepath.Join(dir, f))
			Expect(err).NotTo(HaveOccurred())
			want := tortureWant[f].tcp
			current = f
			c, err := net.Dial("tcp", srv.TCPAddr())
			Expect(err).NotTo(HaveOccurred())
			_, port, _ := net.SplitHostPort(c.LocalAddr().String())
			_, err = c.Write(msg)
			Expect(err).NotTo(HaveOccurred())
			if want == waits {
				// the body is still due: the probe's bytes complete it, so only closing is left
				Expect(c.Close()).To(Succeed())
				continue
			}
			got, closed := exchange(msg, want != none, tortureWant[f].unframable, streamReader(c), func(id string) {
				_, err := fmt.Fprintf(c, probe, "TCP", port, probeSeq, probeSeq)
				Expect(err).NotTo(HaveOccurred())
			})
			_ = c.Close()
			if !(want == anyAns && got > 0) && got != want {
				wrong = append(wrong, fmt.Sprintf("%s: got %d, want %d (closed %t)", f, got, want, closed))
			}
			if closed {
				wrong = append(wrong, fmt.Sprintf("%s: the front end closed the connection", f))
			}
		}
		Expect(wrong).To(BeEmpty())
	})

	It("answers each over UDP with the status RFC 3261 asks for, and stays up", func() {
		Expect(newTortureServer()).NotTo(BeNil())
		var wrong []string
		for _, f := range files {
			msg, err := os.ReadFile(filepath.Join(dir, f))
			Expect(err).NotTo(HaveOccurred())
			msg = topVia.ReplaceAll(msg, []byte("${1}${2};rport"))
			want := tortureWant[f].udp
			current = f
			// a server of its own: several messages share a branch and sent-by, which over UDP
			// makes a later one a retransmission of an earlier one's transaction (RFC 3261 17.2.3)
			srv := newTortureServer()
			c, err := net.Dial("udp", srv.UDPAddr())
			Expect(err).NotTo(HaveOccurred())
			_, port, _ := net.SplitHostPort(c.LocalAddr().String())
			_, err = c.Write(msg)
			Expect(err).NotTo(HaveOccurred())
			buf := make([]byte, 65535)
			got, closed := exchange(msg, want != none, false, func() ([]byte, error) {
				Expect(c.SetReadDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
				n, err := c.Read(buf)
				if err != nil && !errors.Is(err, io.EOF) {
					return nil, err
				}
				return append([]byte(nil), buf[:n]...), nil
			}, func(id string) {
				_, err := fmt.Fprintf(c, probe, "UDP", port, probeSeq, probeSeq)
				Expect(err).NotTo(HaveOccurred())
			})
			_ = c.Close()
			Expect(closed).To(BeFalse(), "%s: no answer to the probe after it: the front end is down", f)
			if !(want == anyAns && got > 0) && got != want {
				wrong = append(wrong, fmt.Sprintf("%s: got %d, want %d", f, got, want))
			}
		}
		Expect(wrong).To(BeEmpty())
	})
})
