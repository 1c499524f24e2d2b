package ews_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

var _ = Describe("ordinary EWS operations", func() {
	var (
		w      *world
		outlok *ews.Client
	)
	BeforeEach(func() {
		w = newWorld()
		Expect(w.srv.Seed(ken, []ews.SeedContact{
			{IMAddress: "pilar@litwareinc.com", DisplayName: "Pilar Ackerman", Groups: []string{"Team"}},
			{IMAddress: "ben@litwareinc.com", DisplayName: "Ben Miller", Groups: []string{"Team", "Favorites"}},
			{IMAddress: "kim@litwareinc.com", DisplayName: "Kim Akers"},
		})).To(Succeed())
		outlok = w.userClient(ken)
	})

	It("FindFolder on Contacts finds Lync Contacts and never the hidden IM Contact List", func() {
		fs, err := outlok.FindFolder(ctx, "", "contacts", "", false)
		Expect(err).NotTo(HaveOccurred())
		Expect(fs).To(HaveLen(1))
		Expect(fs[0].DisplayName).To(Equal("Lync Contacts"))
		Expect(fs[0].FolderClass).To(Equal("IPF.Contact.MOC.QuickContacts"))
		Expect(fs[0].TotalCount).To(Equal(3))

		deep, err := outlok.FindFolder(ctx, "", "msgfolderroot", "", true)
		Expect(err).NotTo(HaveOccurred())
		Expect(deep).To(HaveLen(2))
		Expect([]string{deep[0].DisplayName, deep[1].DisplayName}).To(Equal([]string{"Contacts", "Lync Contacts"}))

		byName, err := outlok.FindFolder(ctx, "", "msgfolderroot", "lync contacts", true)
		Expect(err).NotTo(HaveOccurred())
		Expect(byName).To(HaveLen(1))
		Expect(byName[0].ID).To(Equal(fs[0].ID))
		none, err := outlok.FindFolder(ctx, "", "contacts", "IM Contact List", true)
		Expect(err).NotTo(HaveOccurred())
		Expect(none).To(BeEmpty())
	})

	It("GetFolder reads a folder by distinguished id or folder id, the hidden one too", func() {
		f, err := outlok.GetFolder(ctx, "", "imcontactlist")
		Expect(err).NotTo(HaveOccurred())
		Expect(f.DisplayName).To(Equal("IM Contact List"))
		Expect(f.FolderClass).To(Equal("IPF.Contact.MOC.ImContactList"))
		Expect(f.TotalCount).To(Equal(4))
		again, err := outlok.GetFolder(ctx, "", f.ID.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(again).To(Equal(f))
		_, err = outlok.GetFolder(ctx, "", "inbox")
		Expect(code(err)).To(Equal("ErrorFolderNotFound"))
	})

	It("FindItem lists the contacts in creation order with paging, and the groups as distribution lists", func() {
		p, err := outlok.FindItem(ctx, "", "quickcontacts", 0, 2)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Total).To(Equal(3))
		Expect(p.IncludesLast).To(BeFalse())
		Expect(p.Items).To(HaveLen(2))
		Expect(p.Items[0]).To(MatchFields(p.Items[0], "Pilar Ackerman", "pilar@litwareinc.com"))
		rest, err := outlok.FindItem(ctx, "", "quickcontacts", p.NextOffset, 2)
		Expect(err).NotTo(HaveOccurred())
		Expect(rest.IncludesLast).To(BeTrue())
		Expect(rest.Items).To(HaveLen(1))
		Expect(rest.Items[0].DisplayName).To(Equal("Kim Akers"))

		dls, err := outlok.FindItem(ctx, "", "imcontactlist", 0, 0)
		Expect(err).NotTo(HaveOccurred())
		var classes []string
		for _, it := range dls.Items {
			classes = append(classes, it.ItemClass+" "+it.DisplayName)
		}
		Expect(classes).To(ConsistOf("IPM.DistList.MOC.OtherContacts Other Contacts", "IPM.DistList.MOC.Favorites Favorites",
			"IPM.DistList.MOC.Tagged Tagged", "IPM.DistList.MOC.UserGroup Team"))

		empty, err := outlok.FindItem(ctx, "", "contacts", 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(empty.Items).To(BeEmpty())

		_, err = outlok.FindItem(ctx, "", "inbox", 0, 0)
		Expect(code(err)).To(Equal("ErrorFolderNotFound"))
		_, err = outlok.FindFolder(ctx, "", b64("UCSF:0000000000000000:3"), "", false)
		Expect(code(err)).To(Equal("ErrorFolderNotFound"))
	})

	It("GetItem reads a contact and a group with its members; unknown ids are ErrorItemNotFound", func() {
		l, _, _ := w.srv.List(ken)
		team := byName(l, "Team")
		items, err := outlok.GetItem(ctx, "", team.ID, l.Contacts[0].ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(items).To(HaveLen(2))
		Expect(items[0].ItemClass).To(Equal(string(engine.GroupUser)))
		Expect(items[0].Members).To(Equal([]engine.ItemID{l.Contacts[0].ID, l.Contacts[1].ID}))
		Expect(items[1].IMAddress).To(Equal("pilar@litwareinc.com"))
		Expect(items[1].Email).To(Equal("pilar@litwareinc.com"))

		Expect(outlok.RemoveContactFromImList(ctx, "", l.Contacts[0].ID)).To(Succeed())
		_, err = outlok.GetItem(ctx, "", l.Contacts[0].ID)
		Expect(code(err)).To(Equal("ErrorItemNotFound"))
		_, err = outlok.GetItem(ctx, "", engine.ItemID{ID: "***"})
		Expect(code(err)).To(Equal(engine.CodeInvalidIDMalformed))
	})

	It("shows a contact added from Outlook in Lync Contacts", func() {
		Expect(w.srv.OutlookAddContact(ken, "sip:dan@litwareinc.com", "Dan Park")).To(Succeed())
		p, err := outlok.FindItem(ctx, "", "quickcontacts", 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Items[len(p.Items)-1].IMAddress).To(Equal("dan@litwareinc.com"))
		Expect(w.srv.OutlookAddContact(ken, "not-an-address", "X")).To(MatchError(ContainSubstring("alias@domain")))
		Expect(w.srv.OutlookAddContact("ghost@litwareinc.com", "a@b.c", "X")).To(MatchError(ContainSubstring("no mailbox")))
	})
})

// MatchFields checks an item's display name and IM address.
func MatchFields(_ ews.Item, name, im string) OmegaMatcher {
	return And(HaveField("DisplayName", name), HaveField("IMAddress", im), HaveField("ItemClass", "IPM.Contact"))
}
