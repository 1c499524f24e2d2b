package enginetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/ucssim/ucssim/engine"
)

// Fault makes the server misbehave until Until (zero: until replaced). Mailbox "" is server-wide.
type Fault struct {
	Kind    engine.FaultKind // "" none; engine.FaultDown, engine.FaultBusy, engine.FaultSlow, engine.FaultUnauthorized
	Mailbox string
	Until   time.Time
	BackOff time.Duration // busy: BackOffMilliseconds
	Latency time.Duration // slow: added to each answer, on virtual time
}

// Sleeper parks a caller on virtual time (*vclock.Scheduler satisfies it).
type Sleeper interface {
	Sleep(ctx context.Context, d time.Duration, held int) error
}

// Config configures an Exchange.
type Config struct {
	Clock       clock.Clock // reads fault windows; nil: faults never expire
	Sleeper     Sleeper     // needed for slow faults
	MaxContacts int         // default 1000
	MaxGroups   int         // user + DG groups, default 64
	// OnChange is called after each change of a mailbox's IM list, outside the server's lock.
	OnChange func(mailbox string, byServer bool)
}

// Exchange is an in-memory mailbox server.
type Exchange struct {
	cfg       Config
	mu        sync.Mutex
	mailboxes map[string]*mailbox
	faults    map[string]Fault
	calls     map[string]int
}

type mailbox struct {
	kind     engine.MailboxKind
	groups   []*group
	contacts []*contact
	migrated bool
	next     int
}

type group struct {
	id      engine.ItemID
	name    string
	typ     engine.GroupType
	members []string // contact item ids
}

type contact struct {
	id   engine.ItemID
	addr string
	name string
}

var _ engine.Exchange = (*Exchange)(nil)

// New returns an empty server.
func New(cfg Config) *Exchange {
	if cfg.MaxContacts <= 0 {
		cfg.MaxContacts = 1000
	}
	if cfg.MaxGroups <= 0 {
		cfg.MaxGroups = 64
	}
	return &Exchange{cfg: cfg, mailboxes: map[string]*mailbox{}, faults: map[string]Fault{}, calls: map[string]int{}}
}

// AddMailbox creates a mailbox (alias@domain) of the given Exchange version.
func (x *Exchange) AddMailbox(smtp string, kind engine.MailboxKind) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.mailboxes[strings.ToLower(smtp)] = &mailbox{kind: kind}
}

// SetFault replaces the fault of f.Mailbox ("" = server-wide); Kind "" clears it.
func (x *Exchange) SetFault(f Fault) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if f.Kind == "" {
		delete(x.faults, strings.ToLower(f.Mailbox))
		return
	}
	x.faults[strings.ToLower(f.Mailbox)] = f
}

// Calls reports how many times an operation was called (whatever its outcome).
func (x *Exchange) Calls(op string) int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.calls[op]
}

// List returns a copy of a mailbox's IM list (as GetImItemList, without creating groups) and its
// "IM list migrated" flag.
func (x *Exchange) List(smtp string) (engine.ImList, bool, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	mb, ok := x.mailboxes[strings.ToLower(smtp)]
	if !ok {
		return engine.ImList{}, false, fmt.Errorf("no mailbox %s", smtp)
	}
	return mb.list(), mb.migrated, nil
}

