package enginetest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/ucssim/ucssim/engine"
)

// FakeEngine is a small in-memory stand-in for the engine, for the front-end and client specs:
// users with a Lync list, SERVICE writes with deltas, and hand-driven migration, rollback and
// Exchange changes that emit the notifications of docs/PROTOCOLS.md 1.6. It records every call the
// front end makes so specs can assert what reached the engine. The zero value is not usable; call
// NewFakeEngine.
type FakeEngine struct {
	mu       sync.Mutex
	users    map[string]*user
	listener engine.Listener
	calls    []string
}

type user struct {
	list      engine.ContactList
	migrated  bool
	endpoints map[string]*endpoint
}

type endpoint struct {
	kind  engine.ClientKind
	reads engine.ReadsFrom
}

// NewFakeEngine returns a fake engine with no users.
func NewFakeEngine() *FakeEngine { return &FakeEngine{users: map[string]*user{}} }

// SetListener sets where notifications go (the front end).
func (e *FakeEngine) SetListener(l engine.Listener) {
	e.mu.Lock()
	e.listener = l
	e.mu.Unlock()
}

// AddUser adds sip:alias@domain with group 1 and the given contacts (in group 1).
func (e *FakeEngine) AddUser(sip string, contacts ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := &user{list: engine.ContactList{DeltaNum: 1, Groups: []engine.Group{{ID: 1, Name: "~"}}}, endpoints: map[string]*endpoint{}}
	for _, c := range contacts {
		u.list.Contacts = append(u.list.Contacts, engine.Contact{URI: c, Groups: []int{1}, Subscribed: true})
	}
	e.users[sip] = u
}

// Calls is every front-end call so far, e.g. "SignIn sip:a@b desktop lync2013".
func (e *FakeEngine) Calls() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.calls)
}

// Endpoints lists a user's signed-in endpoints as "id kind reads", sorted.
func (e *FakeEngine) Endpoints(sip string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	if u := e.users[sip]; u != nil {
		for id, ep := range u.endpoints {
			out = append(out, fmt.Sprintf("%s %s %s", id, ep.kind, ep.reads))
		}
	}
	sort.Strings(out)
	return out
}

// ResolveUser accepts sip:alias@domain or alias@domain, case-insensitively.
func (e *FakeEngine) ResolveUser(identity string) (string, error) {
	sip := "sip:" + strings.ToLower(strings.TrimPrefix(identity, "sip:"))
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.users[sip] == nil {
		return "", fmt.Errorf("no user %q: %w", identity, engine.ErrUnknownUser)
	}
	return sip, nil
}

// SignIn records the endpoint and answers its view.
func (e *FakeEngine) SignIn(sip, ep string, kind engine.ClientKind) (engine.View, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, fmt.Sprintf("SignIn %s %s %s", sip, ep, kind))
	u := e.users[sip]
	if u == nil {
		return engine.View{}, fmt.Errorf("no user %q: %w", sip, engine.ErrUnknownUser)
	}
	st := &endpoint{kind: kind, reads: engine.ReadsLync}
	view := engine.View{ReadsFrom: engine.ReadsLync, List: cloneList(u.list)}
	if u.migrated {
		if kind == engine.Lync2013 {
			st.reads = engine.ReadsExchange
			view = engine.View{ReadsFrom: engine.ReadsExchange, List: engine.ContactList{DeltaNum: u.list.DeltaNum, Migrated: true}}
		} else {
			st.reads = engine.ReadsReadOnly
			view.ReadsFrom = engine.ReadsReadOnly
		}
	}
	u.endpoints[ep] = st
	return view, nil
}

// SignOut forgets the endpoint.
func (e *FakeEngine) SignOut(sip, ep string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, fmt.Sprintf("SignOut %s %s", sip, ep))
	if u := e.users[sip]; u != nil {
		delete(u.endpoints, ep)
	}
}

// ContactList is the user's list, flagged migrated once Migrate ran.
func (e *FakeEngine) ContactList(sip string) (engine.ContactList, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[sip]
	if u == nil {
		return engine.ContactList{}, fmt.Errorf("no user %q: %w", sip, engine.ErrUnknownUser)
	}
	l := cloneList(u.list)
	l.Migrated = u.migrated
	return l, nil
}

