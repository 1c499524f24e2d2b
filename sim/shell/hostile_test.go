package shell_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/internal/siptest"
	"github.com/ucssim/ucssim/sim/shell"
)

// sendSIP writes one request over conn and reads the status line of its answer.
func sendSIP(conn net.Conn, r *bufio.Reader, method, epid, extra string) string {
	GinkgoHelper()
	_, err := io.WriteString(conn, siptest.Request{Method: method, Transport: "TCP", Local: conn.LocalAddr().String(),
		Branch: method, Tag: "t" + method, CallID: "c-" + method, Epid: epid, Extra: extra}.String())
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

var _ = Describe("bad input", func() {
	It("prints a precise error for a malformed cmdlet line, changes nothing and goes on", func() {
		const bad = `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName`
		s, out := session(bad + "\ntime\n")

		Expect(after(out, bad)).To(Equal(
			"Grant-CsUserServicesPolicy : Missing an argument for parameter 'PolicyName'. Specify a parameter of type 'String' and try again.\n" +
				"At line:1 char:49\n" +
				"+ " + bad + "\n" +
				"+                                                 ~~~~~~~~~~~\n" +
				"    + CategoryInfo          : InvalidArgument: (:) [Grant-CsUserServicesPolicy], ParameterBindingException\n" +
				"    + FullyQualifiedErrorId : MissingArgument,Microsoft.Rtc.Management.AD.Cmdlets.AssignUserServicesPolicyCmdlet\n"))
		Expect(after(out, "time")).To(HavePrefix("Mon 2026-01-05 09:00:00 UTC"))
		Expect(s.World().Trace.Count("policy.granted", "")).To(Equal(0))
	})

	It("names the unknown policy of a Grant and leaves the user's policy alone", func() {
		const bad = `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "NoSuch"`
		s, out := session(bad + "\n")

		Expect(after(out, bad)).To(ContainSubstring(`NoSuch`))
		Expect(after(out, bad)).To(ContainSubstring(`PolicyName`))
		st, err := s.World().Engine.Status("Ken Myer")
		Expect(err).NotTo(HaveOccurred())
		Expect(st.EffectivePolicy).To(Equal("Global"))
	})

	It("suggests help for an unknown verb, with the verb it was probably meant to be", func() {
		out := transcript("frobnicate\nsigin Ken Myer\nSTATUS Ken Myer\n", shell.Options{})

		Expect(after(out, "frobnicate")).To(Equal(`unknown command "frobnicate": type help for the shell verbs, or a cmdlet such as Get-CsUserServicesPolicy` + "\n"))
		Expect(after(out, "sigin Ken Myer")).To(HavePrefix(`unknown command "sigin" (did you mean "signin"?): type help`))
		Expect(after(out, "STATUS Ken Myer")).To(MatchRegexp(`Ken Myer\s+Allowed`))
	})

	It("lists every verb with an example under help", func() {
		out := after(transcript("help\n", shell.Options{}), "help")
		for _, v := range []string{"signin", "signout", "accept", "wait", "until", "status", "timeline", "fault", "outlook", "time", "exit"} {
			Expect(out).To(MatchRegexp(`(?m)^  ` + v + `\b`))
		}
		Expect(out).To(ContainSubstring("e.g. until +7d10m"))
	})

	DescribeTable("a bad verb line says what is wrong and changes nothing",
		func(line, want string) {
			s, out := session("signin Ken Myer\n" + line + "\ntime\n")

			Expect(after(out, line)).To(ContainSubstring(want))
			Expect(after(out, "time")).To(HavePrefix("Mon 2026-01-05 09:00:00 UTC"))
			Expect(s.World().Trace.Count("signin", "")).To(Equal(1))
			Expect(s.World().Trace.Count("fault.started", "")).To(Equal(0))
		},
		Entry("an unknown user", "signin Ken Meyer", `signin: `),
		Entry("an unknown client", "signin Pilar Ackerman lync2007", `signin: client "lync2007" is not lync2013, lync2010 or mobile`),
		Entry("signing in twice", "signin kenmyer@litwareinc.com lync2013", `signin: endpoint "desktop" of Ken Myer is already signed in`),
		Entry("signing out a user not signed in", "signout Pilar Ackerman", `signout: Pilar Ackerman is not signed in`),
		Entry("accepting with no prompt", "accept Ken Myer", `accept: no log-off prompt is showing on Ken Myer's desktop endpoint`),
		Entry("a bad duration", "wait 10 minutes", `wait: want one duration`),
		Entry("a malformed duration", "wait 10x", `wait: bad duration "10x"`),
		Entry("a negative duration", "wait -5m", `must not be negative`),
		Entry("an instant in the past", "until 2026-01-01T00:00:00Z", `until: 2026-01-01T00:00:00Z is in the past`),
		Entry("a bad fault kind", "fault flaky 1h", `fault: kind "flaky" is not down, busy, slow or unauthorized`),
		Entry("a fault without a duration", "fault down", `fault: usage fault`),
		Entry("a back-off on a down fault", "fault down 1h 5s", `only busy (back-off) and slow (latency)`),
		Entry("an Outlook contact that is no address", "outlook Ken Myer anne", `outlook: contact "anne" is not a SIP address`),
		Entry("an unclosed quote", `signin "Ken Myer`, `missing closing " in`),
		Entry("a timeline of an unknown user", "timeline many", `timeline: Management object not found for identity "many"`),
		Entry("a bad timeline count", "timeline 0", `timeline: count "0" is not a positive whole number`),
		Entry("an unknown timeline option", "timeline --everything", `timeline: unknown option "--everything"`),
	)

	It("prints errors in red when asked, and the PowerShell prompt with the virtual time", func() {
		out := transcript("frobnicate\nwait 1m\n", shell.Options{Prompt: true, Color: true})

		Expect(out).To(ContainSubstring("PS 2026-01-05 09:00:00 > \x1b[31munknown command \"frobnicate\""))
		Expect(out).To(ContainSubstring("\x1b[0m\nPS 2026-01-05 09:00:00 > PS 2026-01-05 09:01:00 > \n"))
	})

	It("stops reading at exit and ignores blank lines and comments", func() {
		s, out := session("\n# a comment\n   \nexit\nsignin Ken Myer\n")

		Expect(out).To(ContainSubstring("> exit\n"))
		Expect(out).NotTo(ContainSubstring("signin Ken Myer"))
		st, err := s.World().Engine.Status("Ken Myer")
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Endpoints).To(BeEmpty())
		Expect(st.State).To(Equal(engine.Allowed))
	})
})
