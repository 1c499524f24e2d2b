package ews_test

import (
	"encoding/xml"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/internal/golden"
	"github.com/ucssim/ucssim/mocks/ews"
)

// goldenElements are the element names docs/PROTOCOLS.md section 2 gives each exchange.
var goldenElements = map[string]struct{ request, response []string }{
	"GetImItemList": {[]string{"soap:Envelope", "soap:Header", "t:RequestServerVersion", "t:ExchangeImpersonation", "t:ConnectingSID", "t:SmtpAddress", "soap:Body", "m:GetImItemList"},
		[]string{"t:ServerVersionInfo", "m:GetImItemListResponse", "m:ResponseCode", "m:ImItemList", "t:Groups", "t:ImGroup", "t:DisplayName", "t:GroupType", "t:ExchangeStoreId", "t:Personas"}},
	"AddImGroup":             {[]string{"m:AddImGroup", "m:DisplayName"}, []string{"m:AddImGroupResponse", "m:ImGroup", "t:DisplayName", "t:GroupType", "t:ExchangeStoreId"}},
	"AddNewImContactToGroup": {[]string{"m:AddNewImContactToGroup", "m:ImAddress", "m:DisplayName", "m:GroupId"}, personaElements("m:AddNewImContactToGroupResponse")},
	"AddNewTelUriContactToGroup": {[]string{"m:AddNewTelUriContactToGroup", "m:TelUriAddress", "m:ImContactSipUriAddress", "m:ImTelephoneNumber"},
		personaElements("m:AddNewTelUriContactToGroupResponse")},
	"AddImContactToGroup":      {[]string{"m:AddImContactToGroup", "m:ContactId", "m:GroupId"}, []string{"m:AddImContactToGroupResponse", "m:ResponseCode"}},
	"GetImItems":               {[]string{"m:GetImItems", "m:ContactIds", "m:GroupIds", "t:ItemId"}, []string{"m:GetImItemsResponse", "m:ImItemList", "t:ImGroup", "t:MemberCorrelationKey", "t:ItemId", "t:Persona"}},
	"SetImGroup":               {[]string{"m:SetImGroup", "m:GroupId", "m:NewDisplayName"}, []string{"m:SetImGroupResponse", "m:ResponseCode"}},
	"RemoveImContactFromGroup": {[]string{"m:RemoveImContactFromGroup", "m:ContactId", "m:GroupId"}, []string{"m:RemoveImContactFromGroupResponse"}},
	"AddDistributionGroupToImList": {[]string{"m:AddDistributionGroupToImList", "m:SmtpAddress", "m:DisplayName"},
		[]string{"m:AddDistributionGroupToImListResponse", "m:ImGroup", "t:SmtpAddress", "t:GroupType"}},
	"RemoveDistributionGroupFromImList": {[]string{"m:RemoveDistributionGroupFromImList", "m:GroupId"}, []string{"m:RemoveDistributionGroupFromImListResponse"}},
	"FindFolder": {[]string{"m:FindFolder", "m:FolderShape", "m:ParentFolderIds", "t:DistinguishedFolderId"},
		[]string{"m:FindFolderResponse", "m:ResponseMessages", "m:FindFolderResponseMessage", "m:RootFolder", "t:Folders", "t:ContactsFolder", "t:FolderId", "t:DisplayName", "t:FolderClass", "t:TotalCount", "t:ChildFolderCount"}},
	"GetFolder": {[]string{"m:GetFolder", "m:FolderIds", "t:DistinguishedFolderId"}, []string{"m:GetFolderResponse", "m:GetFolderResponseMessage", "m:Folders", "t:ContactsFolder"}},
	"FindItem": {[]string{"m:FindItem", "m:IndexedPageItemView", "m:ParentFolderIds"},
		[]string{"m:FindItemResponse", "m:FindItemResponseMessage", "m:RootFolder", "t:Items", "t:Contact", "t:ItemId", "t:ItemClass", "t:DisplayName", "t:EmailAddresses", "t:Entry", "t:ImAddresses"}},
	"GetItem": {[]string{"m:GetItem", "m:ItemIds", "t:ItemId"},
		[]string{"m:GetItemResponse", "m:GetItemResponseMessage", "m:Items", "t:DistributionList", "t:Members", "t:Member", "t:Mailbox", "t:Name", "t:EmailAddress", "t:RoutingType", "t:MailboxType", "t:Status"}},
	"RemoveContactFromImList":     {[]string{"m:RemoveContactFromImList", "m:ContactId"}, []string{"m:RemoveContactFromImListResponse"}},
	"RemoveImGroup":               {[]string{"m:RemoveImGroup", "m:GroupId"}, []string{"m:RemoveImGroupResponse"}},
	"SetImListMigrationCompleted": {[]string{"m:SetImListMigrationCompleted", "m:ImListMigrationCompleted"}, []string{"m:SetImListMigrationCompletedResponse"}},
	"ErrorServerBusy": {[]string{"m:GetImItemList"},
		[]string{"soap:Fault", "faultcode", "faultstring", "detail", "e:ResponseCode", "e:Message", "t:MessageXml", "t:Value"}},
	"Autodiscover": {[]string{"ar:Autodiscover", "ar:Request", "ar:EMailAddress", "ar:AcceptableResponseSchema"},
		[]string{"ad:Autodiscover", "ao:Response", "ao:User", "ao:DisplayName", "ao:AutoDiscoverSMTPAddress", "ao:Account", "ao:AccountType", "ao:Action", "ao:Protocol", "ao:Type", "ao:EwsUrl"}},
}

