package ews_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

var _ = Describe("server lifecycle and mailboxes", func() {
	It("listens on loopback only, once", func() {
		srv := ews.NewServer(ews.Config{})
		_, err := srv.Start("0.0.0.0:0")
		Expect(err).To(MatchError(ContainSubstring("not a loopback address")))
		_, err = srv.Start("nonsense")
		Expect(err).To(HaveOccurred())
		base, err := srv.Start("127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		Expect(base).To(HavePrefix("http://127.0.0.1:"))
		Expect(srv.BaseURL()).To(Equal(base))
		_, err = srv.Start("127.0.0.1:0")
		Expect(err).To(MatchError(ContainSubstring("already started")))
		Expect(srv.Close()).To(Succeed())
	})

	It("keeps a mailbox's content when it moves off Exchange 2013, answering ErrorNonExistentMailbox meanwhile", func() {
		w := newWorld()
		Expect(w.srv.Seed(ken, []ews.SeedContact{{IMAddress: "pilar@litwareinc.com"}})).To(Succeed())
		Expect(w.srv.SetMailboxKind(ken, engine.MailboxExchange2010)).To(Succeed())
		_, err := w.engineClient().GetImItemList(ctx, ken)
		Expect(code(err)).To(Equal(engine.CodeNonExistentMailbox))
		Expect(w.srv.SetMailboxKind(ken, engine.MailboxExchange2013)).To(Succeed())
		l, err := w.engineClient().GetImItemList(ctx, ken)
		Expect(err).NotTo(HaveOccurred())
		Expect(addresses(l)).To(Equal([]string{"pilar@litwareinc.com"}))
		Expect(w.srv.SetMailboxKind("ghost@litwareinc.com", engine.MailboxNone)).To(MatchError(ContainSubstring("no mailbox")))
		_, _, err = w.srv.List("ghost@litwareinc.com")
		Expect(err).To(MatchError(ContainSubstring("no mailbox")))
	})

	It("works without a clock, sleeper or counter (serve mode)", func() {
		srv := ews.NewServer(ews.Config{TrustKey: trustKey})
		srv.AddMailbox(ken, "Ken Myer", "")
		base, err := srv.Start("127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		srv.SetFault(ews.Fault{Kind: engine.FaultSlow, Latency: 1e12})
		_, err = ews.NewClient(ews.ClientConfig{BaseURL: base, Basic: ken}).GetImItemList(ctx, "")
		Expect(err).NotTo(HaveOccurred(), "without a Sleeper a slow fault holds nothing")
	})
})
