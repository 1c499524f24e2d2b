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

// args reads an operation's arguments in turn and keeps the first fault or error: once err is
// set, every later read returns the zero value, so an operation reads all it needs and checks err
// once.
type args struct {
	c   *call
	err *ewsError
}

func (c *call) args() *args { return &args{c: c} }

// text returns the trimmed text of a required child, or records a schema fault.
func (a *args) text(local string) string {
	return a.need(local, "", func(*node) bool { return true }).text()
}

// id returns the Id attribute of a required ItemIdType child, or records a schema fault.
func (a *args) id(local string) string {
	return a.need(local, " with an Id attribute", func(n *node) bool { return n.attr("Id") != "" }).attr("Id")
}

// need returns a required child that has what it must (nil after a fault, which names it).
func (a *args) need(local, with string, has func(*node) bool) *node {
	if a.err != nil {
		return nil
	}
	n := a.c.op.child(local)
	if n == nil || !has(n) {
		a.err = faultErr(engine.CodeSchemaValidation, fmt.Sprintf("%s: the required element %s%s is missing", a.c.op.Local, local, with))
		return nil
	}
	return n
}

// contact resolves a contact id read before.
func (a *args) contact(id string) *contact { return resolve(a, a.c.mb.lookupContact, id) }

// group resolves a group id read before.
func (a *args) group(id string) *group { return resolve(a, a.c.mb.lookupGroup, id) }

func resolve[T any](a *args, lookup func(string) (*T, *ewsError), id string) *T {
	if a.err != nil {
		return nil
	}
	it, e := lookup(id)
	a.err = e
	return it
}

// optionalGroup resolves an optional GroupId child (nil: none given).
func (a *args) optionalGroup() *group {
	if a.err != nil {
		return nil
	}
	n := a.c.op.child("GroupId")
	if n == nil {
		return nil
	}
	if n.attr("Id") == "" {
		a.err = faultErr(engine.CodeSchemaValidation, a.c.op.Local+": GroupId has no Id attribute")
		return nil
	}
	a.c.mb.ensureSystemGroups()
	return a.group(n.attr("Id"))
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
	a := c.args()
	addr := a.text("ImAddress")
	if a.err != nil {
		return failed(a.err)
	}
	im := stripSip(addr)
	if !validAddress(im) {
		return failed(opErr("ErrorInvalidImContactAddress", fmt.Sprintf("ImAddress %q is not alias@domain", addr)))
	}
	return c.addNew(im, "", c.op.child("DisplayName").text())
}

func opAddNewTelUriContactToGroup(c *call) ucsResult {
	a := c.args()
	tel, sipURI, number := a.text("TelUriAddress"), a.text("ImContactSipUriAddress"), a.text("ImTelephoneNumber")
	if a.err != nil {
		return failed(a.err)
	}
	if !strings.HasPrefix(strings.ToLower(tel), "tel:") || len(tel) < 5 {
		return failed(opErr("ErrorInvalidImContactAddress", fmt.Sprintf("TelUriAddress %q is not a tel: URI", tel)))
	}
	return c.addNew(stripSip(sipURI), tel, number)
}

func (c *call) addNew(im, tel, display string) ucsResult {
	a := c.args()
	g := a.optionalGroup()
	if a.err != nil {
		return failed(a.err)
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
	a := c.args()
	ct := a.contact(a.id("ContactId"))
	g := a.optionalGroup()
	if a.err != nil {
		return failed(a.err)
	}
	if g == nil {
		g = c.mb.groupOfType(engine.GroupOtherContacts)
	}
	return ucsResult{changed: g.add(ct)}
}

func opRemoveImContactFromGroup(c *call) ucsResult {
	a := c.args()
	cid, gid := a.id("ContactId"), a.id("GroupId")
	ct, g := a.contact(cid), a.group(gid)
	if a.err != nil {
		return failed(a.err)
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
	a := c.args()
	ct := a.contact(a.id("ContactId"))
	if a.err != nil {
		return failed(a.err)
	}
	c.mb.deleteContact(ct)
	return ucsResult{changed: true}
}

func opAddImGroup(c *call) ucsResult {
	a := c.args()
	name := a.text("DisplayName")
	if a.err != nil {
		return failed(a.err)
	}
	return c.addGroup(name, "", engine.GroupUser)
}

// addGroup adds a user or distribution group with a checked name and answers with it.
func (c *call) addGroup(name, smtp string, typ engine.GroupType) ucsResult {
	if e := checkGroupName(name); e != nil {
		return failed(e)
	}
	g, changed, e := c.mb.addGroup(name, smtp, typ, c.s.cfg.MaxGroups)
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
	a := c.args()
	id, name := a.id("GroupId"), a.text("NewDisplayName")
	g := a.group(id)
	if a.err != nil {
		return failed(a.err)
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
	a := c.args()
	g := a.group(a.id("GroupId"))
	if a.err != nil {
		return failed(a.err)
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
	a := c.args()
	smtp, name := a.text("SmtpAddress"), a.text("DisplayName")
	if a.err != nil {
		return failed(a.err)
	}
	if !validAddress(stripSip(smtp)) {
		return failed(opErr(engine.CodeInvalidDGSmtpAddress, fmt.Sprintf("SmtpAddress %q is not an SMTP address", smtp)))
	}
	return c.addGroup(name, stripSip(smtp), engine.GroupDG)
}

func opSetImListMigrationCompleted(c *call) ucsResult {
	a := c.args()
	v := a.text("ImListMigrationCompleted")
	if a.err != nil {
		return failed(a.err)
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
