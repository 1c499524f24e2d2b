package engine

import (
	"context"
	"sort"
)

// otherKey names Other Contacts (Lync group 1) among group keys, which are lower-case names.
const otherKey = "\x00other"

// reconcileFor runs reconcile with the user's owned set and records as owned what it may have
// written (a failed attempt may have written any contact it had started to write).
func (e *Engine) reconcileFor(ctx context.Context, u *user, mbox string, target lyncList) error {
	e.lock()
	var owned map[string]bool // nil: everything is a leftover
	if !u.purge || u.purgeKeep {
		owned = make(map[string]bool, len(u.owned)+len(u.purgeKeys))
		// order does not matter: copying a set
		for k := range u.owned {
			owned[k] = true
		}
		// order does not matter: copying a set
		for k := range u.purgeKeys {
			owned[k] = true // recorded lost by a forced rollback: a leftover
		}
	}
	purging := u.purge
	e.unlock()
	claimed, err := e.reconcile(ctx, mbox, target, owned)
	e.lock()
	// order does not matter: filling a set
	for k := range claimed {
		u.owned[k] = true
	}
	if err == nil && purging {
		u.purge, u.purgeKeep, u.purgeKeys = false, false, nil
	}
	e.unlock()
	return err
}

// reconcile makes the mailbox's IM list hold target (docs/PROTOCOLS.md 4 decision 6): leftovers of an
// earlier attempt that target no longer holds go (only contacts in owned: others were added from
// Outlook and stay), then groups and contacts are added. Every step is idempotent, so a retried
// attempt never duplicates.
//
// claimed lists the contacts the attempt wrote or started to write, which become the engine's
// (owned). A contact of target that Outlook had already put in the mailbox is adopted, not
// claimed: the attempt keeps Outlook's item (or rewrites it into the list's groups) and the
// address stays Outlook's, so a remove through Lync before the commit leaves it, as it would have
// before the attempt started.
func (e *Engine) reconcile(ctx context.Context, mbox string, target lyncList, owned map[string]bool) (claimed map[string]bool, err error) {
	claimed = map[string]bool{}
	var im ImList
	if err := e.call(ctx, func() (err error) { im, err = e.ex.GetImItemList(ctx, mbox); return }); err != nil {
		return claimed, err
	}
	adopted := map[string]bool{}
	keyOf := map[string]string{} // group item id → key
	groupItem := map[string]ItemID{}
	for _, g := range im.Groups {
		var k string
		switch g.Type {
		case GroupOtherContacts:
			k = otherKey
		case GroupFavorites:
			k = "favorites"
		case GroupTagged:
			k = "tagged"
		case GroupUser:
			k = lower(g.DisplayName)
		default:
			continue
		}
		keyOf[g.ID.ID] = k
		if _, seen := groupItem[k]; !seen {
			groupItem[k] = g.ID
		}
	}
	lyncKey := func(id int) string {
		if id == DefaultGroupID {
			return otherKey
		}
		return lower(target.groups[id].Name)
	}
	want := map[string]map[string]bool{} // contact key → group keys
	// order does not matter: building a map
	for k, c := range target.contacts {
		set := map[string]bool{}
		for _, id := range c.Groups {
			set[lyncKey(id)] = true
		}
		want[k] = set
	}
	have := map[string]map[string]bool{} // contact item id → group keys
	for _, g := range im.Groups {
		if k, ok := keyOf[g.ID.ID]; ok {
			for _, m := range g.Members {
				if have[m.ID] == nil {
					have[m.ID] = map[string]bool{}
				}
				have[m.ID][k] = true
			}
		}
	}
	kept := map[string]bool{}
	for _, c := range im.Contacts {
		k := lower(normURI(c.IMAddress))
		w, inTarget := want[k]
		if inTarget && owned != nil && !owned[k] {
			adopted[k] = true
		}
		if inTarget && !kept[k] && sameKeys(w, have[c.ID.ID]) {
			kept[k] = true
			continue
		}
		if !inTarget && owned != nil && !owned[k] {
			continue
		}
		id := c.ID
		if err := e.call(ctx, func() error { return e.ex.RemoveContactFromImList(ctx, mbox, id) }); err != nil && !goneCode(err) {
			return claimed, err
		}
	}
	wantGroups := map[string]bool{}
	// order does not matter: building a set
	for _, g := range target.groups {
		if g.ID != DefaultGroupID {
			wantGroups[lower(g.Name)] = true
		}
	}
	for _, g := range im.Groups {
		if g.Type == GroupUser && !wantGroups[lower(g.DisplayName)] {
			id := g.ID
			if err := e.call(ctx, func() error { return e.ex.RemoveImGroup(ctx, mbox, id) }); err != nil && !goneCode(err) {
				return claimed, err
			}
			delete(groupItem, lower(g.DisplayName))
		}
	}
	for _, gid := range sortedGroupIDs(target.groups) {
		g := target.groups[gid]
		k := lyncKey(gid)
		if _, ok := groupItem[k]; ok {
			continue
		}
		var ig ImGroup
		if err := e.call(ctx, func() (err error) { ig, err = e.ex.AddImGroup(ctx, mbox, g.Name); return }); err != nil {
			return claimed, err
		}
		groupItem[k] = ig.ID
	}
	for _, k := range target.sortedKeys() {
		if kept[k] {
			continue
		}
		c := target.contacts[k]
		keys := make([]string, 0, len(c.Groups))
		for _, id := range c.Groups {
			keys = append(keys, lyncKey(id))
		}
		sort.Strings(keys)
		var ic ImContact
		first := groupItem[keys[0]]
		if !adopted[k] {
			claimed[k] = true
		}
		if err := e.call(ctx, func() (err error) {
			ic, err = e.ex.AddNewImContactToGroup(ctx, mbox, c.URI, c.Name, first)
			return
		}); err != nil {
			return claimed, err
		}
		for _, gk := range keys[1:] {
			gi := groupItem[gk]
			if err := e.call(ctx, func() error { return e.ex.AddImContactToGroup(ctx, mbox, ic.ID, gi) }); err != nil {
				return claimed, err
			}
		}
	}
	return claimed, nil
}

func sameKeys(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	// order does not matter: a yes/no answer
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// goneCode reports an id that no longer exists: for a removal, that counts as done.
func goneCode(err error) bool {
	switch ExchangeCode(err) {
	case CodeInvalidImContactID, CodeInvalidImGroupID, CodeInvalidIDMalformed:
		return true
	}
	return false
}
