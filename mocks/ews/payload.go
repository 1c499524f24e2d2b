package ews

import (
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
)

const (
	quickContactsName = "Lync Contacts"
	imListName        = "IM Contact List"
	relevanceScore    = "2147483647"
)

// writeImItemList writes m:ImItemList {t:Groups, t:Personas}; created holds each contact's
// creation time.
func writeImItemList(w *xmlWriter, mb *mailbox, l engine.ImList, created []time.Time) {
	w.open("m:ImItemList")
	w.open("t:Groups")
	for _, g := range l.Groups {
		writeImGroupValue(w, "t:ImGroup", g)
	}
	w.close("t:Groups")
	w.open("t:Personas")
	for i, c := range l.Contacts {
		writePersona(w, "t:Persona", mb, c, created[i])
	}
	w.close("t:Personas")
	w.close("m:ImItemList")
}

func writeImGroup(w *xmlWriter, elem string, mb *mailbox, g *group) {
	ig := engine.ImGroup{ID: mb.groupID(g), DisplayName: g.name, Type: g.typ, SmtpAddress: g.smtp}
	for _, c := range g.members {
		ig.Members = append(ig.Members, mb.contactID(c))
	}
	writeImGroupValue(w, elem, ig)
}

// writeImGroupValue writes one group, children in t: ([MS-OXWSCOS] 2.2.4.2).
func writeImGroupValue(w *xmlWriter, elem string, g engine.ImGroup) {
	w.open(elem)
	w.elem("t:DisplayName", g.DisplayName)
	w.elem("t:GroupType", string(g.Type))
	w.empty("t:ExchangeStoreId", "Id", g.ID.ID, "ChangeKey", g.ID.ChangeKey)
	if len(g.Members) > 0 {
		w.open("t:MemberCorrelationKey")
		for _, m := range g.Members {
			w.empty("t:ItemId", "Id", m.ID, "ChangeKey", m.ChangeKey)
		}
		w.close("t:MemberCorrelationKey")
	}
	if g.SmtpAddress != "" {
		w.elem("t:SmtpAddress", g.SmtpAddress)
	}
	w.close(elem)
}

// writePersona writes the persona subset of docs/PROTOCOLS.md 2.4, in its order.
func writePersona(w *xmlWriter, elem string, mb *mailbox, c engine.ImContact, created time.Time) {
	quick := mb.folderID(folderQuick)
	w.open(elem)
	w.empty("t:PersonaId", "Id", c.PersonaID)
	w.elem("t:PersonaType", "Person")
	w.elem("t:CreationTime", created.UTC().Format(time.RFC3339))
	w.elem("t:DisplayName", c.DisplayName)
	w.elem("t:DisplayNameFirstLast", c.DisplayName)
	w.elem("t:DisplayNameLastFirst", lastFirst(c.DisplayName))
	w.open("t:EmailAddress")
	w.elem("t:Name", c.DisplayName)
	w.elem("t:EmailAddress", c.IMAddress)
	w.elem("t:RoutingType", "SMTP")
	w.close("t:EmailAddress")
	w.elem("t:ImAddress", c.IMAddress)
	w.elem("t:RelevanceScore", relevanceScore)
	w.open("t:Attributions")
	w.open("t:Attribution")
	w.elem("t:Id", "0")
	w.empty("t:SourceId", "Id", c.ID.ID, "ChangeKey", c.ID.ChangeKey)
	w.elem("t:DisplayName", quickContactsName)
	w.elem("t:IsWritable", "true")
	w.elem("t:IsQuickContact", "true")
	w.elem("t:IsHidden", "false")
	w.empty("t:FolderId", "Id", quick.ID, "ChangeKey", quick.ChangeKey)
	w.close("t:Attribution")
	w.close("t:Attributions")
	writeAttributed(w, "t:DisplayNames", c.DisplayName)
	writeAttributed(w, "t:ImAddresses", c.IMAddress)
	w.close(elem)
}

func writeAttributed(w *xmlWriter, elem, value string) {
	w.open(elem)
	w.open("t:StringAttributedValue")
	w.elem("t:Value", value)
	w.open("t:Attributions")
	w.elem("t:Attribution", "0")
	w.close("t:Attributions")
	w.close("t:StringAttributedValue")
	w.close(elem)
}

// lastFirst turns "Ken Myer" into "Myer Ken"; one word stays as it is.
func lastFirst(name string) string {
	i := strings.LastIndexByte(name, ' ')
	if i <= 0 {
		return name
	}
	return name[i+1:] + " " + name[:i]
}
