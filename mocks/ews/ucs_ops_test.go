package ews_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

var _ = Describe("UCS operations", func() {
	var (
		w  *world
		lx interface {
			engine.Exchange
		}
	)
	BeforeEach(func() {
		w = newWorld()
		lx = w.engineClient()
	})

	Describe("GetImItemList", func() {
		It("creates the three system groups of an empty mailbox", func() {
			l, err := lx.GetImItemList(ctx, ken)
			Expect(err).NotTo(HaveOccurred())
			Expect(l.Groups).To(HaveLen(3))
			Expect([]engine.GroupType{l.Groups[0].Type, l.Groups[1].Type, l.Groups[2].Type}).To(Equal(
				[]engine.GroupType{engine.GroupOtherContacts, engine.GroupFavorites, engine.GroupTagged}))
			Expect(byName(l, "Other Contacts").Members).To(BeEmpty())
			Expect(l.Contacts).To(BeEmpty())
			again, err := lx.GetImItemList(ctx, ken)
			Expect(err).NotTo(HaveOccurred())
			Expect(again).To(Equal(l), "reading twice creates nothing more")
		})
	})

	Describe("AddNewImContactToGroup", func() {
		It("stores the address without sip:, in Other Contacts by default, and finds it again", func() {
			p, err := lx.AddNewImContactToGroup(ctx, ken, "sip:Pilar@litwareinc.com", "Pilar Ackerman", engine.ItemID{})
			Expect(err).NotTo(HaveOccurred())
			Expect(p.IMAddress).To(Equal("Pilar@litwareinc.com"))
			Expect(p.DisplayName).To(Equal("Pilar Ackerman"))
			Expect(p.ID.ID).NotTo(BeEmpty())
			Expect(p.PersonaID).NotTo(Equal(p.ID.ID))

			again, err := lx.AddNewImContactToGroup(ctx, ken, "pilar@LITWAREINC.com", "", engine.ItemID{})
			Expect(err).NotTo(HaveOccurred())
			Expect(again.ID.ID).To(Equal(p.ID.ID), "matched case-insensitively, not duplicated")

			l, _, err := w.srv.List(ken)
			Expect(err).NotTo(HaveOccurred())
			Expect(addresses(l)).To(Equal([]string{"Pilar@litwareinc.com"}))
			Expect(byName(l, "Other Contacts").Members).To(ConsistOf(HaveField("ID", p.ID.ID)))
		})

		It("adds into the named group and refuses an address that is not alias@domain", func() {
			g, err := lx.AddImGroup(ctx, ken, "Team")
			Expect(err).NotTo(HaveOccurred())
			_, err = lx.AddNewImContactToGroup(ctx, ken, "pilar@litwareinc.com", "", g.ID)
			Expect(err).NotTo(HaveOccurred())
			l, _, _ := w.srv.List(ken)
			Expect(byName(l, "Team").Members).To(HaveLen(1))
			Expect(byName(l, "Other Contacts").Members).To(BeEmpty())

			_, err = lx.AddNewImContactToGroup(ctx, ken, "not an address", "", engine.ItemID{})
			Expect(code(err)).To(Equal("ErrorInvalidImContactAddress"))
		})

		It("names malformed and unknown group ids precisely", func() {
			_, err := lx.AddNewImContactToGroup(ctx, ken, "a@b.c", "", engine.ItemID{ID: "%%%"})
			Expect(code(err)).To(Equal(engine.CodeInvalidIDMalformed))
			p, err := lx.AddNewImContactToGroup(ctx, ken, "a@b.c", "", engine.ItemID{})
			Expect(err).NotTo(HaveOccurred())
			_, err = lx.AddNewImContactToGroup(ctx, ken, "d@b.c", "", p.ID)
			Expect(code(err)).To(Equal(engine.CodeInvalidImGroupID), "a contact id is the wrong kind for GroupId")
		})
	})

	Describe("AddNewTelUriContactToGroup", func() {
		It("keys the contact on its tel URI", func() {
			c := w.engineClient()
			p, err := c.AddNewTelUriContactToGroup(ctx, ken, "tel:+14255550100", "sip:phone@litwareinc.com", "+1 425 555 0100", engine.ItemID{})
			Expect(err).NotTo(HaveOccurred())
			again, err := c.AddNewTelUriContactToGroup(ctx, ken, "tel:+14255550100", "sip:other@litwareinc.com", "x", engine.ItemID{})
			Expect(err).NotTo(HaveOccurred())
			Expect(again.ID.ID).To(Equal(p.ID.ID))
			Expect(p.DisplayName).To(Equal("+1 425 555 0100"))
			_, err = c.AddNewTelUriContactToGroup(ctx, ken, "+14255550100", "sip:phone@litwareinc.com", "x", engine.ItemID{})
			Expect(code(err)).To(Equal("ErrorInvalidImContactAddress"))
		})
	})

	Describe("AddImContactToGroup and RemoveImContactFromGroup", func() {
		It("adds a membership once and drops it again", func() {
			c := w.engineClient()
			team, _ := c.AddImGroup(ctx, ken, "Team")
			p, _ := c.AddNewImContactToGroup(ctx, ken, "pilar@litwareinc.com", "", engine.ItemID{})
			Expect(c.AddImContactToGroup(ctx, ken, p.ID, team.ID)).To(Succeed())
			Expect(c.AddImContactToGroup(ctx, ken, p.ID, team.ID)).To(Succeed(), "adding an existing membership is a no-op")
			l, _, _ := w.srv.List(ken)
			Expect(byName(l, "Team").Members).To(HaveLen(1))

			other := byName(l, "Other Contacts").ID
			Expect(c.RemoveImContactFromGroup(ctx, ken, p.ID, other)).To(Succeed())
			l, _, _ = w.srv.List(ken)
			Expect(addresses(l)).To(Equal([]string{"pilar@litwareinc.com"}), "still in Team")
			Expect(c.RemoveImContactFromGroup(ctx, ken, p.ID, other)).To(Succeed(), "not a member: no-op")
			Expect(code(c.RemoveImContactFromGroup(ctx, ken, p.ID, p.ID))).To(Equal(engine.CodeInvalidImGroupID))
			Expect(code(c.RemoveImContactFromGroup(ctx, ken, team.ID, team.ID))).To(Equal(engine.CodeInvalidImContactID))
			Expect(code(c.AddImContactToGroup(ctx, ken, p.ID, engine.ItemID{ID: "QUJD"}))).To(Equal(engine.CodeInvalidIDMalformed))
		})

		It("deletes a contact left only in Tagged", func() {
			c := w.engineClient()
			l, _ := c.GetImItemList(ctx, ken)
			p, _ := c.AddNewImContactToGroup(ctx, ken, "pilar@litwareinc.com", "", engine.ItemID{})
			Expect(c.AddImContactToGroup(ctx, ken, p.ID, byName(l, "Tagged").ID)).To(Succeed())
			Expect(c.RemoveImContactFromGroup(ctx, ken, p.ID, byName(l, "Other Contacts").ID)).To(Succeed())
			after, _, _ := w.srv.List(ken)
			Expect(after.Contacts).To(BeEmpty())
			Expect(byName(after, "Tagged").Members).To(BeEmpty())
			err := c.AddImContactToGroup(ctx, ken, p.ID, engine.ItemID{})
			Expect(code(err)).To(Equal(engine.CodeInvalidImContactID))
		})
	})

	Describe("RemoveContactFromImList", func() {
		It("removes the contact from every group and deletes it; a second call names the id", func() {
			team, _ := lx.AddImGroup(ctx, ken, "Team")
			p, _ := lx.AddNewImContactToGroup(ctx, ken, "pilar@litwareinc.com", "", team.ID)
			Expect(lx.AddImContactToGroup(ctx, ken, p.ID, engine.ItemID{})).To(Succeed())
			Expect(lx.RemoveContactFromImList(ctx, ken, p.ID)).To(Succeed())
			l, _, _ := w.srv.List(ken)
			Expect(l.Contacts).To(BeEmpty())
			for _, g := range l.Groups {
				Expect(g.Members).To(BeEmpty())
			}
			err := lx.RemoveContactFromImList(ctx, ken, p.ID)
			Expect(code(err)).To(Equal(engine.CodeInvalidImContactID))
			Expect(err.Error()).To(ContainSubstring(p.ID.ID))
		})
	})

	Describe("AddImGroup, SetImGroup and RemoveImGroup", func() {
		It("returns the existing group for the same name in any case", func() {
			a, err := lx.AddImGroup(ctx, ken, "Team")
			Expect(err).NotTo(HaveOccurred())
			Expect(a.Type).To(Equal(engine.GroupUser))
			b, err := lx.AddImGroup(ctx, ken, "TEAM")
			Expect(err).NotTo(HaveOccurred())
			Expect(b.ID.ID).To(Equal(a.ID.ID))
			_, err = lx.AddImGroup(ctx, ken, "")
			Expect(code(err)).To(Equal("ErrorInvalidImGroupDisplayName"))
		})

		It("renames user groups only, refusing names in use", func() {
			c := w.engineClient()
			team, _ := c.AddImGroup(ctx, ken, "Team")
			_, _ = c.AddImGroup(ctx, ken, "Friends")
			Expect(c.SetImGroup(ctx, ken, team.ID, "Crew")).To(Succeed())
			l, _, _ := w.srv.List(ken)
			crew := byName(l, "Crew")
			Expect(crew.ID.ID).To(Equal(team.ID.ID))
			Expect(crew.ID.ChangeKey).NotTo(Equal(team.ID.ChangeKey), "ChangeKey changes on each change")

			Expect(code(c.SetImGroup(ctx, ken, team.ID, "friends"))).To(Equal(engine.CodeGroupNameExists))
			Expect(code(c.SetImGroup(ctx, ken, byName(l, "Favorites").ID, "Faves"))).To(Equal(engine.CodeInvalidImGroupID))
		})

		It("deletes a user group and the members in no other group, Tagged not counted", func() {
			c := w.engineClient()
			l, _ := c.GetImItemList(ctx, ken)
			team, _ := c.AddImGroup(ctx, ken, "Team")
			_, _ = c.AddNewImContactToGroup(ctx, ken, "only@litwareinc.com", "", team.ID)
			tagged, _ := c.AddNewImContactToGroup(ctx, ken, "tagged@litwareinc.com", "", team.ID)
			both, _ := c.AddNewImContactToGroup(ctx, ken, "both@litwareinc.com", "", team.ID)
			Expect(c.AddImContactToGroup(ctx, ken, tagged.ID, byName(l, "Tagged").ID)).To(Succeed())
			Expect(c.AddImContactToGroup(ctx, ken, both.ID, engine.ItemID{})).To(Succeed())
			Expect(c.RemoveImGroup(ctx, ken, team.ID)).To(Succeed())
			after, _, _ := w.srv.List(ken)
			Expect(addresses(after)).To(Equal([]string{"both@litwareinc.com"}))
			Expect(after.Groups).To(HaveLen(3))
			Expect(code(c.RemoveImGroup(ctx, ken, team.ID))).To(Equal(engine.CodeInvalidImGroupID))
			Expect(code(c.RemoveImGroup(ctx, ken, byName(l, "Other Contacts").ID))).To(Equal(engine.CodeInvalidImGroupID))
		})
	})

	Describe("distribution groups", func() {
		It("adds, reuses and removes DG groups only", func() {
			c := w.engineClient()
			dg, err := c.AddDistributionGroupToImList(ctx, ken, "sales@litwareinc.com", "Sales")
			Expect(err).NotTo(HaveOccurred())
			Expect(dg.Type).To(Equal(engine.GroupDG))
			Expect(dg.SmtpAddress).To(Equal("sales@litwareinc.com"))
			again, err := c.AddDistributionGroupToImList(ctx, ken, "sales@litwareinc.com", "Sales")
			Expect(err).NotTo(HaveOccurred())
			Expect(again.ID.ID).To(Equal(dg.ID.ID))

			_, err = c.AddDistributionGroupToImList(ctx, ken, "sales", "Sales2")
			Expect(code(err)).To(Equal(engine.CodeInvalidDGSmtpAddress))

			team, _ := c.AddImGroup(ctx, ken, "Team")
			Expect(code(c.RemoveDistributionGroupFromImList(ctx, ken, team.ID))).To(Equal(engine.CodeInvalidImGroupID))
			Expect(code(c.RemoveImGroup(ctx, ken, dg.ID))).To(Equal(engine.CodeInvalidImGroupID))
			Expect(c.RemoveDistributionGroupFromImList(ctx, ken, dg.ID)).To(Succeed())
			l, _, _ := w.srv.List(ken)
			Expect(l.Groups).To(HaveLen(4))
		})
	})

	Describe("GetImItems", func() {
		It("answers the named items and leaves unknown ids out", func() {
			c := w.engineClient()
			team, _ := c.AddImGroup(ctx, ken, "Team")
			p, _ := c.AddNewImContactToGroup(ctx, ken, "pilar@litwareinc.com", "", team.ID)
			gone, _ := c.AddNewImContactToGroup(ctx, ken, "gone@litwareinc.com", "", team.ID)
			Expect(c.RemoveContactFromImList(ctx, ken, gone.ID)).To(Succeed())
			l, err := c.GetImItems(ctx, ken, []engine.ItemID{p.ID, gone.ID}, []engine.ItemID{team.ID})
			Expect(err).NotTo(HaveOccurred())
			Expect(addresses(l)).To(Equal([]string{"pilar@litwareinc.com"}))
			Expect(l.Groups).To(HaveLen(1))
			Expect(l.Groups[0].Members).To(ConsistOf(HaveField("ID", p.ID.ID)))
		})
	})

	Describe("SetImListMigrationCompleted", func() {
		It("sets and clears the flag idempotently, for the Lync Server only", func() {
			Expect(lx.SetImListMigrationCompleted(ctx, ken, true)).To(Succeed())
			Expect(lx.SetImListMigrationCompleted(ctx, ken, true)).To(Succeed())
			_, migrated, _ := w.srv.List(ken)
			Expect(migrated).To(BeTrue())
			err := w.userClient(ken).SetImListMigrationCompleted(ctx, ken, false)
			Expect(code(err)).To(Equal(engine.CodeAccessDenied))
			_, migrated, _ = w.srv.List(ken)
			Expect(migrated).To(BeTrue())
			Expect(lx.SetImListMigrationCompleted(ctx, ken, false)).To(Succeed())
			_, migrated, _ = w.srv.List(ken)
			Expect(migrated).To(BeFalse())
		})
	})

	Describe("change signals", func() {
		It("fires OnChange for each change, saying who changed it, and not for reads or no-ops", func() {
			p, _ := lx.AddNewImContactToGroup(ctx, ken, "pilar@litwareinc.com", "", engine.ItemID{})
			_, _ = lx.AddNewImContactToGroup(ctx, ken, "pilar@litwareinc.com", "", engine.ItemID{})
			_, _ = lx.GetImItemList(ctx, ken)
			Expect(lx.SetImListMigrationCompleted(ctx, ken, true)).To(Succeed())
			Expect(w.userClient(ken).RemoveContactFromImList(ctx, ken, p.ID)).To(Succeed())
			Expect(w.srv.OutlookAddContact(ken, "sip:ben@litwareinc.com", "Ben Miller")).To(Succeed())
			Expect(w.Changes()).To(Equal([]string{
				ken + " by server", ken + " by client", ken + " by client",
			}))
			l, _, _ := w.srv.List(ken)
			Expect(l.Contacts).To(ConsistOf(HaveField("IMAddress", "ben@litwareinc.com")))
			Expect(byName(l, "Other Contacts").Members).To(HaveLen(1))
		})
	})
})

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
