package ews

import (
	"fmt"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
)

// call is one operation against a locked mailbox.
type call struct {
	s        *Server
	mb       *mailbox
	op       *node
	byServer bool
	now      time.Time
}

// opHandler writes the body element of the answer into w and returns the journal code, whether
// the IM list changed, and a request-level fault (then w is discarded).
type opHandler func(c *call, w *xmlWriter) (code string, changed bool, fault *ewsError)

var operations map[string]opHandler

func init() {
	operations = map[string]opHandler{
		"GetImItemList":                     ucs(opGetImItemList),
		"GetImItems":                        ucs(opGetImItems),
		"AddNewImContactToGroup":            ucs(opAddNewImContactToGroup),
		"AddNewTelUriContactToGroup":        ucs(opAddNewTelUriContactToGroup),
		"AddImContactToGroup":               ucs(opAddImContactToGroup),
		"RemoveImContactFromGroup":          ucs(opRemoveImContactFromGroup),
		"RemoveContactFromImList":           ucs(opRemoveContactFromImList),
		"AddImGroup":                        ucs(opAddImGroup),
		"SetImGroup":                        ucs(opSetImGroup),
		"RemoveImGroup":                     ucs(opRemoveImGroup),
		"AddDistributionGroupToImList":      ucs(opAddDistributionGroupToImList),
		"RemoveDistributionGroupFromImList": ucs(opRemoveDistributionGroupFromImList),
		"SetImListMigrationCompleted":       ucs(opSetImListMigrationCompleted),
		"FindFolder":                        opFindFolder,
		"GetFolder":                         opGetFolder,
		"FindItem":                          opFindItem,
		"GetItem":                           opGetItem,
	}
}

// ucsResult is what a UCS operation produced: an optional payload writer, the change flag and
// an error (fault or ResponseClass="Error").
type ucsResult struct {
	payload func(w *xmlWriter)
	changed bool
	err     *ewsError
}

// ucs wraps a UCS operation in its unwrapped m:<Op>Response (docs/PROTOCOLS.md 2.2).
func ucs(f func(c *call) ucsResult) opHandler {
	return func(c *call, w *xmlWriter) (string, bool, *ewsError) {
		res := f(c)
		if res.err != nil && res.err.Fault {
			return "", false, res.err
		}
		elem := "m:" + c.op.Local + "Response"
		responseHead(w, elem, res.err)
		if res.err == nil && res.payload != nil {
			res.payload(w)
		}
		w.close(elem)
		if res.err != nil {
			return res.err.Code, res.changed, nil
		}
		return "NoError", res.changed, nil
	}
}

func failed(e *ewsError) ucsResult { return ucsResult{err: e} }

// required returns the trimmed text of a required child, or a schema fault.
func (c *call) required(local string) (string, *ewsError) {
	n := c.op.child(local)
	if n == nil {
		return "", faultErr(engine.CodeSchemaValidation, fmt.Sprintf("%s: the required element %s is missing", c.op.Local, local))
	}
	return n.text(), nil
}

// requiredID returns the Id attribute of a required ItemIdType child.
func (c *call) requiredID(local string) (string, *ewsError) {
	n := c.op.child(local)
	if n == nil || n.attr("Id") == "" {
		return "", faultErr(engine.CodeSchemaValidation, fmt.Sprintf("%s: the required element %s with an Id attribute is missing", c.op.Local, local))
	}
	return n.attr("Id"), nil
}

// optionalGroup resolves an optional GroupId child (nil: none given).
func (c *call) optionalGroup() (*group, *ewsError) {
	n := c.op.child("GroupId")
	if n == nil {
		return nil, nil
	}
	if n.attr("Id") == "" {
		return nil, faultErr(engine.CodeSchemaValidation, c.op.Local+": GroupId has no Id attribute")
	}
	c.mb.ensureSystemGroups()
	return c.mb.lookupGroup(n.attr("Id"))
}

func opGetImItemList(c *call) ucsResult {
	c.mb.ensureSystemGroups()
	l, created := c.mb.listWithTimes()
	return ucsResult{payload: func(w *xmlWriter) { writeImItemList(w, c.mb, l, created) }}
}

