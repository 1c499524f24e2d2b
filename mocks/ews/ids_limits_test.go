package ews_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

var _ = Describe("ids", func() {
	It("keep every persona's Quick Contact SourceId equal to its group MemberCorrelationKey", func() {
		w := newWorld()
		Expect(w.srv.Seed(ken, []ews.SeedContact{
			{IMAddress: "sip:pilar@litwareinc.com", DisplayName: "Pilar Ackerman", Groups: []string{"Team", "Favorites"}},
			{IMAddress: "ben@litwareinc.com", Groups: []string{"~"}},
			{IMAddress: "tag@litwareinc.com", Groups: []string{"Friends", "Tagged"}},
		})).To(Succeed())
		l, err := w.userClient(ken).GetImItemList(ctx, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(l.Contacts).To(HaveLen(3))
		members := map[string]int{}
		for _, g := range l.Groups {
			for _, m := range g.Members {
				members[m.ID]++
			}
		}
		for _, c := range l.Contacts {
			Expect(members).To(HaveKey(c.ID.ID), "persona %s", c.IMAddress)
		}
		Expect(members[l.Contacts[0].ID.ID]).To(Equal(2))
		By("accepting that id as ContactId")
		Expect(w.userClient(ken).AddImContactToGroup(ctx, ken, l.Contacts[1].ID, byName(l, "Team").ID)).To(Succeed())
	})

	It("derive from the seed: same seed, same ids; another seed, other ids", func() {
		ids := func(seed uint64) []string {
			w := newWorld(func(c *ews.Config) { c.Seed = seed })
			Expect(w.srv.Seed(ken, []ews.SeedContact{{IMAddress: "a@b.c", Groups: []string{"Team"}}})).To(Succeed())
			l, _, _ := w.srv.List(ken)
			var out []string
			for _, g := range l.Groups {
				out = append(out, g.ID.ID, g.ID.ChangeKey)
			}
			return append(out, l.Contacts[0].ID.ID, l.Contacts[0].PersonaID)
		}
		Expect(ids(7)).To(Equal(ids(7)))
		Expect(ids(7)).NotTo(Equal(ids(8)))
	})

	It("of another mailbox are unknown here", func() {
		w := newWorld()
		lx := w.engineClient()
		p, err := lx.AddNewImContactToGroup(ctx, pilar, "x@litwareinc.com", "", engine.ItemID{})
		Expect(err).NotTo(HaveOccurred())
		err = lx.RemoveContactFromImList(ctx, ken, p.ID)
		Expect(code(err)).To(Equal(engine.CodeInvalidImContactID))
	})
})

var _ = Describe("limits", func() {
	It("refuse the contact past maxContacts, naming the limit, and keep the list", func() {
		w := newWorld(func(c *ews.Config) { c.MaxContacts = 3 })
		lx := w.engineClient()
		for i := range 3 {
			_, err := lx.AddNewImContactToGroup(ctx, ken, fmt.Sprintf("c%d@litwareinc.com", i), "", engine.ItemID{})
			Expect(err).NotTo(HaveOccurred())
		}
		_, err := lx.AddNewImContactToGroup(ctx, ken, "c3@litwareinc.com", "", engine.ItemID{})
		Expect(code(err)).To(Equal(engine.CodeImContactLimit))
		Expect(err.Error()).To(ContainSubstring("maximum of 3"))
		_, err = lx.AddNewImContactToGroup(ctx, ken, "c0@litwareinc.com", "", engine.ItemID{})
		Expect(err).NotTo(HaveOccurred(), "an existing contact is found, not created")
		l, _, _ := w.srv.List(ken)
		Expect(l.Contacts).To(HaveLen(3))
	})

	It("default to 1000 contacts", func() {
		w := newWorld()
		var seed []ews.SeedContact
		for i := range 1000 {
			seed = append(seed, ews.SeedContact{IMAddress: fmt.Sprintf("u%04d@litwareinc.com", i)})
		}
		Expect(w.srv.Seed(ken, seed)).To(Succeed())
		_, err := w.engineClient().AddNewImContactToGroup(ctx, ken, "one.more@litwareinc.com", "", engine.ItemID{})
		Expect(code(err)).To(Equal(engine.CodeImContactLimit))
		Expect(err.Error()).To(ContainSubstring("1000"))
	})

	It("count user and DG groups against maxGroups (default 64), system groups aside", func() {
		w := newWorld()
		lx := w.engineClient()
		for i := range 63 {
			_, err := lx.AddImGroup(ctx, ken, fmt.Sprintf("G%d", i))
			Expect(err).NotTo(HaveOccurred())
		}
		_, err := lx.AddDistributionGroupToImList(ctx, ken, "dl@litwareinc.com", "DL")
		Expect(err).NotTo(HaveOccurred())
		_, err = lx.AddImGroup(ctx, ken, "G64")
		Expect(code(err)).To(Equal(engine.CodeImGroupLimit))
		Expect(err.Error()).To(ContainSubstring("64"))
		_, err = lx.AddImGroup(ctx, ken, "g0")
		Expect(err).NotTo(HaveOccurred(), "an existing name is returned, not created")
		l, _, _ := w.srv.List(ken)
		Expect(l.Groups).To(HaveLen(67))
	})

	It("make Seed all-or-nothing", func() {
		w := newWorld(func(c *ews.Config) { c.MaxContacts = 1 })
		err := w.srv.Seed(ken, []ews.SeedContact{{IMAddress: "a@b.c"}, {IMAddress: "d@b.c"}})
		Expect(err).To(MatchError(ContainSubstring("maximum of 1")))
		l, migrated, _ := w.srv.List(ken)
		Expect(l.Contacts).To(BeEmpty())
		Expect(l.Groups).To(BeEmpty())
		Expect(migrated).To(BeFalse())
		Expect(w.srv.Seed(ken, []ews.SeedContact{{IMAddress: "no-at-sign"}})).To(MatchError(ContainSubstring("alias@domain")))
		Expect(w.srv.Seed("nobody@x.y", nil)).To(MatchError(ContainSubstring("no mailbox")))
		Expect(w.srv.Seed(old, nil)).To(MatchError(ContainSubstring("no Exchange 2013 mailbox")))
	})
})