// Seed writes contacts into a mailbox's Other Contacts as the world's start state and sets the
// migrated flag.
func (x *Exchange) Seed(smtp string, addrs ...string) error {
	for _, a := range addrs {
		if err := x.OutlookAddContact(smtp, a, ""); err != nil {
			return err
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	mb, ok := x.mailboxes[strings.ToLower(smtp)]
	if !ok {
		return fmt.Errorf("no mailbox %s", smtp)
	}
	mb.migrated = true
	return nil
}

// OutlookAddContact adds a contact as Outlook or OWA does (no group: Other Contacts).
func (x *Exchange) OutlookAddContact(smtp, imAddress, displayName string) error {
	_, err := x.mutate(context.Background(), "OutlookAddContact", smtp, false, false, func(mb *mailbox) (any, error) {
		return mb.addContact(x.cfg.MaxContacts, imAddress, displayName, engine.ItemID{})
	})
	return err
}

// OutlookRemoveContact deletes a contact by IM address as Outlook does.
func (x *Exchange) OutlookRemoveContact(smtp, imAddress string) error {
	_, err := x.mutate(context.Background(), "OutlookRemoveContact", smtp, false, false, func(mb *mailbox) (any, error) {
		c := mb.findAddr(imAddress)
		if c == nil {
			return nil, fmt.Errorf("no contact %s in %s", imAddress, smtp)
		}
		return nil, mb.removeContact(c.id.ID)
	})
	return err
}

// mutate runs op against a mailbox under the lock after the fault checks (and latency), then
// reports the change. read-only operations pass change=false.
func (x *Exchange) mutate(ctx context.Context, op, smtp string, server, readOnly bool, fn func(*mailbox) (any, error)) (any, error) {
	x.mu.Lock()
	x.calls[op]++
	var f Fault
	if server {
		f = x.activeFault(smtp)
	}
	x.mu.Unlock()
	switch f.Kind {
	case engine.FaultDown:
		return nil, &engine.TransportError{Operation: op, StatusCode: 503}
	case engine.FaultUnauthorized:
		return nil, &engine.TransportError{Operation: op, StatusCode: 401}
	case engine.FaultBusy:
		return nil, &engine.ExchangeError{Operation: op, Code: engine.CodeServerBusy, Message: "The server cannot service this request right now. Try again later.", BackOff: f.BackOff}
	case engine.FaultSlow:
		if x.cfg.Sleeper != nil {
			if err := x.cfg.Sleeper.Sleep(ctx, f.Latency, 1); err != nil {
				return nil, err
			}
		}
	}
	x.mu.Lock()
	mb, ok := x.mailboxes[strings.ToLower(smtp)]
	if !ok || mb.kind != engine.MailboxExchange2013 {
		x.mu.Unlock()
		return nil, &engine.ExchangeError{Operation: op, Code: engine.CodeNonExistentMailbox, Message: "No Exchange 2013 mailbox for " + smtp}
	}
	res, err := fn(mb)
	x.mu.Unlock()
	if ee, isEE := err.(*engine.ExchangeError); isEE {
		ee.Operation = op
	}
	if err == nil && !readOnly && x.cfg.OnChange != nil {
		x.cfg.OnChange(strings.ToLower(smtp), server)
	}
	return res, err
}

func (x *Exchange) activeFault(smtp string) Fault {
	for _, k := range []string{strings.ToLower(smtp), ""} {
		f, ok := x.faults[k]
		if !ok {
			continue
		}
		if f.Until.IsZero() || x.cfg.Clock == nil || x.cfg.Clock.Now().Before(f.Until) {
			return f
		}
	}
	return Fault{}
}

func exErr(code, format string, a ...any) error {
	return &engine.ExchangeError{Code: code, Message: fmt.Sprintf(format, a...)}
}

// GetImItemList implements engine.Exchange.
func (x *Exchange) GetImItemList(ctx context.Context, smtp string) (engine.ImList, error) {
	res, err := x.mutate(ctx, "GetImItemList", smtp, true, true, func(mb *mailbox) (any, error) {
		mb.systemGroups()
		return mb.list(), nil
	})
	if err != nil {
		return engine.ImList{}, err
	}
	return res.(engine.ImList), nil
}

// AddImGroup implements engine.Exchange.
func (x *Exchange) AddImGroup(ctx context.Context, smtp, name string) (engine.ImGroup, error) {
	res, err := x.mutate(ctx, "AddImGroup", smtp, true, false, func(mb *mailbox) (any, error) {
		mb.systemGroups()
		for _, g := range mb.groups {
			if strings.EqualFold(g.name, name) {
				return g.export(), nil
			}
		}
		n := 0
		for _, g := range mb.groups {
			if g.typ == engine.GroupUser || g.typ == engine.GroupDG {
				n++
			}
		}
		if n >= x.cfg.MaxGroups {
			return nil, exErr(engine.CodeImGroupLimit, "the mailbox already has %d IM groups (limit %d)", n, x.cfg.MaxGroups)
		}
		g := &group{id: mb.newID("g"), name: name, typ: engine.GroupUser}
		mb.groups = append(mb.groups, g)
		return g.export(), nil
	})
	if err != nil {
		return engine.ImGroup{}, err
	}
	return res.(engine.ImGroup), nil
}

// AddNewImContactToGroup implements engine.Exchange.
func (x *Exchange) AddNewImContactToGroup(ctx context.Context, smtp, imAddress, displayName string, grp engine.ItemID) (engine.ImContact, error) {
	res, err := x.mutate(ctx, "AddNewImContactToGroup", smtp, true, false, func(mb *mailbox) (any, error) {
		return mb.addContact(x.cfg.MaxContacts, imAddress, displayName, grp)
	})
	if err != nil {
		return engine.ImContact{}, err
	}
	return res.(engine.ImContact), nil
}

// AddImContactToGroup implements engine.Exchange.
func (x *Exchange) AddImContactToGroup(ctx context.Context, smtp string, c, grp engine.ItemID) error {
	_, err := x.mutate(ctx, "AddImContactToGroup", smtp, true, false, func(mb *mailbox) (any, error) {
		if mb.findID(c.ID) == nil {
			return nil, exErr(engine.CodeInvalidImContactID, "no contact %s", c.ID)
		}
		g := mb.groupFor(grp)
		if g == nil {
			return nil, exErr(engine.CodeInvalidImGroupID, "no group %s", grp.ID)
		}
		if !slices.Contains(g.members, c.ID) {
			g.members = append(g.members, c.ID)
		}
		return nil, nil
	})
	return err
}

// RemoveContactFromImList implements engine.Exchange.
func (x *Exchange) RemoveContactFromImList(ctx context.Context, smtp string, c engine.ItemID) error {
	_, err := x.mutate(ctx, "RemoveContactFromImList", smtp, true, false, func(mb *mailbox) (any, error) {
		return nil, mb.removeContact(c.ID)
	})
	return err
}

// RemoveImGroup implements engine.Exchange.
func (x *Exchange) RemoveImGroup(ctx context.Context, smtp string, grp engine.ItemID) error {
	_, err := x.mutate(ctx, "RemoveImGroup", smtp, true, false, func(mb *mailbox) (any, error) {
		i := slices.IndexFunc(mb.groups, func(g *group) bool { return g.id.ID == grp.ID })
		if i < 0 || mb.groups[i].typ != engine.GroupUser {
			return nil, exErr(engine.CodeInvalidImGroupID, "no user group %s", grp.ID)
		}
		g := mb.groups[i]
		mb.groups = slices.Delete(mb.groups, i, i+1)
		for _, m := range g.members {
			if !mb.inSomeGroup(m) {
				_ = mb.removeContact(m)
			}
		}
		return nil, nil
	})
	return err
}

// SetImListMigrationCompleted implements engine.Exchange.
func (x *Exchange) SetImListMigrationCompleted(ctx context.Context, smtp string, completed bool) error {
	_, err := x.mutate(ctx, "SetImListMigrationCompleted", smtp, true, true, func(mb *mailbox) (any, error) {
		mb.migrated = completed
		return nil, nil
	})
	return err
}

func (mb *mailbox) newID(prefix string) engine.ItemID {
	mb.next++
	return engine.ItemID{ID: fmt.Sprintf("%s%d", prefix, mb.next), ChangeKey: fmt.Sprintf("ck%d", mb.next)}
}

func (mb *mailbox) systemGroups() {
	for _, s := range []struct {
		name string
		typ  engine.GroupType
	}{{"Other Contacts", engine.GroupOtherContacts}, {"Favorites", engine.GroupFavorites}, {"Tagged", engine.GroupTagged}} {
		if !slices.ContainsFunc(mb.groups, func(g *group) bool { return g.typ == s.typ }) {
			mb.groups = append(mb.groups, &group{id: mb.newID("g"), name: s.name, typ: s.typ})
		}
	}
}

func (mb *mailbox) groupFor(id engine.ItemID) *group {
	if id.IsZero() {
		mb.systemGroups()
		for _, g := range mb.groups {
			if g.typ == engine.GroupOtherContacts {
				return g
			}
		}
	}
	for _, g := range mb.groups {
		if g.id.ID == id.ID {
			return g
		}
	}
	return nil
}

func (mb *mailbox) findID(id string) *contact {
	for _, c := range mb.contacts {
		if c.id.ID == id {
			return c
		}
	}
	return nil
}

func (mb *mailbox) findAddr(addr string) *contact {
	a := normAddr(addr)
	for _, c := range mb.contacts {
		if strings.EqualFold(c.addr, a) {
			return c
		}
	}
	return nil
}

func normAddr(s string) string {
	if len(s) >= 4 && strings.EqualFold(s[:4], "sip:") {
		return s[4:]
	}
	return s
}

func (mb *mailbox) addContact(limit int, addr, name string, grp engine.ItemID) (engine.ImContact, error) {
	g := mb.groupFor(grp)
	if g == nil {
		return engine.ImContact{}, exErr(engine.CodeInvalidImGroupID, "no group %s", grp.ID)
	}
	c := mb.findAddr(addr)
	if c == nil {
		if len(mb.contacts) >= limit {
			return engine.ImContact{}, exErr(engine.CodeImContactLimit, "the mailbox already has %d Lync contacts (limit %d)", len(mb.contacts), limit)
		}
		c = &contact{id: mb.newID("c"), addr: normAddr(addr), name: name}
		mb.contacts = append(mb.contacts, c)
	}
	if !slices.Contains(g.members, c.id.ID) {
		g.members = append(g.members, c.id.ID)
	}
	return c.export(), nil
}

func (mb *mailbox) removeContact(id string) error {
	i := slices.IndexFunc(mb.contacts, func(c *contact) bool { return c.id.ID == id })
	if i < 0 {
		return exErr(engine.CodeInvalidImContactID, "no contact %s", id)
	}
	mb.contacts = slices.Delete(mb.contacts, i, i+1)
	for _, g := range mb.groups {
		g.members = slices.DeleteFunc(g.members, func(m string) bool { return m == id })
	}
	return nil
}

func (mb *mailbox) inSomeGroup(id string) bool {
	for _, g := range mb.groups {
		if g.typ != engine.GroupTagged && slices.Contains(g.members, id) {
			return true
		}
	}
	return false
}

func (mb *mailbox) list() engine.ImList {
	var l engine.ImList
	for _, g := range mb.groups {
		l.Groups = append(l.Groups, g.export())
	}
	for _, c := range mb.contacts {
		if mb.inSomeGroup(c.id.ID) || slices.ContainsFunc(mb.groups, func(g *group) bool { return slices.Contains(g.members, c.id.ID) }) {
			l.Contacts = append(l.Contacts, c.export())
		}
	}
	return l
}

func (g *group) export() engine.ImGroup {
	ig := engine.ImGroup{ID: g.id, DisplayName: g.name, Type: g.typ}
	for _, m := range g.members {
		ig.Members = append(ig.Members, engine.ItemID{ID: m})
	}
	return ig
}

func (c *contact) export() engine.ImContact {
	return engine.ImContact{ID: c.id, PersonaID: "p" + c.id.ID, IMAddress: c.addr, DisplayName: c.name}
}