func opGetImItems(c *call) ucsResult {
	var l engine.ImList
	var created []time.Time
	for _, n := range c.op.path("ContactIds").children("ItemId") {
		if ct, e := c.mb.lookupContact(n.attr("Id")); e == nil {
			l.Contacts = append(l.Contacts, c.mb.imContact(ct))
			created = append(created, ct.created)
		}
	}
	full := c.mb.list()
	for _, n := range c.op.path("GroupIds").children("ItemId") {
		if g, e := c.mb.lookupGroup(n.attr("Id")); e == nil {
			id := c.mb.groupID(g).ID
			for _, ig := range full.Groups {
				if ig.ID.ID == id {
					l.Groups = append(l.Groups, ig)
				}
			}
		}
	}
	return ucsResult{payload: func(w *xmlWriter) { writeImItemList(w, c.mb, l, created) }}
}

func opAddNewImContactToGroup(c *call) ucsResult {
	addr, e := c.required("ImAddress")
	if e != nil {
		return failed(e)
	}
	im := stripSip(addr)
	if !validAddress(im) {
		return failed(opErr("ErrorInvalidImContactAddress", fmt.Sprintf("ImAddress %q is not alias@domain", addr)))
	}
	return c.addNew(im, "", c.op.child("DisplayName").text())
}

func opAddNewTelUriContactToGroup(c *call) ucsResult {
	tel, e := c.required("TelUriAddress")
	if e != nil {
		return failed(e)
	}
	sipURI, e := c.required("ImContactSipUriAddress")
	if e != nil {
		return failed(e)
	}
	number, e := c.required("ImTelephoneNumber")
	if e != nil {
		return failed(e)
	}
	if !strings.HasPrefix(strings.ToLower(tel), "tel:") || len(tel) < 5 {
		return failed(opErr("ErrorInvalidImContactAddress", fmt.Sprintf("TelUriAddress %q is not a tel: URI", tel)))
	}
	return c.addNew(stripSip(sipURI), tel, number)
}

func (c *call) addNew(im, tel, display string) ucsResult {
	g, e := c.optionalGroup()
	if e != nil {
		return failed(e)
	}
	ct, changed, e := c.mb.addNewContact(im, tel, display, g, c.now, c.s.cfg.MaxContacts)
	if e != nil {
		return failed(e)
	}
	ic := c.mb.imContact(ct)
	return ucsResult{changed: changed, payload: func(w *xmlWriter) {
		writePersona(w, "m:Persona", c.mb, ic, ct.created)
	}}
}

func opAddImContactToGroup(c *call) ucsResult {
	id, e := c.requiredID("ContactId")
	if e != nil {
		return failed(e)
	}
	ct, e := c.mb.lookupContact(id)
	if e != nil {
		return failed(e)
	}
	g, e := c.optionalGroup()
	if e != nil {
		return failed(e)
	}
	if g == nil {
		g = c.mb.groupOfType(engine.GroupOtherContacts)
	}
	return ucsResult{changed: g.add(ct)}
}

func opRemoveImContactFromGroup(c *call) ucsResult {
	cid, e := c.requiredID("ContactId")
	if e != nil {
		return failed(e)
	}
	gid, e := c.requiredID("GroupId")
	if e != nil {
		return failed(e)
	}
	ct, e := c.mb.lookupContact(cid)
	if e != nil {
		return failed(e)
	}
	g, e := c.mb.lookupGroup(gid)
	if e != nil {
		return failed(e)
	}
	if !g.remove(ct) {
		return ucsResult{}
	}
	if !c.mb.inNonTaggedGroup(ct) {
		c.mb.deleteContact(ct)
	}
	return ucsResult{changed: true}
}

// inNonTaggedGroup reports whether c is in a group other than Tagged.
func (m *mailbox) inNonTaggedGroup(c *contact) bool {
	for _, g := range m.groupsOf(c) {
		if g.typ != engine.GroupTagged {
			return true
		}
	}
	return false
}

func opRemoveContactFromImList(c *call) ucsResult {
	id, e := c.requiredID("ContactId")
	if e != nil {
		return failed(e)
	}
	ct, e := c.mb.lookupContact(id)
	if e != nil {
		return failed(e)
	}
	c.mb.deleteContact(ct)
	return ucsResult{changed: true}
}

