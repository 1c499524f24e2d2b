package enginetest_test

import (
	"context"
	"time"

	"github.com/benbjohnson/clock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
)

var _ = Describe("The in-memory Exchange", func() {
	const mbox = "ken@litwareinc.com"
	var (
		x       *enginetest.Exchange
		clk     *clock.Mock
		changes []bool
		ctx     = context.Background()
	)
	BeforeEach(func() {
		clk = clock.NewMock()
		changes = nil
		x = enginetest.New(enginetest.Config{Clock: clk, MaxContacts: 3, MaxGroups: 2,
			OnChange: func(_ string, byServer bool) { changes = append(changes, byServer) }})
		x.AddMailbox(mbox, engine.MailboxExchange2013)
	})
	groupOf := func(l engine.ImList, t engine.GroupType) engine.ImGroup {
		for _, g := range l.Groups {
			if g.Type == t {
				return g
			}
		}
		Fail("no group of type " + string(t))
		return engine.ImGroup{}
	}

	It("creates the three system groups on GetImItemList", func() {
		l, err := x.GetImItemList(ctx, mbox)
		Expect(err).NotTo(HaveOccurred())
		Expect(l.Groups).To(HaveLen(3))
		Expect(groupOf(l, engine.GroupOtherContacts).DisplayName).To(Equal("Other Contacts"))
		Expect(changes).To(BeEmpty(), "a read is not a change")
	})

	It("finds contacts by IM address instead of duplicating them, and enforces the contact limit", func() {
		a, err := x.AddNewImContactToGroup(ctx, mbox, "sip:A@fabrikam.com", "A", engine.ItemID{})
		Expect(err).NotTo(HaveOccurred())
		g, err := x.AddImGroup(ctx, mbox, "Team")
		Expect(err).NotTo(HaveOccurred())
		again, err := x.AddNewImContactToGroup(ctx, mbox, "a@fabrikam.com", "", g.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(again.ID).To(Equal(a.ID))
		l, _, _ := x.List(mbox)
		Expect(l.Contacts).To(HaveLen(1))
		Expect(groupOf(l, engine.GroupUser).Members).To(ConsistOf(engine.ItemID{ID: a.ID.ID}))
		for _, addr := range []string{"b@f.com", "c@f.com"} {
			_, err = x.AddNewImContactToGroup(ctx, mbox, addr, "", engine.ItemID{})
			Expect(err).NotTo(HaveOccurred())
		}
		_, err = x.AddNewImContactToGroup(ctx, mbox, "d@f.com", "", engine.ItemID{})
		Expect(engine.ExchangeCode(err)).To(Equal(engine.CodeImContactLimit))
		Expect(changes).To(HaveLen(5))
		Expect(changes[0]).To(BeTrue())
	})

	It("returns the existing group for a known name and enforces the group limit", func() {
		g1, _ := x.AddImGroup(ctx, mbox, "Team")
		g2, _ := x.AddImGroup(ctx, mbox, "team")
		Expect(g2.ID).To(Equal(g1.ID))
		_, err := x.AddImGroup(ctx, mbox, "Friends")
		Expect(err).NotTo(HaveOccurred())
		_, err = x.AddImGroup(ctx, mbox, "Family")
		Expect(engine.ExchangeCode(err)).To(Equal(engine.CodeImGroupLimit))
	})

	It("deletes on RemoveImGroup only the members in no other group", func() {
		g, _ := x.AddImGroup(ctx, mbox, "Team")
		only, _ := x.AddNewImContactToGroup(ctx, mbox, "only@f.com", "", g.ID)
		both, _ := x.AddNewImContactToGroup(ctx, mbox, "both@f.com", "", g.ID)
		Expect(x.AddImContactToGroup(ctx, mbox, both.ID, engine.ItemID{})).To(Succeed())
		Expect(x.RemoveImGroup(ctx, mbox, g.ID)).To(Succeed())
		l, _, _ := x.List(mbox)
		Expect(l.Contacts).To(HaveLen(1))
		Expect(l.Contacts[0].IMAddress).To(Equal("both@f.com"))
		Expect(engine.ExchangeCode(x.RemoveContactFromImList(ctx, mbox, only.ID))).To(Equal(engine.CodeInvalidImContactID))
		Expect(engine.ExchangeCode(x.RemoveImGroup(ctx, mbox, groupOf(l, engine.GroupFavorites).ID))).To(Equal(engine.CodeInvalidImGroupID))
	})

	It("injects faults into the server's calls until they expire, never into Outlook's", func() {
		x.SetFault(enginetest.Fault{Kind: engine.FaultDown, Until: clk.Now().Add(time.Minute)})
		_, err := x.GetImItemList(ctx, mbox)
		var te *engine.TransportError
		Expect(err).To(BeAssignableToTypeOf(te))
		Expect(err.Error()).To(Equal("GetImItemList: HTTP 503"))
		Expect(x.OutlookAddContact(mbox, "o@f.com", "")).To(Succeed())
		clk.Add(time.Minute)
		_, err = x.GetImItemList(ctx, mbox)
		Expect(err).NotTo(HaveOccurred())

		x.SetFault(enginetest.Fault{Kind: engine.FaultUnauthorized, Mailbox: mbox})
		Expect(engine.Unauthorized(x.SetImListMigrationCompleted(ctx, mbox, true))).To(BeTrue())
		x.SetFault(enginetest.Fault{Kind: engine.FaultBusy, Mailbox: mbox, BackOff: 3 * time.Second})
		err = x.SetImListMigrationCompleted(ctx, mbox, true)
		Expect(engine.ExchangeCode(err)).To(Equal(engine.CodeServerBusy))
		Expect(err.(*engine.ExchangeError).BackOff).To(Equal(3 * time.Second))
		x.SetFault(enginetest.Fault{Mailbox: mbox})
		Expect(x.SetImListMigrationCompleted(ctx, mbox, true)).To(Succeed())
		Expect(x.Calls("SetImListMigrationCompleted")).To(Equal(3))
	})

	It("answers ErrorNonExistentMailbox without an Exchange 2013 mailbox", func() {
		x.AddMailbox("old@litwareinc.com", engine.MailboxExchange2010)
		_, err := x.GetImItemList(ctx, "old@litwareinc.com")
		Expect(engine.ExchangeCode(err)).To(Equal(engine.CodeNonExistentMailbox))
		_, err = x.GetImItemList(ctx, "nobody@litwareinc.com")
		Expect(engine.ExchangeCode(err)).To(Equal(engine.CodeNonExistentMailbox))
	})
})