func personaElements(resp string) []string {
	return []string{resp, "m:Persona", "t:PersonaId", "t:PersonaType", "t:CreationTime", "t:DisplayName", "t:DisplayNameFirstLast",
		"t:DisplayNameLastFirst", "t:EmailAddress", "t:Name", "t:RoutingType", "t:ImAddress", "t:RelevanceScore", "t:Attributions",
		"t:Attribution", "t:Id", "t:SourceId", "t:IsWritable", "t:IsQuickContact", "t:IsHidden", "t:FolderId", "t:DisplayNames",
		"t:StringAttributedValue", "t:Value", "t:ImAddresses"}
}

var prefixes = map[string]string{
	ews.NSSoap: "soap", ews.NSMessages: "m", ews.NSTypes: "t", ews.NSErrors: "e",
	ews.NSAutodiscoverRequest: "ar", ews.NSAutodiscoverResponse: "ad", ews.NSAutodiscoverOutlookResp: "ao",
}

// elementNames lists the prefixed names (docs/PROTOCOLS.md prefixes) of every element of a document.
func elementNames(doc []byte) map[string]bool {
	names := map[string]bool{}
	dec := xml.NewDecoder(strings.NewReader(string(doc)))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return names
		}
		Expect(err).NotTo(HaveOccurred())
		if se, ok := tok.(xml.StartElement); ok {
			name := se.Name.Local
			if p := prefixes[se.Name.Space]; p != "" {
				name = p + ":" + name
			}
			names[name] = true
		}
	}
}

