package lyncwire_test

import (
	"github.com/emiago/sipgo/sip"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim/internal/lyncwire"
)

// What one end writes, the other end reads back unchanged: the front end and the simulated client
// share these codecs, so a spec here is the contract between them (docs/PROTOCOLS.md 1.4, 1.5).
var _ = Describe("The Lync wire vocabulary", func() {
	list := engine.ContactList{DeltaNum: 7,
		Groups: []engine.Group{{ID: 1, Name: "~"}, {ID: 2, Name: "Team & Friends"}},
		Contacts: []engine.Contact{
			{URI: "pilar@litwareinc.com", Name: "Pilar \"P\" Ackerman", Groups: []int{1, 2}, Subscribed: true},
			{URI: "ken@litwareinc.com", Groups: []int{2}},
		}}

	It("reads back a contactList it wrote, without ucsMode unless migrated", func() {
		body := lyncwire.EncodeContactList(list)
		Expect(string(body)).NotTo(ContainSubstring("ucsMode"))
		doc, err := lyncwire.ParseRoamingContacts(body)
		Expect(err).NotTo(HaveOccurred())
		Expect(doc.Delta).To(BeNil())
		Expect(*doc.List).To(Equal(list))

		migrated := engine.ContactList{DeltaNum: 8, Migrated: true}
		body = lyncwire.EncodeContactList(migrated)
		Expect(string(body)).To(ContainSubstring(`ucsMode="migrated"`))
		doc, err = lyncwire.ParseRoamingContacts(body)
		Expect(err).NotTo(HaveOccurred())
		Expect(doc.List.Migrated).To(BeTrue())
		Expect(doc.List.DeltaNum).To(Equal(8))
	})

	It("reads back a contactDelta it wrote", func() {
		d := engine.Delta{DeltaNum: 9, PrevDeltaNum: 8,
			AddedContacts:   []engine.Contact{{URI: "new@litwareinc.com", Groups: []int{1}, Subscribed: true}},
			DeletedContacts: []string{"ken@litwareinc.com"}, DeletedGroups: []int{2}}
		doc, err := lyncwire.ParseRoamingContacts(lyncwire.EncodeDelta(d))
		Expect(err).NotTo(HaveOccurred())
		Expect(doc.List).To(BeNil())
		Expect(*doc.Delta).To(Equal(d))
	})

	It("refuses a roaming-contacts document without deltaNum, with a precise error", func() {
		_, err := lyncwire.ParseRoamingContacts([]byte(`<contactList/>`))
		Expect(err).To(MatchError(ContainSubstring("deltaNum")))
	})

	DescribeTable("reads back every SERVICE operation it wrote",
		func(op engine.Op) {
			got, err := lyncwire.ParseServiceOp(lyncwire.EncodeServiceOp(op))
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(op))
		},
		Entry("setContact", engine.Op{Kind: engine.OpSetContact, DeltaNum: 3,
			Contact: engine.Contact{URI: "pat@litwareinc.com", Name: "Pat", Groups: []int{1, 4}, Subscribed: true}}),
		Entry("deleteContact", engine.Op{Kind: engine.OpDeleteContact, DeltaNum: 3, Contact: engine.Contact{URI: "pat@litwareinc.com"}}),
		Entry("addGroup", engine.Op{Kind: engine.OpAddGroup, DeltaNum: 3, Name: "Project"}),
		Entry("modifyGroup", engine.Op{Kind: engine.OpModifyGroup, DeltaNum: 3, GroupID: 4, Name: "Renamed"}),
		Entry("deleteGroup", engine.Op{Kind: engine.OpDeleteGroup, DeltaNum: 3, GroupID: 4}),
	)

	It("refuses a SERVICE body that is not SOAP as a *ServiceError (answered 400)", func() {
		_, err := lyncwire.ParseServiceOp([]byte("hello"))
		var se *lyncwire.ServiceError
		Expect(err).To(BeAssignableToTypeOf(se))
	})

	It("carries the addGroup answer's new group id", func() {
		Expect(lyncwire.ParseAddGroupResult(lyncwire.EncodeAddGroupResult(12))).To(Equal(12))
	})

	It("writes ms-diagnostics that its reader parses, with a reason that cannot break the header", func() {
		res := sip.NewResponse(403, "Forbidden")
		h := lyncwire.Diagnostics(lyncwire.DiagReadOnly, "say \"no\"\r\nInjected: yes")
		Expect(h.Value()).To(Equal(`2165;reason="say 'no'''Injected: yes"`))
		res.AppendHeader(h)
		Expect(lyncwire.DiagnosticsCode(res)).To(Equal(lyncwire.DiagReadOnly))
		Expect(lyncwire.DiagnosticsCode(sip.NewResponse(200, "OK"))).To(Equal(0))
	})
})
