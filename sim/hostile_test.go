package sim_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/internal/siptest"
	"github.com/ucssim/ucssim/mocks/ews"
	"github.com/ucssim/ucssim/sim"
)

var ctx = context.Background()

// A serve-style world: real loopback sockets on port 0, outside clients bounded as `ucssim
// serve` bounds them, with short wall-clock bounds so the specs stay quick.
const hostileWorld = `
name: hostile clients
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 20}
steps: []
`

func serveWorld() *sim.World {
	GinkgoHelper()
	return serveWorldHolding(200 * time.Millisecond)
}

// serveWorldHolding is serveWorld with that guest hold.
func serveWorldHolding(hold time.Duration) *sim.World {
	GinkgoHelper()
	return worldOf(load(hostileWorld), sim.WorldOptions{GuestHold: hold, WireTimeout: 300 * time.Millisecond})
}

func ewsHostPort(w *sim.World) string {
	return strings.TrimPrefix(w.EWSURL, "http://")
}

const getImItemList = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Body><m:GetImItemList/></soap:Body></soap:Envelope>`

// guestSIP is an outside SIP client on one TCP (or UDP) socket that sends what a spec writes and
// answers nothing unless told.
type guestSIP struct {
	conn      net.Conn
	transport string // TCP, UDP or TLS, as the Via header names it
	r         *bufio.Reader
	n         int
}

func dialGuest(network, addr string) *guestSIP {
	GinkgoHelper()
	c, err := net.Dial(network, addr)
	Expect(err).NotTo(HaveOccurred())
	return guestOn(c, strings.ToUpper(network))
}

// guestOn is a guest on a connection already made (closed when the spec ends).
func guestOn(c net.Conn, transport string) *guestSIP {
	DeferCleanup(func() { _ = c.Close() }) // a spec may hang up first
	return &guestSIP{conn: c, transport: transport, r: bufio.NewReader(c)}
}

func (g *guestSIP) send(method, epid, extra string) {
	GinkgoHelper()
	g.n++
	_, err := io.WriteString(g.conn, siptest.Request{Method: method, Transport: g.transport, Local: g.conn.LocalAddr().String(),
		Branch: fmt.Sprintf("guest%d", g.n), Tag: fmt.Sprintf("g%d", g.n), CallID: fmt.Sprintf("guest-%s-%d", epid, g.n),
		Epid: epid, Extra: extra}.String())
	Expect(err).NotTo(HaveOccurred())
}

// registerAndSubscribe registers the guest as endpoint epid (200 OK), then subscribes to its
// roaming contacts as a UCS-aware Lync 2013 client does; the SUBSCRIBE's answer is left unread.
func (g *guestSIP) registerAndSubscribe(epid string) {
	GinkgoHelper()
	g.send("REGISTER", epid, "")
	Expect(g.status()).To(Equal("SIP/2.0 200 OK"))
	g.send("SUBSCRIBE", epid, "Event: vnd-microsoft-roaming-contacts\r\nSupported: ms-ucs\r\nAccept: application/vnd-microsoft-roaming-contacts+xml\r\n")
}

// status is the status line of the next message.
func (g *guestSIP) status() string {
	GinkgoHelper()
	first, _ := g.read()
	return first
}

// read reads the next message and returns its status line ("SIP/2.0 200 OK") and the whole
// message; a request (a NOTIFY) is returned the same way.
func (g *guestSIP) read() (first, whole string) {
	GinkgoHelper()
	Expect(g.conn.SetReadDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
	if g.conn.LocalAddr().Network() == "udp" {
		buf := make([]byte, 65536)
		n, err := g.conn.Read(buf)
		Expect(err).NotTo(HaveOccurred())
		msg := string(buf[:n])
		first, _, _ = strings.Cut(msg, "\r\n")
		return first, msg
	}
	var b strings.Builder
	length := 0
	for {
		line, err := g.r.ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		b.WriteString(line)
		if line == "\r\n" {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
			fmt.Sscan(strings.TrimSpace(v), &length)
		}
	}
	body := make([]byte, length)
	_, err := io.ReadFull(g.r, body)
	Expect(err).NotTo(HaveOccurred())
	b.Write(body)
	first, _, _ = strings.Cut(b.String(), "\r\n")
	return first, b.String()
}

var _ = Describe("Outside clients are guests (docs/ARCHITECTURE.md D-8, issue 10)", func() {
	It("does not let an EWS request whose body never finishes hold the clock, and traces its timeout", func() {
		w := serveWorld()
		c, err := net.Dial("tcp", ewsHostPort(w))
		Expect(err).NotTo(HaveOccurred())
		defer c.Close()
		_, err = fmt.Fprintf(c, "POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 5000\r\n\r\n<soap:Envelope")
		Expect(err).NotTo(HaveOccurred())
		// The server has the headers; the operator's wait must not depend on the rest.
		Eventually(func() error { return w.Sched.Advance(time.Hour) }).WithTimeout(2 * time.Second).Should(Succeed())
		Eventually(func() int { return w.Trace.Count("request.timeout", "") }).WithTimeout(3 * time.Second).Should(Equal(1))
		ev := w.Trace.Events()
		Expect(ev[len(ev)-1].Details["request"]).To(ContainSubstring("the request body did not arrive within 300ms"))
	})

	It("ignores X-Ucssim-Held from the wire: a parked outside request releases only its own unit", func() {
		w := serveWorld()
		Expect(w.Fault(sim.FaultSpec{Kind: engine.FaultSlow, For: time.Hour, Latency: time.Minute})).To(Succeed())
		req, err := http.NewRequest(http.MethodPost, w.EWSURL+"/EWS/Exchange.asmx", strings.NewReader(getImItemList))
		Expect(err).NotTo(HaveOccurred())
		req.SetBasicAuth("kenmyer@litwareinc.com", "any")
		req.Header.Set("Content-Type", "text/xml; charset=utf-8")
		req.Header.Set("X-Ucssim-Held", "5")
		pending := w.Sched.Pending()
		type answer struct {
			code int
			at   time.Time
		}
		got := make(chan answer, 1)
		go func() {
			defer GinkgoRecover()
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				got <- answer{code: -1}
				return
			}
			res.Body.Close()
			got <- answer{res.StatusCode, w.Sched.Now()}
		}()
		start := w.Sched.Now()
		Eventually(func() int { return w.Sched.Pending() }).WithTimeout(2*time.Second).Should(Equal(pending+1), "the request is parked on the virtual clock")
		Expect(w.Sched.Tracker().Busy()).To(Equal(0), "parked: nothing in flight, and no units borrowed from work that is")
		Expect(w.Sched.Advance(time.Minute)).To(Succeed())
		var a answer
		Eventually(got).WithTimeout(2 * time.Second).Should(Receive(&a))
		Expect(a.code).To(Equal(http.StatusOK))
		Expect(a.at).To(Equal(start.Add(time.Minute)))
		Expect(w.Sched.Tracker().Busy()).To(Equal(0))
	})

	It("does not let a subscriber that never answers its NOTIFY hold the clock, and traces the timeout", func() {
		w := serveWorld()
		g := dialGuest("tcp", w.FrontEnd.TCPAddr())
		g.registerAndSubscribe("guest1")
		Expect(g.status()).To(Equal("SIP/2.0 200 OK"))
		// The migration completes at +10m and prompts the guest with a NOTIFY it never answers.
		Expect(w.Sched.Advance(15 * time.Minute)).To(Succeed())
		first, _ := g.read()
		Expect(first).To(HavePrefix("NOTIFY "))
		st, err := w.Engine.Status("sip:kenmyer@litwareinc.com")
		Expect(err).NotTo(HaveOccurred())
		Expect(st.State).To(Equal(engine.Migrated))
		Expect(w.Trace.Count("notify.timeout", "sip:kenmyer@litwareinc.com")).To(Equal(1))
		Expect(w.Sched.Advance(time.Hour)).To(Succeed(), "later waits are not held either")
	})

	It("answers a roaming-contacts SUBSCRIBE over UDP with 403 and changes nothing", func() {
		w := serveWorld()
		g := dialGuest("udp", w.FrontEnd.UDPAddr())
		g.registerAndSubscribe("udp1")
		first, whole := g.read()
		Expect(first).To(Equal("SIP/2.0 403 Forbidden"))
		Expect(whole).To(ContainSubstring("served over TCP or TLS only"))
		Expect(w.Sched.Advance(15 * time.Minute)).To(Succeed())
		Expect(w.Trace.Count("signin", "")).To(Equal(0))
		Expect(w.Trace.Count("migration.started", "")).To(Equal(0))
		st, err := w.Engine.Status("sip:kenmyer@litwareinc.com")
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Endpoints).To(BeEmpty())
	})
})

const passwordWorld = `
name: passwords
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 3, password: "Pa55w0rd!"}
    - {name: Pilar Ackerman, sip: "sip:pilar@litwareinc.com", contacts: 2}
