package ews_test

import (
	"errors"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

var _ = Describe("fault plan", func() {
	var w *world
	BeforeEach(func() { w = newWorld() })

	It("busy: ErrorServerBusy with BackOffMilliseconds until the window ends on the virtual clock", func() {
		w.srv.SetFault(ews.Fault{Kind: engine.FaultBusy, Until: w.sched.Now().Add(5 * time.Minute), BackOff: 1500 * time.Millisecond})
		_, err := w.engineClient().AddNewImContactToGroup(ctx, ken, "pilar@litwareinc.com", "", engine.ItemID{})
		var ee *engine.ExchangeError
		Expect(errors.As(err, &ee)).To(BeTrue())
		Expect(ee.Code).To(Equal(engine.CodeServerBusy))
		Expect(ee.BackOff).To(Equal(1500 * time.Millisecond))
		l, _, _ := w.srv.List(ken)
		Expect(l.Contacts).To(BeEmpty(), "a throttled call changes nothing")

		Expect(w.sched.Advance(5*time.Minute - time.Nanosecond)).To(Succeed())
		_, err = w.engineClient().GetImItemList(ctx, ken)
		Expect(code(err)).To(Equal(engine.CodeServerBusy))
		Expect(w.sched.Advance(time.Nanosecond)).To(Succeed())
		_, err = w.engineClient().GetImItemList(ctx, ken)
		Expect(err).NotTo(HaveOccurred())
	})

	It("down: HTTP 503 with no body on every path, as a transport error", func() {
		w.srv.SetFault(ews.Fault{Kind: engine.FaultDown, Until: w.sched.Now().Add(time.Hour)})
		_, err := w.engineClient().GetImItemList(ctx, ken)
		var te *engine.TransportError
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(te.StatusCode).To(Equal(http.StatusServiceUnavailable))
		_, err = w.userClient(ken).Autodiscover(ctx, "")
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(te.StatusCode).To(Equal(http.StatusServiceUnavailable))
		status, _, body := post(w.base, "/EWS/Exchange.asmx", "garbage", nil)
		Expect(status).To(Equal(http.StatusServiceUnavailable))
		Expect(body).To(BeEmpty())
	})

	It("down as connection refused once the server is closed", func() {
		Expect(w.srv.Close()).To(Succeed())
		_, err := w.engineClient().GetImItemList(ctx, ken)
		var te *engine.TransportError
		Expect(errors.As(err, &te)).To(BeTrue())
		Expect(te.StatusCode).To(Equal(0))
		Expect(te.Err).To(HaveOccurred())
	})

	It("unauthorized: HTTP 401 for every request while active", func() {
		w.srv.SetFault(ews.Fault{Kind: engine.FaultUnauthorized, Until: w.sched.Now().Add(time.Minute)})
		_, err := w.engineClient().GetImItemList(ctx, ken)
		Expect(engine.Unauthorized(err)).To(BeTrue())
		_, err = w.userClient(ken).GetImItemList(ctx, "")
		Expect(engine.Unauthorized(err)).To(BeTrue())
		Expect(w.sched.Advance(time.Minute)).To(Succeed())
		_, err = w.userClient(ken).GetImItemList(ctx, "")
		Expect(err).NotTo(HaveOccurred())
	})

	It("applies a mailbox fault to that mailbox only, and clears with an empty kind", func() {
		w.srv.SetFault(ews.Fault{Kind: engine.FaultDown, Mailbox: ken, Until: w.sched.Now().Add(time.Hour)})
		_, err := w.engineClient().GetImItemList(ctx, ken)
		Expect(err).To(HaveOccurred())
		_, err = w.engineClient().GetImItemList(ctx, pilar)
		Expect(err).NotTo(HaveOccurred())
		f, active := w.srv.Fault(ken)
		Expect(active).To(BeTrue())
		Expect(f.Kind).To(Equal(engine.FaultDown))
		w.srv.SetFault(ews.Fault{Mailbox: ken})
		_, active = w.srv.Fault(ken)
		Expect(active).To(BeFalse())
		_, err = w.engineClient().GetImItemList(ctx, ken)
		Expect(err).NotTo(HaveOccurred())
	})

	It("slow: holds the answer for exactly the virtual latency, parked on the virtual clock", func() {
		const latency = 30 * time.Second
		w.srv.SetFault(ews.Fault{Kind: engine.FaultSlow, Until: w.sched.Now().Add(time.Hour), Latency: latency})
		start := w.sched.Now()
		client := ews.NewClient(ews.ClientConfig{BaseURL: w.base, Insiders: w.in, Held: 1, Token: func() string {
			return ews.SignToken(trustKey, "lync", start, 2*time.Hour)
		}})
		type answer struct {
			at  time.Time
			err error
		}
		got := make(chan answer, 1)
		end := w.sched.Tracker().Begin("spec caller")
		go func() {
			defer end()
			_, err := client.AddNewImContactToGroup(ctx, ken, "pilar@litwareinc.com", "", engine.ItemID{})
			got <- answer{w.sched.Now(), err}
		}()
		Expect(w.sched.Advance(latency - time.Millisecond)).To(Succeed())
		Expect(got).NotTo(Receive(), "still held one millisecond before the latency")
		l, _, _ := w.srv.List(ken)
		Expect(l.Contacts).To(BeEmpty())
		Expect(w.sched.Advance(time.Millisecond)).To(Succeed())
		var a answer
		Expect(got).To(Receive(&a))
		Expect(a.err).NotTo(HaveOccurred())
		Expect(a.at).To(Equal(start.Add(latency)))
		l, _, _ = w.srv.List(ken)
		Expect(addresses(l)).To(Equal([]string{"pilar@litwareinc.com"}))
	})

	It("slow: a caller that gives up while parked leaves nothing changed", func() {
		w.srv.SetFault(ews.Fault{Kind: engine.FaultSlow, Latency: time.Minute})
		cctx, cancel := contextWithCancel()
		done := make(chan error, 1)
		client := ews.NewClient(ews.ClientConfig{BaseURL: w.base, Insiders: w.in, Held: 1, Token: func() string {
			return ews.SignToken(trustKey, "lync", w.sched.Now(), time.Hour)
		}})
		end := w.sched.Tracker().Begin("spec caller")
		go func() {
			defer end()
			_, err := client.AddNewImContactToGroup(cctx, ken, "x@litwareinc.com", "", engine.ItemID{})
			done <- err
		}()
		Expect(w.sched.Settle()).To(Succeed())
		cancel()
		var err error
		Eventually(done).WithTimeout(2 * time.Second).Should(Receive(&err))
		Expect(err).To(HaveOccurred())
		Expect(w.sched.Advance(time.Minute)).To(Succeed())
		l, _, _ := w.srv.List(ken)
		Expect(l.Contacts).To(BeEmpty())
	})
})
