package ews_test

import (
	"errors"
	"net"
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

// fakeEWS answers every request with one canned status and body.
func fakeEWS(status int, body string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(status)
		w.Write([]byte(body))
	})}
	go srv.Serve(ln)
	DeferCleanup(srv.Close)
	return "http://" + ln.Addr().String()
}

func response(inner string) string {
	return `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` + inner + `</s:Body></s:Envelope>`
}

var _ = Describe("the EWS client reading other servers' answers", func() {
	It("takes a persona's id from the visible Quick Contact attribution among several", func() {
		base := fakeEWS(200, response(`<GetImItemListResponse ResponseClass="Success" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
			<ResponseCode>NoError</ResponseCode><ImItemList><Groups xmlns="http://schemas.microsoft.com/exchange/services/2006/types"/>
			<Personas xmlns="http://schemas.microsoft.com/exchange/services/2006/types"><Persona><PersonaId Id="P1"/><DisplayName>Pilar</DisplayName>
			<ImAddress>sip:pilar@litwareinc.com</ImAddress><Attributions>
			<Attribution><Id>0</Id><SourceId Id="GAL" ChangeKey="x"/><DisplayName>GAL</DisplayName><IsQuickContact>false</IsQuickContact><IsHidden>false</IsHidden></Attribution>
			<Attribution><Id>1</Id><SourceId Id="HIDDEN"/><DisplayName>Lync</DisplayName><IsQuickContact>true</IsQuickContact><IsHidden>true</IsHidden></Attribution>
			<Attribution><Id>2</Id><SourceId Id="QC" ChangeKey="ck"/><DisplayName>Kontakte</DisplayName><IsQuickContact>true</IsQuickContact><IsHidden>false</IsHidden></Attribution>
			</Attributions></Persona></Personas></ImItemList></GetImItemListResponse>`))
		l, err := ews.NewClient(ews.ClientConfig{BaseURL: base, Basic: ken}).GetImItemList(ctx, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(l.Contacts).To(Equal([]engine.ImContact{{ID: engine.ItemID{ID: "QC", ChangeKey: "ck"}, PersonaID: "P1",
			IMAddress: "pilar@litwareinc.com", DisplayName: "Pilar"}}))
	})

	It("reads ErrorServerBusy sent as an HTTP 200 error message, with or without a back-off", func() {
		base := fakeEWS(200, response(`<m:AddImGroupResponse ResponseClass="Error" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
			<m:MessageText>busy</m:MessageText><m:ResponseCode>ErrorServerBusy</m:ResponseCode>
			<m:MessageXml><t:Value Name="BackOffMilliseconds">250</t:Value></m:MessageXml></m:AddImGroupResponse>`))
		_, err := ews.NewClient(ews.ClientConfig{BaseURL: base, Basic: ken}).AddImGroup(ctx, "", "Team")
		var ee *engine.ExchangeError
		Expect(errors.As(err, &ee)).To(BeTrue())
		Expect(*ee).To(Equal(engine.ExchangeError{Operation: "AddImGroup", Code: engine.CodeServerBusy, Message: "busy", BackOff: 250 * time.Millisecond}))

		bare := fakeEWS(500, response(`<s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorServerBusy</faultcode><faultstring>later</faultstring></s:Fault>`))
		_, err = ews.NewClient(ews.ClientConfig{BaseURL: bare, Basic: ken}).AddImGroup(ctx, "", "Team")
		Expect(errors.As(err, &ee)).To(BeTrue())
		Expect(*ee).To(Equal(engine.ExchangeError{Operation: "AddImGroup", Code: engine.CodeServerBusy, Message: "later"}))
	})

	It("reports answers that are not EWS as transport errors", func() {
		for _, c := range []struct {
			status int
			body   string
		}{{200, "not xml"}, {200, response(`<Other/>`)}, {500, "oops"}, {404, ""}} {
			_, err := ews.NewClient(ews.ClientConfig{BaseURL: fakeEWS(c.status, c.body), Basic: ken}).GetImItemList(ctx, "")
			var te *engine.TransportError
			Expect(errors.As(err, &te)).To(BeTrue(), "status %d body %q gave %v", c.status, c.body, err)
			Expect(te.StatusCode).To(Equal(c.status))
		}
	})
})
