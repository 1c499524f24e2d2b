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