// recordAll runs one of every exchange in a fixed order and returns request/response pairs.
func recordAll() (map[string][2][]byte, string) {
	w := newWorld()
	rec := &recorder{}
	hc := &http.Client{Transport: rec}
	lx := ews.NewClient(ews.ClientConfig{BaseURL: w.base, HTTP: hc, Token: func() string {
		return ews.SignToken(trustKey, "lync", w.sched.Now(), time.Hour)
	}})
	user := ews.NewClient(ews.ClientConfig{BaseURL: w.base, HTTP: hc, Basic: ken})
	out := map[string][2][]byte{}
	keep := func(name string) {
		req, resp := rec.last()
		out[name] = [2][]byte{req, resp}
	}
	must := func(err error) { ExpectWithOffset(1, err).NotTo(HaveOccurred()) }

	l, err := lx.GetImItemList(ctx, ken)
	must(err)
	keep("GetImItemList")
	team, err := lx.AddImGroup(ctx, ken, "Team")
	must(err)
	keep("AddImGroup")
	p, err := lx.AddNewImContactToGroup(ctx, ken, "pilar@litwareinc.com", "Pilar Ackerman", team.ID)
	must(err)
	keep("AddNewImContactToGroup")
	tel, err := lx.AddNewTelUriContactToGroup(ctx, ken, "tel:+14255550100", "sip:desk@litwareinc.com", "+1 425 555 0100", engine.ItemID{})
	must(err)
	keep("AddNewTelUriContactToGroup")
	must(lx.AddImContactToGroup(ctx, ken, p.ID, byName(l, "Favorites").ID))
	keep("AddImContactToGroup")
	_, err = lx.GetImItems(ctx, ken, []engine.ItemID{p.ID}, []engine.ItemID{team.ID})
	must(err)
	keep("GetImItems")
	must(lx.SetImGroup(ctx, ken, team.ID, "Crew"))
	keep("SetImGroup")
	must(lx.RemoveImContactFromGroup(ctx, ken, p.ID, byName(l, "Favorites").ID))
	keep("RemoveImContactFromGroup")
	dg, err := lx.AddDistributionGroupToImList(ctx, ken, "sales@litwareinc.com", "Sales")
	must(err)
	keep("AddDistributionGroupToImList")
	must(lx.RemoveDistributionGroupFromImList(ctx, ken, dg.ID))
	keep("RemoveDistributionGroupFromImList")
	_, err = user.FindFolder(ctx, "", "contacts", "", false)
	must(err)
	keep("FindFolder")
	_, err = user.GetFolder(ctx, "", "quickcontacts")
	must(err)
	keep("GetFolder")
	_, err = user.FindItem(ctx, "", "quickcontacts", 0, 10)
	must(err)
	keep("FindItem")
	_, err = user.GetItem(ctx, "", team.ID)
	must(err)
	keep("GetItem")
	must(lx.RemoveContactFromImList(ctx, ken, tel.ID))
	keep("RemoveContactFromImList")
	must(lx.RemoveImGroup(ctx, ken, team.ID))
	keep("RemoveImGroup")
	must(lx.SetImListMigrationCompleted(ctx, ken, true))
	keep("SetImListMigrationCompleted")
	w.srv.SetFault(ews.Fault{Kind: engine.FaultBusy, Until: w.sched.Now().Add(time.Minute), BackOff: 2 * time.Second})
	_, err = lx.GetImItemList(ctx, ken)
	Expect(code(err)).To(Equal(engine.CodeServerBusy))
	keep("ErrorServerBusy")
	w.srv.SetFault(ews.Fault{})
	_, err = user.Autodiscover(ctx, "")
	must(err)
	keep("Autodiscover")
	return out, w.base
}

var _ = Describe("golden fixtures", Ordered, func() {
	var (
		recorded map[string][2][]byte
		base     string
	)
	BeforeAll(func() { recorded, base = recordAll() })

	It("cover every operation", func() {
		Expect(recorded).To(HaveLen(len(goldenElements)))
	})

	for _, name := range slices.Sorted(maps.Keys(goldenElements)) {
		want := goldenElements[name]
		It("match testdata/golden for "+name+" and carry the element names of docs/PROTOCOLS.md", func() {
			pair := recorded[name]
			for i, kind := range []string{"request", "response"} {
				got := []byte(strings.ReplaceAll(string(pair[i]), base, "http://127.0.0.1:PORT"))
				file := filepath.Join("testdata", "golden", name+"."+kind+".xml")
				// UCSSIM_UPDATE_GOLDEN=1 rewrites testdata/golden (package internal/golden).
				Expect(golden.Check(file, got)).To(Succeed(), "%s of %s", kind, name)
			}
			reqNames, respNames := elementNames(pair[0]), elementNames(pair[1])
			for _, n := range want.request {
				Expect(reqNames).To(HaveKey(n), "request of %s lacks %s", name, n)
			}
			for _, n := range want.response {
				Expect(respNames).To(HaveKey(n), "response of %s lacks %s", name, n)
			}
		})
	}
})
