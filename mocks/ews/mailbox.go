package ews

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ucssim/ucssim/engine"
)

// mailbox is one user's Exchange mailbox: the Quick Contacts items, the IM groups and the
// migration flag. Every method runs under mu.
type mailbox struct {
	mu       sync.Mutex
	smtp     string
	display  string
	kind     engine.MailboxKind
	password string // "" = any password is accepted
	ids      idSpace
	migrated bool
	next     uint64
	contacts []*contact // Quick Contacts, creation order
	groups   []*group   // IM Contact List, creation order
}

type contact struct {
	n       uint64
	version int
	im      string // alias@domain, no "sip:"
	tel     string // tel URI contacts only
	display string
	created time.Time
}

type group struct {
	n       uint64
	version int
	name    string
	typ     engine.GroupType
	smtp    string
	members []*contact
}

func newMailbox(seed uint64, smtp, display string, kind engine.MailboxKind) *mailbox {
	return &mailbox{smtp: smtp, display: display, kind: kind, ids: newIDSpace(seed, smtp)}
}

func (m *mailbox) mint() uint64 {
	m.next++
	return m.next
}

func (m *mailbox) contactID(c *contact) engine.ItemID {
	return engine.ItemID{ID: m.ids.id(kindContact, c.n), ChangeKey: changeKey(kindContact, c.n, c.version)}
}

func (m *mailbox) personaID(c *contact) string { return m.ids.id(kindPersona, c.n) }

func (m *mailbox) groupID(g *group) engine.ItemID {
	return engine.ItemID{ID: m.ids.id(kindGroup, g.n), ChangeKey: changeKey(kindGroup, g.n, g.version)}
}

func (m *mailbox) folderID(f uint64) engine.ItemID {
	return engine.ItemID{ID: m.ids.id(kindFolder, f), ChangeKey: changeKey(kindFolder, f, 1)}
}

var systemGroups = []struct {
	name string
	typ  engine.GroupType
}{
	{"Other Contacts", engine.GroupOtherContacts},
	{"Favorites", engine.GroupFavorites},
	{"Tagged", engine.GroupTagged},
}

// ensureSystemGroups creates the three system groups that are missing.
func (m *mailbox) ensureSystemGroups() {
	for _, sg := range systemGroups {
		if m.groupOfType(sg.typ) == nil {
			m.groups = append(m.groups, &group{n: m.mint(), version: 1, name: sg.name, typ: sg.typ})
		}
	}
}

func (m *mailbox) groupOfType(t engine.GroupType) *group {
	for _, g := range m.groups {
		if g.typ == t {
			return g
		}
	}
	return nil
}

func (m *mailbox) groupByName(name string) *group {
	for _, g := range m.groups {
		if strings.EqualFold(g.name, name) {
			return g
		}
	}
	return nil
}

func (m *mailbox) userGroupCount() int {
	n := 0
	for _, g := range m.groups {
		if g.typ == engine.GroupUser || g.typ == engine.GroupDG {
			n++
		}
	}
	return n
}

// findContact looks a contact up by IM address, then by tel URI.
func (m *mailbox) findContact(im, tel string) *contact {
	for _, c := range m.contacts {
		if tel != "" && strings.EqualFold(c.tel, tel) {
			return c
		}
		if tel == "" && im != "" && strings.EqualFold(c.im, im) {
			return c
		}
	}
	return nil
}

// lookupContact resolves a ContactId of the request.
func (m *mailbox) lookupContact(id string) (*contact, *ewsError) {
	return lookupItem(m, id, kindContact, m.contacts, engine.CodeInvalidImContactID, "contact")
}

// lookupGroup resolves a GroupId of the request.
func (m *mailbox) lookupGroup(id string) (*group, *ewsError) {
	return lookupItem(m, id, kindGroup, m.groups, engine.CodeInvalidImGroupID, "group")
}

func (c *contact) num() uint64 { return c.n }
func (g *group) num() uint64   { return g.n }

// lookupItem resolves an id of the request among the items of its kind; an id of another kind
// or of no item is unknown (the code), one that does not decode is malformed.
func lookupItem[T interface{ num() uint64 }](m *mailbox, id string, kind byte, items []T, unknown, what string) (T, *ewsError) {
	var none T
	p, err := m.ids.parse(id)
	if err != nil {
		return none, opErr("ErrorInvalidIdMalformed", err.Error())
	}
	if p.ok && p.kind == kind {
		for _, it := range items {
			if it.num() == p.n {
				return it, nil
			}
		}
	}
	return none, opErr(unknown, fmt.Sprintf("no IM %s with id %q in mailbox %s", what, id, m.smtp))
}

func (g *group) has(c *contact) bool {
	for _, x := range g.members {
		if x == c {
			return true
		}
	}
	return false
}

func (g *group) add(c *contact) bool {
	if g.has(c) {
		return false
	}
	g.members = append(g.members, c)
	g.version++
	return true
}

func (g *group) remove(c *contact) bool {
	for i, x := range g.members {
		if x == c {
			g.members = append(g.members[:i:i], g.members[i+1:]...)
			g.version++
			return true
		}
	}
	return false
}

// groupsOf lists the groups holding c.
func (m *mailbox) groupsOf(c *contact) []*group {
	var out []*group
	for _, g := range m.groups {
		if g.has(c) {
			out = append(out, g)
		}
	}
	return out
}

