package engine

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Refusal reasons (docs/PROTOCOLS.md 1.5).
const (
	reasonReadOnly     = "Contact list is read-only: it has migrated to Exchange"
	reasonGroupLimit   = "Group limit exceeded"
	reasonDupGroup     = "Duplicate group name"
	reasonContactLimit = "Contact limit exceeded"
)

func badRequest(format string, a ...any) *Refusal {
	return &Refusal{Status: 400, Reason: fmt.Sprintf(format, a...)}
}

// Apply performs one SERVICE write on the user's Lync list and pushes the resulting contactDelta to
// every endpoint reading from Lync. A refused write returns a *Refusal and changes nothing.
func (e *Engine) Apply(userID, endpointID string, op Op) (OpResult, error) {
	e.lock()
	defer e.unlock()
	u, err := e.resolveLocked(userID)
	if err != nil {
		return OpResult{}, err
	}
	if u.phase == phaseMigrated || u.rollingBack {
		return OpResult{}, &Refusal{Status: 403, Diag: 2165, Reason: reasonReadOnly}
	}
	if ep, ok := u.endpoints[endpointID]; ok && ep.readsFrom == ReadsReadOnly {
		return OpResult{}, &Refusal{Status: 403, Diag: 2165, Reason: reasonReadOnly}
	}
	for _, s := range []string{op.Name, op.External, op.Contact.URI, op.Contact.Name, op.Contact.ExternalURI} {
		if strings.ContainsAny(s, "\r\n") {
			return OpResult{}, badRequest("a value contains CR or LF")
		}
	}
	switch op.Kind {
	case OpSetContact:
		return e.setContactLocked(u, op)
	case OpDeleteContact:
		return e.deleteContactLocked(u, op)
	case OpAddGroup:
		return e.addGroupLocked(u, op)
	case OpModifyGroup:
		return e.modifyGroupLocked(u, op)
	case OpDeleteGroup:
		return e.deleteGroupLocked(u, op)
	}
	return OpResult{}, badRequest("unknown operation %q", op.Kind)
}

// commitLyncLocked replaces the Lync list with next and pushes the delta to Lync readers.
func (e *Engine) commitLyncLocked(u *user, next lyncList) OpResult {
	if d, ok := u.bumpAndDiff(u.lync, next); ok {
		u.lync = next
		e.sendDeltaLocked(u, d, ReadsLync)
	}
	return OpResult{DeltaNum: u.deltaNum}
}

func (e *Engine) setContactLocked(u *user, op Op) (OpResult, error) {
	uri, err := checkURI(op.Contact.URI)
	if err != nil {
		return OpResult{}, badRequest("%v", err)
	}
	groups := slices.Clone(op.Contact.Groups)
	if len(groups) == 0 {
		groups = []int{DefaultGroupID}
	}
	sort.Ints(groups)
	groups = slices.Compact(groups)
	for _, g := range groups {
		if _, ok := u.lync.groups[g]; !ok {
			return OpResult{}, badRequest("unknown group id %d", g)
		}
	}
	k := lower(uri)
	old, exists := u.lync.contacts[k]
	if !exists && len(u.lync.contacts) >= e.cfg.MaxLyncContacts {
		return OpResult{}, &Refusal{Status: 403, Diag: 2007, Reason: reasonContactLimit}
	}
	c := op.Contact
	c.URI, c.Groups = uri, groups
	if exists {
		c.URI = old.URI
	}
	next := u.lync.clone()
	next.contacts[k] = c
	res := e.commitLyncLocked(u, next)
	if !exists {
		e.emitLocked(EventContactAdded, u.sip, map[string]any{"uri": uri, "store": string(StoreLync)})
	}
	return res, nil
}

func (e *Engine) deleteContactLocked(u *user, op Op) (OpResult, error) {
	uri, err := checkURI(op.Contact.URI)
	if err != nil {
		return OpResult{}, badRequest("%v", err)
	}
	k := lower(uri)
	if _, ok := u.lync.contacts[k]; !ok {
		return OpResult{DeltaNum: u.deltaNum}, nil // already gone: nothing to change
	}
	next := u.lync.clone()
	delete(next.contacts, k)
	res := e.commitLyncLocked(u, next)
	e.emitLocked(EventContactRemoved, u.sip, map[string]any{"uri": uri, "store": string(StoreLync)})
	return res, nil
}

func checkGroupName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("the group name is empty")
	case name == "~":
		return fmt.Errorf(`the group name "~" is reserved for the default group`)
	case len(name) > 256:
		return fmt.Errorf("the group name is longer than 256 bytes")
	}
	return nil
}

func (e *Engine) addGroupLocked(u *user, op Op) (OpResult, error) {
	if err := checkGroupName(op.Name); err != nil {
		return OpResult{}, badRequest("%v", err)
	}
	if _, dup := u.lync.groupByName(op.Name); dup {
		return OpResult{}, &Refusal{Status: 403, Diag: 2015, Reason: reasonDupGroup}
	}
	id := u.lync.freeGroupID()
	if id == 0 {
		return OpResult{}, &Refusal{Status: 403, Diag: 2008, Reason: reasonGroupLimit}
	}
	next := u.lync.clone()
	next.groups[id] = Group{ID: id, Name: op.Name, ExternalURI: op.External}
	res := e.commitLyncLocked(u, next)
	res.GroupID = id
	return res, nil
}

func (e *Engine) modifyGroupLocked(u *user, op Op) (OpResult, error) {
	if op.GroupID == DefaultGroupID {
		return OpResult{}, badRequest("the default group cannot be changed")
	}
	if _, ok := u.lync.groups[op.GroupID]; !ok {
		return OpResult{}, badRequest("unknown group id %d", op.GroupID)
	}
	if err := checkGroupName(op.Name); err != nil {
		return OpResult{}, badRequest("%v", err)
	}
	if g, dup := u.lync.groupByName(op.Name); dup && g.ID != op.GroupID {
		return OpResult{}, &Refusal{Status: 403, Diag: 2015, Reason: reasonDupGroup}
	}
	next := u.lync.clone()
	next.groups[op.GroupID] = Group{ID: op.GroupID, Name: op.Name, ExternalURI: op.External}
	return e.commitLyncLocked(u, next), nil
}

// deleteGroupLocked sends two deltas for a non-empty group: members leave it (to group 1 if in no
// other), then the group goes.
func (e *Engine) deleteGroupLocked(u *user, op Op) (OpResult, error) {
	if op.GroupID == DefaultGroupID {
		return OpResult{}, badRequest("the default group cannot be deleted")
	}
	if _, ok := u.lync.groups[op.GroupID]; !ok {
		return OpResult{}, badRequest("unknown group id %d", op.GroupID)
	}
	moved := u.lync.clone()
	// order does not matter: every contact is rewritten the same way
	for k, c := range moved.contacts {
		if i := slices.Index(c.Groups, op.GroupID); i >= 0 {
			c.Groups = slices.Delete(c.Groups, i, i+1)
			if len(c.Groups) == 0 {
				c.Groups = []int{DefaultGroupID}
			}
			moved.contacts[k] = c
		}
	}
	e.commitLyncLocked(u, moved)
	next := u.lync.clone()
	delete(next.groups, op.GroupID)
	return e.commitLyncLocked(u, next), nil
}
