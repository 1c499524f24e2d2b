package shell_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/shell"
)

// sendSIP writes one request over conn and reads the status line of its answer.
func sendSIP(conn net.Conn, r *bufio.Reader, method, epid, extra string) string {
	GinkgoHelper()
	local := conn.LocalAddr().String()
	ruri := "sip:kenmyer@litwareinc.com"
	if method == "REGISTER" {
		ruri = "sip:litwareinc.com"
	}
	_, err := fmt.Fprintf(conn, "%s %s SIP/2.0\r\nVia: SIP/2.0/TCP %s;branch=z9hG4bK%s\r\nMax-Forwards: 70\r\n"+
		"From: <sip:kenmyer@litwareinc.com>;tag=t%s;epid=%s\r\nTo: <sip:kenmyer@litwareinc.com>\r\nCall-ID: c-%s\r\n"+
		"CSeq: 1 %s\r\nContact: <sip:%s;transport=tcp>\r\n%sContent-Length: 0\r\n\r\n",
		method, ruri, local, method, method, epid, method, method, local, extra)
	Expect(err).NotTo(HaveOccurred())
	Expect(conn.SetReadDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
	status, err := r.ReadString('\n')
	Expect(err).NotTo(HaveOccurred())
	for { // skip the rest of the answer (headers, then a body of Content-Length bytes)
		line, err := r.ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		if line == "\r\n" {
			break
		}
		var n int
		if _, e := fmt.Sscanf(strings.ToLower(line), "content-length: %d", &n); e == nil && n > 0 {
			defer func() { _, _ = r.Discard(n) }()
		}
	}
	return strings.TrimSpace(status)
}

var _ = Describe("what reaches the operator's terminal (issue 10)", func() {
	It("shows control characters from the wire escaped, never raw", func() {
		var out bytes.Buffer
		s := newShell(shell.Options{Echo: true}, &out)
		conn, err := net.Dial("tcp", s.World().FrontEnd.TCPAddr())
		Expect(err).NotTo(HaveOccurred())
		defer conn.Close()
		r := bufio.NewReader(conn)
		epid := "evil\x1b[2J\x07"
		Expect(sendSIP(conn, r, "REGISTER", epid, "")).To(Equal("SIP/2.0 200 OK"))
		Expect(sendSIP(conn, r, "SUBSCRIBE", epid, "Event: vnd-microsoft-roaming-contacts\r\nSupported: ms-ucs\r\n")).To(Equal("SIP/2.0 200 OK"))
		Expect(s.World().Sched.Settle()).To(Succeed())
		s.Exec(context.Background(), "status Ken Myer")
		Expect(out.String()).To(ContainSubstring(`evil\x1b[2J\x07`), "the epid is shown, escaped")
		Expect(out.String()).NotTo(ContainSubstring("\x1b"))
		Expect(out.String()).NotTo(ContainSubstring("\x07"))
	})

	It("refuses an input line longer than MaxLineBytes and reads on", func() {
		long := strings.Repeat("A", 2*shell.MaxLineBytes)
		out := transcript(long+"\nstatus Ken Myer\n", shell.Options{})
		Expect(out).To(ContainSubstring("The input line is longer than 65536 bytes; it was ignored."))
		Expect(out).NotTo(ContainSubstring("AAAA"))
		Expect(out).To(MatchRegexp(`Ken Myer\s+Allowed`))
	})
})