// deleteContact removes c from every group and from Quick Contacts.
func (m *mailbox) deleteContact(c *contact) {
	for _, g := range m.groups {
		g.remove(c)
	}
	for i, x := range m.contacts {
		if x == c {
			m.contacts = append(m.contacts[:i:i], m.contacts[i+1:]...)
			return
		}
	}
}

func (m *mailbox) deleteGroup(g *group) {
	for i, x := range m.groups {
		if x == g {
			m.groups = append(m.groups[:i:i], m.groups[i+1:]...)
			return
		}
	}
}

// list is the mailbox's IM list as GetImItemList answers it.
func (m *mailbox) list() engine.ImList {
	l, _ := m.listWithTimes()
	return l
}

// listWithTimes is list plus each contact's creation time, in the same order.
func (m *mailbox) listWithTimes() (engine.ImList, []time.Time) {
	var l engine.ImList
	grouped := make(map[*contact]bool, len(m.contacts))
	for _, g := range m.groups {
		ig := engine.ImGroup{ID: m.groupID(g), DisplayName: g.name, Type: g.typ, SmtpAddress: g.smtp}
		for _, c := range g.members {
			ig.Members = append(ig.Members, m.contactID(c))
			grouped[c] = true
		}
		l.Groups = append(l.Groups, ig)
	}
	var times []time.Time
	for _, c := range m.contacts {
		if grouped[c] {
			l.Contacts = append(l.Contacts, m.imContact(c))
			times = append(times, c.created)
		}
	}
	return l, times
}

func (m *mailbox) imContact(c *contact) engine.ImContact {
	return engine.ImContact{ID: m.contactID(c), PersonaID: m.personaID(c), IMAddress: c.im, DisplayName: c.display}
}

// stripSip normalises an IM address: no leading "sip:", surrounding space trimmed.
func stripSip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 4 && strings.EqualFold(s[:4], "sip:") {
		s = s[4:]
	}
	return s
}

// addNewContact is AddNewImContactToGroup / AddNewTelUriContactToGroup and the Outlook add:
// find or create the contact (limit check), then add it to g (nil: Other Contacts).
func (m *mailbox) addNewContact(im, tel, display string, g *group, now time.Time, maxContacts int) (*contact, bool, *ewsError) {
	m.ensureSystemGroups()
	if g == nil {
		g = m.groupOfType(engine.GroupOtherContacts)
	}
	changed := false
	c := m.findContact(im, tel)
	if c == nil {
		if len(m.contacts) >= maxContacts {
			return nil, false, opErr(engine.CodeImContactLimit,
				fmt.Sprintf("the mailbox %s already holds the maximum of %d IM contacts", m.smtp, maxContacts))
		}
		if display == "" {
			display = im
		}
		c = &contact{n: m.mint(), version: 1, im: im, tel: tel, display: display, created: now}
		m.contacts = append(m.contacts, c)
		changed = true
	}
	if g.add(c) {
		changed = true
	}
	return c, changed, nil
}

// addGroup is AddImGroup and AddDistributionGroupToImList: reuse a group of that name (and
// type) or create one, within the group limit.
func (m *mailbox) addGroup(name, smtp string, typ engine.GroupType, maxGroups int) (*group, bool, *ewsError) {
	m.ensureSystemGroups()
	if g := m.groupByName(name); g != nil {
		if typ == engine.GroupDG && g.typ != engine.GroupDG {
			return nil, false, opErr(engine.CodeGroupNameExists, fmt.Sprintf("a group named %q already exists", g.name))
		}
		return g, false, nil
	}
	if m.userGroupCount() >= maxGroups {
		return nil, false, opErr(engine.CodeImGroupLimit,
			fmt.Sprintf("the mailbox %s already holds the maximum of %d user and distribution groups", m.smtp, maxGroups))
	}
	g := &group{n: m.mint(), version: 1, name: name, typ: typ, smtp: smtp}
	m.groups = append(m.groups, g)
	return g, true, nil
}

// groupForLyncName maps a Lync group name to its Exchange group (decision 6), creating a
// user group if needed.
func (m *mailbox) groupForLyncName(name string, maxGroups int) (*group, *ewsError) {
	m.ensureSystemGroups()
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "~", "other contacts":
		return m.groupOfType(engine.GroupOtherContacts), nil
	case "favorites":
		return m.groupOfType(engine.GroupFavorites), nil
	case "tagged":
		return m.groupOfType(engine.GroupTagged), nil
	}
	g, _, e := m.addGroup(strings.TrimSpace(name), "", engine.GroupUser, maxGroups)
	return g, e
}

// mailboxState is what snapshot keeps to undo a failed multi-step change.
type mailboxState struct {
	next     uint64
	migrated bool
	contacts []*contact
	groups   []*group
	members  [][]*contact
	versions []int
}

func (m *mailbox) snapshot() mailboxState {
	st := mailboxState{next: m.next, migrated: m.migrated,
		contacts: append([]*contact(nil), m.contacts...), groups: append([]*group(nil), m.groups...)}
	for _, g := range m.groups {
		st.members = append(st.members, append([]*contact(nil), g.members...))
		st.versions = append(st.versions, g.version)
	}
	return st
}

func (m *mailbox) restore(st mailboxState) {
	m.next, m.migrated, m.contacts, m.groups = st.next, st.migrated, st.contacts, st.groups
	for i, g := range m.groups {
		g.members, g.version = st.members[i], st.versions[i]
	}
}
