package ews_test

import (
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/mocks/ews"
)

var _ = Describe("malformed requests", func() {
	var w *world
	BeforeEach(func() {
		w = newWorld()
		_, err := w.engineClient().GetImItemList(ctx, ken)
		Expect(err).NotTo(HaveOccurred())
	})

	DescribeTable("answer a SOAP fault with the precise code and change nothing",
		func(body, wantCode, wantText string) {
			before, _, _ := w.srv.List(ken)
			status, h, answer := post(w.base, "/EWS/Exchange.asmx", body, basicHeader(ken))
			Expect(status).To(Equal(http.StatusInternalServerError))
			Expect(h.Get("Content-Type")).To(Equal("text/xml; charset=utf-8"))
			Expect(answer).To(ContainSubstring(`<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:` + wantCode + `</faultcode>`))
			Expect(answer).To(ContainSubstring(`<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">` + wantCode + `</e:ResponseCode>`))
			Expect(answer).To(ContainSubstring(wantText))
			after, _, _ := w.srv.List(ken)
			Expect(after).To(Equal(before))
			j := w.srv.Journal()
			Expect(j[len(j)-1].Result).To(Equal(wantCode))
		},
		Entry("not XML", "hello", "ErrorSchemaValidation", "not well-formed XML"),
		Entry("empty body", "", "ErrorSchemaValidation", "not well-formed XML"),
		Entry("unclosed element", envelope("", `<m:AddImGroup><m:DisplayName>x</m:AddImGroup>`), "ErrorSchemaValidation", "not well-formed"),
		Entry("not a SOAP envelope", `<Envelope><Body><GetImItemList/></Body></Envelope>`, "ErrorSchemaValidation", "not a SOAP 1.1 Envelope"),
		Entry("SOAP 1.2 namespace", `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>`, "ErrorSchemaValidation", "not a SOAP 1.1 Envelope"),
		Entry("no body element", envelope("", ""), "ErrorSchemaValidation", "no operation element"),
		Entry("operation in the types namespace", envelope("", `<t:GetImItemList/>`), "ErrorSchemaValidation", "not http://schemas.microsoft.com/exchange/services/2006/messages"),
		Entry("https namespace", strings.Replace(envelope("", getList), "http://schemas.microsoft.com/exchange/services/2006/messages", "https://schemas.microsoft.com/exchange/services/2006/messages", 1), "ErrorSchemaValidation", "not http://"),
		Entry("unknown operation", envelope("", `<m:CreateItem/>`), "ErrorInvalidRequest", "CreateItem is not offered"),
		Entry("missing required child", envelope("", `<m:AddImGroup/>`), "ErrorSchemaValidation", "DisplayName is missing"),
		Entry("ContactId without Id", envelope("", `<m:RemoveContactFromImList><m:ContactId/></m:RemoveContactFromImList>`), "ErrorSchemaValidation", "ContactId with an Id attribute is missing"),
		Entry("SetImListMigrationCompleted by a Basic user", envelope("", `<m:SetImListMigrationCompleted><m:ImListMigrationCompleted>yes</m:ImListMigrationCompleted></m:SetImListMigrationCompleted>`), "ErrorAccessDenied", "only the Lync Server"),
		Entry("another user's folder", envelope("", `<m:FindItem><m:ParentFolderIds><t:DistinguishedFolderId Id="quickcontacts"><t:Mailbox><t:EmailAddress>`+pilar+`</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:ParentFolderIds></m:FindItem>`), "ErrorAccessDenied", "not open to this caller"),
		Entry("FindFolder without parents", envelope("", `<m:FindFolder/>`), "ErrorSchemaValidation", "ParentFolderIds is missing"),
		Entry("oversized body", envelope("", `<m:AddImGroup><m:DisplayName>`+strings.Repeat("x", 1<<20)+`</m:DisplayName></m:AddImGroup>`), "ErrorInvalidRequest", "exceeds 1048576 bytes"),
		Entry("deeply nested", envelope("", `<m:AddImGroup>`+strings.Repeat("<a>", 100)+strings.Repeat("</a>", 100)+`</m:AddImGroup>`), "ErrorSchemaValidation", "nested deeper"),
	)

	It("refuses a flag that is not a boolean, even from the Lync Server", func() {
		tok := ews.SignToken(trustKey, "lync", w.sched.Now(), time.Hour)
		status, _, answer := post(w.base, "/EWS/Exchange.asmx",
			envelope("", `<m:SetImListMigrationCompleted><m:ImListMigrationCompleted>yes</m:ImListMigrationCompleted></m:SetImListMigrationCompleted>`),
			map[string]string{"Authorization": "Bearer " + tok, "X-AnchorMailbox": ken})
		Expect(status).To(Equal(http.StatusInternalServerError))
		Expect(answer).To(ContainSubstring(`ImListMigrationCompleted &#34;yes&#34; is not a boolean`))
		_, migrated, _ := w.srv.List(ken)
		Expect(migrated).To(BeFalse())
	})

	It("reads request children by local name whatever their prefix", func() {
		body := `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>` +
			`<AddImGroup xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><DisplayName>Team</DisplayName><Unknown/></AddImGroup>` +
			`</S:Body></S:Envelope>`
		status, _, answer := post(w.base, "/ews/exchange.asmx", body, basicHeader(ken))
		Expect(status).To(Equal(http.StatusOK))
		Expect(answer).To(ContainSubstring(`<m:AddImGroupResponse ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:ImGroup><t:DisplayName>Team</t:DisplayName>`))
	})
})
