package sim_test

import (
	"fmt"
	"io"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
)

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
	f := load(hostileWorld)
	w, err := sim.NewWorld(f.World, f.Start, f.Seed, sim.WorldOptions{GuestHold: hold, WireTimeout: 300 * time.Millisecond})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(w.Close)
	g := dialGuest("tcp", w.FrontEnd.TCPAddr())
	g.send("REGISTER", "guest1", "")
	Expect(g.status()).To(Equal("SIP/2.0 200 OK"))
	g.send("SUBSCRIBE", "guest1", "Event: vnd-microsoft-roaming-contacts\r\nSupported: ms-ucs\r\nAccept: application/vnd-microsoft-roaming-contacts+xml\r\n")
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
