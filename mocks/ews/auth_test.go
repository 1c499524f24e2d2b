package ews_test

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

const getList = `<m:GetImItemList/>`

var _ = Describe("authentication", func() {
	var w *world
	BeforeEach(func() { w = newWorld() })

	It("reaches nothing anonymously: 401 with both challenges and no body", func() {
		for _, path := range []string{"/EWS/Exchange.asmx", "/autodiscover/autodiscover.xml"} {
			status, h, body := post(w.base, path, envelope("", getList), nil)
			Expect(status).To(Equal(http.StatusUnauthorized))
			Expect(h.Values("WWW-Authenticate")).To(ConsistOf(`Basic realm="ucssim"`, "Bearer"))
			Expect(body).To(BeEmpty())
		}
	})

	It("refuses a Basic user without a mailbox and a malformed header with 401", func() {
		_, err := w.userClient("nobody@litwareinc.com").GetImItemList(ctx, "")
		Expect(engine.Unauthorized(err)).To(BeTrue())
		status, _, _ := post(w.base, "/EWS/Exchange.asmx", envelope("", getList), map[string]string{"Authorization": "Basic !!!"})
		Expect(status).To(Equal(http.StatusUnauthorized))
	})

	It("lets a Basic user reach its own mailbox only", func() {
		own := w.userClient(ken)
		_, err := own.AddNewImContactToGroup(ctx, ken, "pilar@litwareinc.com", "", engine.ItemID{})
		Expect(err).NotTo(HaveOccurred())
		_, err = own.GetImItemList(ctx, pilar)
		Expect(code(err)).To(Equal(engine.CodeImpersonateDenied))
		status, _, body := post(w.base, "/EWS/Exchange.asmx", envelope("", getList),
			map[string]string{"Authorization": "Basic " + b64(ken+":x"), "X-AnchorMailbox": pilar})
		Expect(status).To(Equal(http.StatusInternalServerError))
		Expect(body).To(ContainSubstring("ErrorAccessDenied"))
		l, _, _ := w.srv.List(pilar)
		Expect(l.Groups).To(BeEmpty(), "the other mailbox was not touched")
	})

	It("lets the Lync Server reach any mailbox with a signed Bearer token and impersonation", func() {
		lx := w.engineClient()
		_, err := lx.GetImItemList(ctx, pilar)
		Expect(err).NotTo(HaveOccurred())
		_, err = lx.GetImItemList(ctx, "")
		Expect(code(err)).To(Equal(engine.CodeAccessDenied), "no target named")
		_, err = lx.GetImItemList(ctx, old)
		Expect(code(err)).To(Equal(engine.CodeNonExistentMailbox))
		_, err = lx.GetImItemList(ctx, "ghost@litwareinc.com")
		Expect(code(err)).To(Equal(engine.CodeNonExistentMailbox))
	})

	It("accepts X-AnchorMailbox as the target and refuses it when it disagrees with impersonation", func() {
		tok := ews.SignToken(trustKey, "lync", w.sched.Now(), time.Hour)
		status, _, body := post(w.base, "/EWS/Exchange.asmx", envelope("", getList),
			map[string]string{"Authorization": "Bearer " + tok, "X-AnchorMailbox": pilar})
		Expect(status).To(Equal(http.StatusOK))
		Expect(body).To(ContainSubstring(`ResponseClass="Success"`))
		imp := `<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>` + ken + `</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
		status, _, body = post(w.base, "/EWS/Exchange.asmx", envelope(imp, getList),
			map[string]string{"Authorization": "Bearer " + tok, "X-AnchorMailbox": pilar})
		Expect(status).To(Equal(http.StatusInternalServerError))
		Expect(body).To(ContainSubstring("ErrorAccessDenied"))
	})

	It("answers 401 to Bearer when no trust is configured, or the token is forged or expired on the virtual clock", func() {
		untrusted := newWorld(func(c *ews.Config) { c.TrustKey = nil })
		_, err := untrusted.engineClient().GetImItemList(ctx, ken)
		Expect(engine.Unauthorized(err)).To(BeTrue())

		forged := ews.NewClient(ews.ClientConfig{BaseURL: w.base, Token: func() string {
			return ews.SignToken([]byte("other key"), "lync", w.sched.Now(), time.Hour)
		}})
		_, err = forged.GetImItemList(ctx, ken)
		Expect(engine.Unauthorized(err)).To(BeTrue())

		issued := w.sched.Now()
		fixed := ews.NewClient(ews.ClientConfig{BaseURL: w.base, Token: func() string {
			return ews.SignToken(trustKey, "lync", issued, time.Hour)
		}})
		_, err = fixed.GetImItemList(ctx, ken)
		Expect(err).NotTo(HaveOccurred())
		Expect(w.sched.Advance(time.Hour)).To(Succeed())
		_, err = fixed.GetImItemList(ctx, ken)
		Expect(engine.Unauthorized(err)).To(BeTrue(), "expired at issue + ttl of virtual time")
	})

	It("gets one token from a TokenSource for half its lifetime, which the server accepts until the trust changes", func() {
		src := ews.TokenSource(trustKey, "lync", w.sched.Now, time.Hour)
		first := src()
		Expect(w.sched.Advance(29 * time.Minute)).To(Succeed())
		Expect(src()).To(Equal(first), "reused while half its hour is left")
		lx := ews.NewClient(ews.ClientConfig{BaseURL: w.base, Token: src})
		_, err := lx.GetImItemList(ctx, ken)
		Expect(err).NotTo(HaveOccurred())
		Expect(w.sched.Advance(time.Minute)).To(Succeed())
		Expect(src()).NotTo(Equal(first), "signed anew after half an hour")
		_, err = lx.GetImItemList(ctx, ken)
		Expect(err).NotTo(HaveOccurred())

		w.srv.SetTrustKey([]byte("a new trust key"))
		_, err = lx.GetImItemList(ctx, ken)
		Expect(engine.Unauthorized(err)).To(BeTrue(), "a token accepted before is checked again under the new key")
		w.srv.SetTrustKey(trustKey)
		_, err = lx.GetImItemList(ctx, ken)
		Expect(err).NotTo(HaveOccurred())
	})

	It("refuses a user whose mailbox is not on Exchange 2013", func() {
		_, err := w.userClient(old).GetImItemList(ctx, "")
		Expect(code(err)).To(Equal(engine.CodeNonExistentMailbox))
	})
})