func opAddImGroup(c *call) ucsResult {
	name, e := c.required("DisplayName")
	if e != nil {
		return failed(e)
	}
	if e := checkGroupName(name); e != nil {
		return failed(e)
	}
	g, changed, e := c.mb.addGroup(name, "", engine.GroupUser, c.s.cfg.MaxGroups)
	if e != nil {
		return failed(e)
	}
	return ucsResult{changed: changed, payload: func(w *xmlWriter) { writeImGroup(w, "m:ImGroup", c.mb, g) }}
}

func checkGroupName(name string) *ewsError {
	if name == "" || len(name) > 256 {
		return opErr("ErrorInvalidImGroupDisplayName", fmt.Sprintf("group display name %q must be 1 to 256 bytes", name))
	}
	if strings.ContainsAny(name, "\r\n") {
		return opErr("ErrorInvalidImGroupDisplayName", "group display name contains a line break")
	}
	return nil
}

func opSetImGroup(c *call) ucsResult {
	id, e := c.requiredID("GroupId")
	if e != nil {
		return failed(e)
	}
	name, e := c.required("NewDisplayName")
	if e != nil {
		return failed(e)
	}
	g, e := c.mb.lookupGroup(id)
	if e != nil {
		return failed(e)
	}
	if g.typ != engine.GroupUser {
		return failed(opErr(engine.CodeInvalidImGroupID, fmt.Sprintf("%s is a %s group; only user groups can be renamed", g.name, g.typ)))
	}
	if e := checkGroupName(name); e != nil {
		return failed(e)
	}
	if other := c.mb.groupByName(name); other != nil && other != g {
		return failed(opErr(engine.CodeGroupNameExists, fmt.Sprintf("a group named %q already exists", other.name)))
	}
	if g.name == name {
		return ucsResult{}
	}
	g.name = name
	g.version++
	return ucsResult{changed: true}
}

func opRemoveImGroup(c *call) ucsResult {
	return c.removeGroup(engine.GroupUser, "user")
}

func opRemoveDistributionGroupFromImList(c *call) ucsResult {
	return c.removeGroup(engine.GroupDG, "distribution")
}

func (c *call) removeGroup(typ engine.GroupType, what string) ucsResult {
	id, e := c.requiredID("GroupId")
	if e != nil {
		return failed(e)
	}
	g, e := c.mb.lookupGroup(id)
	if e != nil {
		return failed(e)
	}
	if g.typ != typ {
		return failed(opErr(engine.CodeInvalidImGroupID, fmt.Sprintf("%s is a %s group, not a %s group", g.name, g.typ, what)))
	}
	members := append([]*contact(nil), g.members...)
	c.mb.deleteGroup(g)
	for _, ct := range members {
		if !c.mb.inNonTaggedGroup(ct) {
			c.mb.deleteContact(ct)
		}
	}
	return ucsResult{changed: true}
}

func opAddDistributionGroupToImList(c *call) ucsResult {
	smtp, e := c.required("SmtpAddress")
	if e != nil {
		return failed(e)
	}
	name, e := c.required("DisplayName")
	if e != nil {
		return failed(e)
	}
	if !validAddress(stripSip(smtp)) {
		return failed(opErr(engine.CodeInvalidDGSmtpAddress, fmt.Sprintf("SmtpAddress %q is not an SMTP address", smtp)))
	}
	if e := checkGroupName(name); e != nil {
		return failed(e)
	}
	g, changed, e := c.mb.addGroup(name, stripSip(smtp), engine.GroupDG, c.s.cfg.MaxGroups)
	if e != nil {
		return failed(e)
	}
	return ucsResult{changed: changed, payload: func(w *xmlWriter) { writeImGroup(w, "m:ImGroup", c.mb, g) }}
}

func opSetImListMigrationCompleted(c *call) ucsResult {
	v, e := c.required("ImListMigrationCompleted")
	if e != nil {
		return failed(e)
	}
	var flag bool
	switch v {
	case "true", "1":
		flag = true
	case "false", "0":
	default:
		return failed(faultErr(engine.CodeSchemaValidation, fmt.Sprintf("ImListMigrationCompleted %q is not a boolean", v)))
	}
	c.mb.migrated = flag
	return ucsResult{}
}
