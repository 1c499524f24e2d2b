package engine

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// lyncList is one copy of a contact list: the Lync store, or the mirror of the Exchange list.
// Contacts are keyed by lower-case URI (alias@domain, no "sip:").
type lyncList struct {
	groups   map[int]Group
	contacts map[string]Contact
}

func newLyncList() lyncList {
	return lyncList{groups: map[int]Group{DefaultGroupID: {ID: DefaultGroupID, Name: "~"}}, contacts: map[string]Contact{}}
}

func (l lyncList) clone() lyncList {
	c := lyncList{groups: make(map[int]Group, len(l.groups)), contacts: make(map[string]Contact, len(l.contacts))}
	// order does not matter: copying
	for id, g := range l.groups {
		c.groups[id] = g
	}
	// order does not matter: copying
	for k, ct := range l.contacts {
		ct.Groups = slices.Clone(ct.Groups)
		c.contacts[k] = ct
	}
	return c
}

// list renders the copy as served over SIP: groups by id, contacts by URI.
func (l lyncList) list(deltaNum int) ContactList {
	cl := ContactList{DeltaNum: deltaNum, Groups: make([]Group, 0, len(l.groups)), Contacts: make([]Contact, 0, len(l.contacts))}
	// order does not matter: sorted below
	for _, g := range l.groups {
		cl.Groups = append(cl.Groups, g)
	}
	sort.Slice(cl.Groups, func(i, j int) bool { return cl.Groups[i].ID < cl.Groups[j].ID })
	for _, k := range l.sortedKeys() {
		c := l.contacts[k]
		c.Groups = slices.Clone(c.Groups)
		cl.Contacts = append(cl.Contacts, c)
	}
	return cl
}