steps: []
`

// ewsPost posts a GetImItemList with the given Authorization header and returns the HTTP status.
func ewsPost(w *sim.World, auth string, body string) int {
	GinkgoHelper()
	req, err := http.NewRequest(http.MethodPost, w.EWSURL+"/EWS/Exchange.asmx", strings.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("Authorization", auth)
	res, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

var _ = Describe("Credentials that mean something (issue 10)", func() {
	It("keeps the server-to-server key secret: a token signed with a key derived from the seed is refused", func() {
		w := serveWorld()
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], w.Seed)
		seedKey := sha256.Sum256(append([]byte("ucssim server-to-server trust "), b[:]...))
		token := ews.SignToken(seedKey[:], "lync-server", w.Sched.Now(), time.Hour)
		env := `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>kenmyer@litwareinc.com</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation></soap:Header><soap:Body><m:GetImItemList/></soap:Body></soap:Envelope>`
		Expect(ewsPost(w, "Bearer "+token, env)).To(Equal(http.StatusUnauthorized))
	})

	It("traces a change an outside EWS client makes to a mailbox, and the engine follows it", func() {
		w := serveWorld()
		// Ken migrates (signed in by the shell's own client), then an outside tool adds a contact.
		Expect(w.SignIn(ctx, "sip:kenmyer@litwareinc.com", "desktop", engine.Lync2013)).To(Succeed())
		Expect(w.Sched.Advance(15 * time.Minute)).To(Succeed())
		add := `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Body><m:AddNewImContactToGroup><m:ImAddress>newpal@fabrikam.com</m:ImAddress></m:AddNewImContactToGroup></soap:Body></soap:Envelope>`
		Expect(ewsPost(w, basic("kenmyer@litwareinc.com", "x"), add)).To(Equal(http.StatusOK))
		Expect(w.Sched.Settle()).To(Succeed())
		Expect(w.Trace.Count("mailbox.changed", "sip:kenmyer@litwareinc.com")).To(Equal(1))
		ev := w.Trace.Events()
		var changed sim.TraceEvent
		for _, e := range ev {
			if e.Type == "mailbox.changed" {
				changed = e
			}
		}
		Expect(changed.Details).To(Equal(map[string]any{"by": "kenmyer@litwareinc.com", "operation": "AddNewImContactToGroup"}))
		contacts, err := w.Engine.MirrorContacts("Ken Myer")
		Expect(err).NotTo(HaveOccurred())
		Expect(contacts).To(ContainElement(HaveField("URI", "newpal@fabrikam.com")), "the engine's mirror follows the mailbox")
	})

	It("checks a password the world gives a user: 401 when wrong, and its own clients still get in", func() {
		w := newWorld(passwordWorld)
		Expect(w.Password("kenmyer@litwareinc.com")).To(Equal("Pa55w0rd!"))
		Expect(ewsPost(w, basic("kenmyer@litwareinc.com", "wrong"), getImItemList)).To(Equal(http.StatusUnauthorized))
		Expect(ewsPost(w, basic("kenmyer@litwareinc.com", "Pa55w0rd!"), getImItemList)).To(Equal(http.StatusOK))
		Expect(ewsPost(w, basic("pilar@litwareinc.com", "anything"), getImItemList)).To(Equal(http.StatusOK), "no password given: any is accepted")
		// The simulated Lync 2013 client reads its migrated list over EWS with the password.
		Expect(w.SignIn(ctx, "sip:kenmyer@litwareinc.com", "desktop", engine.Lync2013)).To(Succeed())
		Expect(w.Sched.Advance(15 * time.Minute)).To(Succeed())
		Expect(w.AcceptPrompt(ctx, "sip:kenmyer@litwareinc.com", "desktop")).To(Succeed())
		Expect(w.Sched.Settle()).To(Succeed())
		st, err := w.Engine.Status("Ken Myer")
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Endpoints).To(ConsistOf(HaveField("ReadsFrom", engine.ReadsExchange)))
		Expect(w.Endpoints()[0].View.ReadsFrom).To(Equal(engine.ReadsExchange))
		Expect(w.Endpoints()[0].View.Contacts).To(HaveLen(3), "its EWS reads succeeded")
	})
})

const kenSIP = "sip:kenmyer@litwareinc.com"

// answer writes the guest's response to a request it read (whole), echoing its Via, From, To,
// Call-ID and CSeq as RFC 3261 section 8.2.6.2 asks.
func (g *guestSIP) answer(whole string, code int, reason string) {
	GinkgoHelper()
	head, _, _ := strings.Cut(whole, "\r\n\r\n")
	var b strings.Builder
	fmt.Fprintf(&b, "SIP/2.0 %d %s\r\n", code, reason)
	for _, line := range strings.Split(head, "\r\n")[1:] {
		name, _, _ := strings.Cut(line, ":")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "via", "v", "from", "f", "call-id", "i", "cseq":
			b.WriteString(line + "\r\n")
		case "to", "t":
			b.WriteString(line + ";tag=guest\r\n")
		}
	}
	b.WriteString("Content-Length: 0\r\n\r\n")
	_, err := io.WriteString(g.conn, b.String())
	Expect(err).NotTo(HaveOccurred())
}

// promptedGuest is an outside Lync endpoint of Ken Myer, registered and subscribed to his
// roaming contacts in a serve-style world whose guest hold is hold; his migration (started by
// the subscription) completes at +10m and prompts it.
func promptedGuest(hold time.Duration) (*sim.World, *guestSIP) {
	GinkgoHelper()
	w := serveWorldHolding(hold)
	g := dialGuest("tcp", w.FrontEnd.TCPAddr())
	g.registerAndSubscribe("guest1")
	Expect(g.status()).To(Equal("SIP/2.0 200 OK"))
	return w, g
}

// answerPrompt answers, from its own goroutine, the first NOTIFY the guest receives with code;
// the channel gets the NOTIFY's ms-diagnostics line once answered.
func answerPrompt(g *guestSIP, code int, reason string) <-chan string {
	done := make(chan string, 1)
	go func() {
		defer GinkgoRecover()
		first, whole := g.read()
		Expect(first).To(HavePrefix("NOTIFY "))
		g.answer(whole, code, reason)
		diag := ""
		for _, line := range strings.Split(whole, "\r\n") {
			if strings.HasPrefix(strings.ToLower(line), "ms-diagnostics:") {
				diag = line
			}
		}
		done <- diag
	}()
	return done
}

func guestEndpoint(w *sim.World) engine.EndpointStatus {
	GinkgoHelper()
	st, err := w.Engine.Status(kenSIP)
	Expect(err).NotTo(HaveOccurred())
	Expect(st.Endpoints).To(HaveLen(1))
	return st.Endpoints[0]
}

var _ = Describe("Events say what reached the client (issue 10): prompt.shown only for a delivered prompt", func() {
	It("traces prompt.shown when the endpoint answers the prompt's NOTIFY, at the instant of the migration's commit", func() {
		w, g := promptedGuest(10 * time.Second)
		answered := answerPrompt(g, 200, "OK")
		Expect(w.Sched.Advance(15 * time.Minute)).To(Succeed())
		Eventually(answered).WithTimeout(5 * time.Second).Should(Receive(ContainSubstring("2165")))
		Expect(w.Trace.Count(engine.EventPromptShown, kenSIP)).To(Equal(1))
		Expect(w.Trace.Count(engine.EventNotifyTimeout, kenSIP)).To(BeZero())
		var shown, completed sim.TraceEvent
		for _, e := range w.Trace.Events() {
			switch e.Type {
			case engine.EventPromptShown:
				shown = e
			case engine.EventMigrationCompleted:
				completed = e
			}
		}
		Expect(shown.Time).To(Equal(completed.Time))
		Expect(shown.Details).To(HaveKeyWithValue("endpoint", "guest1"))
		Expect(guestEndpoint(w).Prompt).To(BeTrue())
		g.send("REGISTER", "guest1", "Expires: 0\r\n")
		Eventually(func() int { return w.Trace.Count(engine.EventPromptAccepted, kenSIP) }).WithTimeout(5 * time.Second).Should(Equal(1))
	})

	It("traces notify.failed and no prompt for a NOTIFY the endpoint refuses; it owes no answer and keeps its subscription", func() {
		w, g := promptedGuest(10 * time.Second)
		answered := answerPrompt(g, 500, "Server Internal Error")
		Expect(w.Sched.Advance(15 * time.Minute)).To(Succeed())
		Eventually(answered).WithTimeout(5 * time.Second).Should(Receive(ContainSubstring("2165")))
		Expect(w.Trace.Count(engine.EventPromptShown, "")).To(BeZero())
		Expect(w.Trace.Count(engine.EventNotifyFailed, kenSIP)).To(Equal(1))
		ev := w.Trace.Events()
		Expect(ev[len(ev)-1].Details).To(HaveKeyWithValue("reason", "refused (500)"))
		Expect(guestEndpoint(w).Prompt).To(BeFalse(), "the engine's status agrees with the trace")
		Expect(w.FrontEnd.EndpointStates()).To(ContainElement(HaveField("Subscribed", true)))
		g.send("REGISTER", "guest1", "Expires: 0\r\n")
		Eventually(func() int { return w.Trace.Count(engine.EventSignOut, kenSIP) }).WithTimeout(5 * time.Second).Should(Equal(1))
		Expect(w.Trace.Count(engine.EventPromptAccepted, "")).To(BeZero(), "signing out answers no prompt it never saw")
	})

	It("traces notify.timeout and no prompt while the NOTIFY goes unanswered past the guest hold", func() {
		w, g := promptedGuest(200 * time.Millisecond)
		Expect(w.Sched.Advance(15 * time.Minute)).To(Succeed())
		first, _ := g.read()
		Expect(first).To(HavePrefix("NOTIFY "))
		Expect(w.Trace.Count(engine.EventNotifyTimeout, kenSIP)).To(Equal(1))
		Expect(w.Trace.Count(engine.EventPromptShown, "")).To(BeZero())
		Expect(guestEndpoint(w).Prompt).To(BeFalse())
	})

	It("traces notify.failed and no prompt when the endpoint hangs up on the prompt's NOTIFY", func() {
		w, g := promptedGuest(10 * time.Second)
		hungUp := make(chan struct{})
		go func() {
			defer GinkgoRecover()
			defer close(hungUp)
			first, _ := g.read()
			Expect(first).To(HavePrefix("NOTIFY "))
			Expect(g.conn.Close()).To(Succeed())
		}()
		Expect(w.Sched.Advance(15 * time.Minute)).To(Succeed())
		Eventually(hungUp).WithTimeout(5 * time.Second).Should(BeClosed())
		Eventually(func() int { return w.Trace.Count(engine.EventNotifyFailed, kenSIP) }).WithTimeout(5 * time.Second).Should(Equal(1))
		Expect(w.Trace.Count(engine.EventPromptShown, "")).To(BeZero())
	})
})

var _ = Describe("Outside clients are guests, continued (issue 10)", func() {
	It("does not let a notification queued behind a NOTIFY the subscriber never answers hold the clock either", func() {
		w, g := promptedGuest(200 * time.Millisecond)
		Expect(w.Sched.Advance(15 * time.Minute)).To(Succeed())
		first, _ := g.read()
		Expect(first).To(HavePrefix("NOTIFY "))
		// The rollback's list for the guest waits behind the unanswered prompt, whose transaction
		// lasts 32 s: the operator's commands must not.
		_, err := w.RunCmdlet(ctx, "Invoke-CsUcsRollback -Identity 'Ken Myer' -Confirm:$false", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Sched.Advance(time.Minute)).To(Succeed())
		Expect(w.Trace.Count(engine.EventRollbackCompleted, kenSIP)).To(Equal(1))
		Expect(w.Trace.Count(engine.EventNotifyTimeout, kenSIP)).To(Equal(2), "the prompt and the list queued behind it")
		ev := w.Trace.Events()
		Expect(ev[len(ev)-1].Details).To(HaveKeyWithValue("notification", string(engine.NotifyFullList)))
	})
})
