package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/ucssim/ucssim/internal/siptest"
)

// sipGuest sends a request over its TCP connection as an outside SIP client would.
func sipGuest(conn net.Conn, n int, method, extra string) {
	GinkgoHelper()
	_, err := io.WriteString(conn, siptest.Request{Method: method, Transport: "TCP", Local: conn.LocalAddr().String(),
		Branch: fmt.Sprintf("sig%d", n), Tag: fmt.Sprintf("s%d", n), CallID: fmt.Sprintf("sig-%d", n), Epid: "guest1", Extra: extra}.String())
	Expect(err).NotTo(HaveOccurred())
}

// nextStartLine reads SIP messages until one's start line has the prefix, and returns that line.
func nextStartLine(r *bufio.Reader, prefix string) string {
	GinkgoHelper()
	for {
		first, err := r.ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		length := 0
		for {
			line, err := r.ReadString('\n')
			Expect(err).NotTo(HaveOccurred())
			if line == "\r\n" {
				break
			}
			if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
				fmt.Sscan(strings.TrimSpace(v), &length)
			}
		}
		_, err = io.CopyN(io.Discard, r, int64(length))
		Expect(err).NotTo(HaveOccurred())
		if strings.HasPrefix(first, prefix) {
			return strings.TrimSpace(first)
		}
	}
}

var _ = Describe("Ctrl-C (issue 10)", func() {
	It("exits at once on a second Ctrl-C while the first waits for the world to settle", func() {
		cmd := exec.Command(ucssimBinary(), "serve", "--sip", "127.0.0.1:0", "--sip-udp", "127.0.0.1:0", "--ews", "127.0.0.1:0", "--no-journal")
		cmd.Env = append(cmd.Environ(), "NO_COLOR=1")
		stdin, err := cmd.StdinPipe()
		Expect(err).NotTo(HaveOccurred())
		session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { session.Kill().Wait(5 * time.Second) })
		Eventually(session.Out).WithTimeout(20 * time.Second).Should(gbytes.Say(`SIP front end  sip:127\.0\.0\.1:\d+ \(TCP\)`))
		port := regexp.MustCompile(`SIP front end  sip:127\.0\.0\.1:(\d+) \(TCP\)`).FindSubmatch(session.Out.Contents())[1]

		// An outside client signs Ken Myer in and then never answers a NOTIFY: the migration's
		// prompt at +10m holds the operator's wait for the guest hold (2 s of wall time).
		conn, err := net.Dial("tcp", "127.0.0.1:"+string(port))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = conn.Close() })
		r := bufio.NewReader(conn)
		Expect(conn.SetReadDeadline(time.Now().Add(20 * time.Second))).To(Succeed())
		sipGuest(conn, 1, "REGISTER", "")
		Expect(nextStartLine(r, "SIP/2.0")).To(Equal("SIP/2.0 200 OK"))
		sipGuest(conn, 2, "SUBSCRIBE", "Event: vnd-microsoft-roaming-contacts\r\nSupported: ms-ucs\r\nAccept: application/vnd-microsoft-roaming-contacts+xml\r\n")
		Expect(nextStartLine(r, "SIP/2.0")).To(Equal("SIP/2.0 200 OK"))
		_, err = io.WriteString(stdin, "wait 1h\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(nextStartLine(r, "NOTIFY ")).To(HavePrefix("NOTIFY "))

		// The first Ctrl-C can only take effect once the world settles; the second must not wait.
		Expect(cmd.Process.Signal(syscall.SIGINT)).To(Succeed())
		Eventually(session.Err).WithTimeout(time.Second).Should(gbytes.Say(`Interrupted: stopping at the next virtual event \(Ctrl-C again quits at once\)`))
		Expect(session).NotTo(gexec.Exit(), "the first Ctrl-C waits for the world to settle")
		Expect(cmd.Process.Signal(syscall.SIGINT)).To(Succeed())
		Eventually(session).WithTimeout(time.Second).Should(gexec.Exit(exitInterrupted),
			"ended by the second Ctrl-C, well within the 2 s the first waits for (exit 0 would be the wait finishing)")
	})
})