// Apply performs a SERVICE write and pushes the delta to every endpoint reading from Lync.
func (e *FakeEngine) Apply(sip, ep string, op engine.Op) (engine.OpResult, error) {
	e.mu.Lock()
	e.calls = append(e.calls, fmt.Sprintf("Apply %s %s %s", sip, ep, op.Kind))
	u := e.users[sip]
	if u == nil {
		e.mu.Unlock()
		return engine.OpResult{}, &engine.Refusal{Status: 404, Reason: "no such user"}
	}
	if u.migrated {
		e.mu.Unlock()
		return engine.OpResult{}, &engine.Refusal{Status: 403, Diag: 2165, Reason: "Contact list is read-only: it has migrated to Exchange"}
	}
	d := engine.Delta{PrevDeltaNum: u.list.DeltaNum, DeltaNum: u.list.DeltaNum + 1}
	var res engine.OpResult
	switch op.Kind {
	case engine.OpSetContact:
		for _, g := range op.Contact.Groups {
			if !u.hasGroup(g) {
				e.mu.Unlock()
				return engine.OpResult{}, &engine.Refusal{Status: 400, Reason: fmt.Sprintf("unknown group %d", g)}
			}
		}
		i := slices.IndexFunc(u.list.Contacts, func(c engine.Contact) bool { return c.URI == op.Contact.URI })
		if i < 0 {
			u.list.Contacts = append(u.list.Contacts, op.Contact)
			d.AddedContacts = []engine.Contact{op.Contact}
		} else {
			u.list.Contacts[i] = op.Contact
			d.ModifiedContacts = []engine.Contact{op.Contact}
		}
	case engine.OpDeleteContact:
		i := slices.IndexFunc(u.list.Contacts, func(c engine.Contact) bool { return c.URI == op.Contact.URI })
		if i < 0 {
			e.mu.Unlock()
			return engine.OpResult{}, &engine.Refusal{Status: 400, Reason: "no such contact " + op.Contact.URI}
		}
		u.list.Contacts = slices.Delete(u.list.Contacts, i, i+1)
		d.DeletedContacts = []string{op.Contact.URI}
	case engine.OpAddGroup:
		for _, g := range u.list.Groups {
			if strings.EqualFold(g.Name, op.Name) {
				e.mu.Unlock()
				return engine.OpResult{}, &engine.Refusal{Status: 403, Diag: 2015, Reason: "Duplicate group name"}
			}
		}
		g := engine.Group{ID: u.list.Groups[len(u.list.Groups)-1].ID + 1, Name: op.Name}
		u.list.Groups = append(u.list.Groups, g)
		d.AddedGroups = []engine.Group{g}
		res.GroupID = g.ID
	default:
		e.mu.Unlock()
		return engine.OpResult{}, &engine.Refusal{Status: 400, Reason: "operation not simulated by the fake: " + string(op.Kind)}
	}
	u.list.DeltaNum = d.DeltaNum
	res.DeltaNum = d.DeltaNum
	ns := e.notesLocked(sip, u, func(ep *endpoint) *engine.Notification {
		if ep.reads == engine.ReadsExchange {
			return nil
		}
		dd := d
		return &engine.Notification{Kind: engine.NotifyDelta, Delta: &dd}
	})
	e.mu.Unlock()
	e.send(ns)
	return res, nil
}

func (u *user) hasGroup(id int) bool {
	return slices.ContainsFunc(u.list.Groups, func(g engine.Group) bool { return g.ID == id })
}

// Migrate marks the list migrated and prompts the Lync 2013 endpoints reading from Lync.
func (e *FakeEngine) Migrate(sip string) {
	e.mu.Lock()
	u := e.users[sip]
	u.migrated = true
	ns := e.notesLocked(sip, u, func(ep *endpoint) *engine.Notification {
		if ep.kind != engine.Lync2013 || ep.reads != engine.ReadsLync {
			return nil
		}
		return &engine.Notification{Kind: engine.NotifyMigratedPrompt, List: &engine.ContactList{DeltaNum: u.list.DeltaNum, Migrated: true}}
	})
	e.mu.Unlock()
	e.send(ns)
}

// Rollback moves the list back to Lync (new deltaNum) and prompts Lync 2013 endpoints reading
// from Exchange; others get the full list.
func (e *FakeEngine) Rollback(sip string) {
	e.mu.Lock()
	u := e.users[sip]
	u.migrated = false
	u.list.DeltaNum++
	full := cloneList(u.list)
	ns := e.notesLocked(sip, u, func(ep *endpoint) *engine.Notification {
		switch {
		case ep.reads == engine.ReadsExchange:
			return &engine.Notification{Kind: engine.NotifyRollbackPrompt, List: &full}
		case ep.kind == engine.Lync2013:
			return &engine.Notification{Kind: engine.NotifyFullList, List: &full}
		}
		return nil
	})
	e.mu.Unlock()
	e.send(ns)
}

// ExchangeChanged sends a trigger to Lync 2013 endpoints reading from Exchange.
func (e *FakeEngine) ExchangeChanged(sip string) {
	e.mu.Lock()
	u := e.users[sip]
	ns := e.notesLocked(sip, u, func(ep *endpoint) *engine.Notification {
		if ep.reads != engine.ReadsExchange {
			return nil
		}
		return &engine.Notification{Kind: engine.NotifyTrigger, List: &engine.ContactList{DeltaNum: u.list.DeltaNum, Migrated: true}}
	})
	e.mu.Unlock()
	e.send(ns)
}

// notesLocked builds one notification per endpoint, in endpoint-id order.
func (e *FakeEngine) notesLocked(sip string, u *user, f func(*endpoint) *engine.Notification) []engine.Notification {
	ids := make([]string, 0, len(u.endpoints))
	for id := range u.endpoints {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []engine.Notification
	for _, id := range ids {
		if n := f(u.endpoints[id]); n != nil {
			n.User, n.Endpoint = sip, id
			out = append(out, *n)
		}
	}
	return out
}

func (e *FakeEngine) send(ns []engine.Notification) {
	e.mu.Lock()
	l := e.listener
	e.mu.Unlock()
	if l == nil {
		return
	}
	for _, n := range ns {
		l.Notify(n)
	}
}

func cloneList(l engine.ContactList) engine.ContactList {
	l.Groups = slices.Clone(l.Groups)
	l.Contacts = slices.Clone(l.Contacts)
	return l
}
