package ews_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("POX autodiscover", func() {
	var w *world
	BeforeEach(func() { w = newWorld() })

	It("returns the EWS URL of the mock, which the client then uses", func() {
		c := w.userClient(ken)
		url, err := c.Autodiscover(ctx, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(url).To(Equal(w.base + "/EWS/Exchange.asmx"))
		Expect(c.EWSURL()).To(Equal(url))
		_, err = c.GetImItemList(ctx, "")
		Expect(err).NotTo(HaveOccurred())
	})

	It("answers the documented shape with text/xml", func() {
		req := `<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">` +
			`<Request><EMailAddress>` + ken + `</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`
		status, h, body := post(w.base, "/AutoDiscover/AutoDiscover.xml", req, basicHeader(ken))
		Expect(status).To(Equal(http.StatusOK))
		Expect(h.Get("Content-Type")).To(Equal("text/xml; charset=utf-8"))
		Expect(body).To(ContainSubstring(`<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">`))
		Expect(body).To(ContainSubstring(`<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">`))
		Expect(body).To(ContainSubstring(`<User><DisplayName>Ken Myer</DisplayName><AutoDiscoverSMTPAddress>` + ken + `</AutoDiscoverSMTPAddress></User>`))
		Expect(body).To(ContainSubstring(`<Protocol><Type>EXPR</Type><EwsUrl>` + w.base + `/EWS/Exchange.asmx</EwsUrl></Protocol>`))
	})

	It("answers Response/Error for another user's address or a mailbox not on Exchange 2013", func() {
		_, err := w.userClient(ken).Autodiscover(ctx, pilar)
		Expect(code(err)).To(Equal("500"))
		_, err = w.userClient(old).Autodiscover(ctx, "")
		Expect(code(err)).To(Equal("500"))
		Expect(err.Error()).To(ContainSubstring("no Exchange 2013 mailbox"))
	})

	It("refuses other methods with 405 and unknown paths with 404", func() {
		resp, err := http.Get(w.base + "/autodiscover/autodiscover.xml")
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
		Expect(resp.Header.Get("Allow")).To(Equal("POST"))
		status, _, _ := post(w.base, "/owa/", "", basicHeader(ken))
		Expect(status).To(Equal(http.StatusNotFound))
	})
})