func (l lyncList) sortedKeys() []string {
	keys := make([]string, 0, len(l.contacts))
	// order does not matter: sorted below
	for k := range l.contacts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (l lyncList) groupByName(name string) (Group, bool) {
	// order does not matter: group names are unique case-insensitively (duplicates are refused)
	for _, g := range l.groups {
		if strings.EqualFold(g.Name, name) {
			return g, true
		}
	}
	return Group{}, false
}

// freeGroupID is the lowest unused id in 2..MaxLyncGroups, or 0 when the list is full.
func (l lyncList) freeGroupID() int {
	for id := 2; id <= MaxLyncGroups; id++ {
		if _, used := l.groups[id]; !used {
			return id
		}
	}
	return 0
}

// diff is the contactDelta from old to cur (without delta numbers); ok is false if they are equal.
func diff(old, cur lyncList) (d Delta, ok bool) {
	for _, id := range sortedGroupIDs(cur.groups) {
		g := cur.groups[id]
		if og, had := old.groups[id]; !had {
			d.AddedGroups = append(d.AddedGroups, g)
		} else if og != g {
			d.ModifiedGroups = append(d.ModifiedGroups, g)
		}
	}
	for _, k := range cur.sortedKeys() {
		c := cur.contacts[k]
		oc, had := old.contacts[k]
		switch {
		case !had:
			d.AddedContacts = append(d.AddedContacts, cloneContact(c))
		case !sameContact(oc, c):
			d.ModifiedContacts = append(d.ModifiedContacts, cloneContact(c))
		}
	}
	for _, id := range sortedGroupIDs(old.groups) {
		if _, still := cur.groups[id]; !still {
			d.DeletedGroups = append(d.DeletedGroups, id)
		}
	}
	for _, k := range old.sortedKeys() {
		if _, still := cur.contacts[k]; !still {
			d.DeletedContacts = append(d.DeletedContacts, old.contacts[k].URI)
		}
	}
	ok = len(d.AddedGroups)+len(d.ModifiedGroups)+len(d.DeletedGroups)+
		len(d.AddedContacts)+len(d.ModifiedContacts)+len(d.DeletedContacts) > 0
	return d, ok
}

func sortedGroupIDs(m map[int]Group) []int {
	ids := make([]int, 0, len(m))
	// order does not matter: sorted below
	for id := range m {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

func cloneContact(c Contact) Contact {
	c.Groups = slices.Clone(c.Groups)
	return c
}

func sameContact(a, b Contact) bool {
	return a.URI == b.URI && a.Name == b.Name && a.Subscribed == b.Subscribed && a.ExternalURI == b.ExternalURI &&
		a.Extension == b.Extension && slices.Equal(a.Groups, b.Groups)
}

// fromImList maps a mailbox's IM list to a Lync-style list (docs/PROTOCOLS.md 4 decision 6): Other
// Contacts is group 1, Favorites and Tagged keep their names (listed when they have members or like
// already named a group of prior), user and distribution groups keep theirs. Group ids are reused
// from prior by name so an unchanged list maps to an identical one.
func fromImList(im ImList, prior lyncList) lyncList {
	out := newLyncList()
	byItem := map[string]int{} // group item id → Lync id
	memberOf := map[string][]int{}
	nextFree := func() int {
		for id := 2; id <= 1<<20; id++ {
			if _, used := out.groups[id]; used {
				continue
			}
			if pg, used := prior.groups[id]; used {
				// keep ids of prior groups free for them
				if _, named := groupNamed(im, pg.Name); named {
					continue
				}
			}
			return id
		}
		return 0
	}
	// first pass: groups that reuse a prior id
	type pending struct {
		g    ImGroup
		name string
	}
	var fresh []pending
	for _, g := range im.Groups {
		name := g.DisplayName
		switch g.Type {
		case GroupOtherContacts:
			byItem[g.ID.ID] = DefaultGroupID
			continue
		case GroupFavorites, GroupTagged:
			if _, had := prior.groupByName(name); !had && len(g.Members) == 0 {
				continue
			}
		}
		if pg, had := prior.groupByName(name); had && pg.ID != DefaultGroupID {
			if _, taken := out.groups[pg.ID]; !taken {
				out.groups[pg.ID] = Group{ID: pg.ID, Name: name, ExternalURI: pg.ExternalURI}
				byItem[g.ID.ID] = pg.ID
				continue
			}
		}
		fresh = append(fresh, pending{g, name})
	}
	for _, p := range fresh {
		id := nextFree()
		out.groups[id] = Group{ID: id, Name: p.name}
		byItem[p.g.ID.ID] = id
	}
	for _, g := range im.Groups {
		id, ok := byItem[g.ID.ID]
		if !ok {
			continue
		}
		for _, m := range g.Members {
			memberOf[m.ID] = append(memberOf[m.ID], id)
		}
	}
	for _, c := range im.Contacts {
		uri := normURI(c.IMAddress)
		if uri == "" {
			continue
		}
		groups := memberOf[c.ID.ID]
		sort.Ints(groups)
		groups = slices.Compact(groups)
		if len(groups) == 0 {
			groups = []int{DefaultGroupID}
		}
		k := lower(uri)
		if prev, dup := out.contacts[k]; dup {
			groups = slices.Compact(slices.Sorted(slices.Values(append(prev.Groups, groups...))))
		}
		ct := Contact{URI: uri, Name: c.DisplayName, Groups: groups, Subscribed: true}
		if pc, had := prior.contacts[k]; had {
			ct.Subscribed, ct.ExternalURI, ct.Extension = pc.Subscribed, pc.ExternalURI, pc.Extension
			ct.URI = pc.URI
		}
		out.contacts[k] = ct
	}
	return out
}

func groupNamed(im ImList, name string) (ImGroup, bool) {
	for _, g := range im.Groups {
		if strings.EqualFold(g.DisplayName, name) {
			return g, true
		}
	}
	return ImGroup{}, false
}

// normURI strips a leading "sip:" (any case) and surrounding space.
func normURI(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 4 && strings.EqualFold(s[:4], "sip:") {
		s = s[4:]
	}
	return s
}

// checkURI validates a contact URI (alias@domain, with or without "sip:").
func checkURI(s string) (string, error) {
	u := normURI(s)
	at := strings.IndexByte(u, '@')
	switch {
	case u == "":
		return "", fmt.Errorf("the contact URI is empty")
	case strings.ContainsAny(u, " \t\r\n<>\"'"):
		return "", fmt.Errorf("contact URI %q contains a space, a quote, '<', '>' or a line break", s)
	case at <= 0 || at == len(u)-1 || strings.Count(u, "@") != 1:
		return "", fmt.Errorf("contact URI %q is not of the form sip:alias@domain", s)
	case len(u) > 256:
		return "", fmt.Errorf("contact URI %q is longer than 256 bytes", s)
	}
	return u, nil
}
