package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// user is one Lync user and its unified contact store state.
type user struct {
	name, sip, upn string
	site, pool     string
	mailbox        MailboxKind
	grant          string // policy key of the per-user grant, "" none

	phase        phase // written only by the doors of phase.go
	rollingBack  bool  // a rollback is between its snapshot and its commit
	epoch        int   // bumped by every attempt start, cancel and rollback commit
	cancel       context.CancelFunc
	refreshing   bool // a mirror refresh job runs
	refreshAgain bool
	deltaNum     int
	lync         lyncList // the Lync store (authoritative unless migrated)
	mirror       lyncList // the engine's copy of the Exchange list while migrated
	// owned holds the (lower-case) URIs the engine has written to or read back from the mailbox:
	// only those are leftovers a later attempt may remove; others were added from Outlook.
	owned map[string]bool
	// purge: a forced rollback could not read the mailbox, so whatever it still holds was recorded
	// as lost; the next attempt removes everything the Lync list does not hold.
	purge bool

	attempts    int
	lastAttempt time.Time
	lastError   string
	holdUntil   time.Time
	holdCancel  func()
	lost        int

	endpoints map[string]*endpoint
	prompts   []*pendingPrompt // sent, not yet traced (prompt.go)
}

type endpoint struct {
	id        string
	kind      ClientKind
	readsFrom ReadsFrom
	prompt    promptState
}

// mailboxAddr is the user's SMTP address alias@domain.
func (u *user) mailboxAddr() string { return normURI(u.sip) }

// UserSpec describes a user of the world at set-up.
type UserSpec struct {
	Name, SIP, UPN string      // SIP "sip:alias@domain"; UPN default alias@domain
	Site, Pool     string      // default Config.Site/Pool
	Mailbox        MailboxKind // default exchange2013
	Policy         string      // per-user grant at start ("" none)
	Contacts       []ContactSpec
	// InExchange: the world has seeded the mailbox; the engine marks the user Migrated and
	// refreshes its mirror with a job.
	InExchange bool
}

// ContactSpec is a contact of a user's list at set-up; group names "" or "~" mean the default group.
type ContactSpec struct {
	URI, Name string
	Groups    []string
}

// AddUser adds a user of the world. Nothing changes when it returns an error.
func (e *Engine) AddUser(s UserSpec) error {
	if !strings.HasPrefix(lower(s.SIP), "sip:") {
		return fmt.Errorf("user %q: SIP address %q must start with \"sip:\"", s.Name, s.SIP)
	}
	addr, err := checkURI(s.SIP)
	if err != nil {
		return fmt.Errorf("user %q: %v", s.Name, err)
	}
	sip := "sip:" + addr
	if strings.TrimSpace(s.Name) == "" {
		s.Name = addr
	}
	if s.UPN == "" {
		s.UPN = addr
	}
	if s.Site == "" {
		s.Site = e.cfg.Site
	}
	if s.Pool == "" {
		s.Pool = e.cfg.Pool
	}
	switch s.Mailbox {
	case "":
		s.Mailbox = MailboxExchange2013
	case MailboxExchange2013, MailboxExchange2010, MailboxNone:
	default:
		return fmt.Errorf("user %q: unknown mailbox kind %q (exchange2013, exchange2010 or none)", s.Name, s.Mailbox)
	}
	if s.InExchange && s.Mailbox != MailboxExchange2013 {
		return fmt.Errorf("user %q: contacts can start in Exchange only with an exchange2013 mailbox", s.Name)
	}
	list := newLyncList()
	for i, c := range s.Contacts {
		uri, err := checkURI(c.URI)
		if err != nil {
			return fmt.Errorf("user %q: contact %d: %v", s.Name, i+1, err)
		}
		if _, dup := list.contacts[lower(uri)]; dup {
			return fmt.Errorf("user %q: contact %q is listed twice", s.Name, uri)
		}
		ct := Contact{URI: uri, Name: c.Name, Subscribed: true}
		for _, gn := range c.Groups {
			id := DefaultGroupID
			if gn != "" && gn != "~" {
				g, ok := list.groupByName(gn)
				if !ok {
					if g.ID = list.freeGroupID(); g.ID == 0 {
						return fmt.Errorf("user %q: more than %d groups", s.Name, MaxLyncGroups)
					}
					g.Name = gn
					list.groups[g.ID] = g
				}
				id = g.ID
			}
			if !containsInt(ct.Groups, id) {
				ct.Groups = append(ct.Groups, id)
			}
		}
		if len(ct.Groups) == 0 {
			ct.Groups = []int{DefaultGroupID}
		}
		sort.Ints(ct.Groups)
		list.contacts[lower(uri)] = ct
	}
	// The Lync contact cap refuses SIP writes past it (ms-diagnostics 2007); a world may still start
	// with a longer list, which is how a scenario shows the Exchange limit failing a migration.

	e.lock()
	defer e.unlock()
	if _, dup := e.users[lower(sip)]; dup {
		return fmt.Errorf("user %q: SIP address %s is already in use", s.Name, sip)
	}
	for _, u := range e.names[lower(s.Name)] {
		if strings.EqualFold(u.name, s.Name) {
			return fmt.Errorf("user %q: the display name is already in use by %s", s.Name, u.sip)
		}
	}
	for _, u := range e.names[lower(s.UPN)] {
		if strings.EqualFold(u.upn, s.UPN) {
			return fmt.Errorf("user %q: UPN %s is already in use by %s", s.Name, s.UPN, u.sip)
		}
	}
	u := &user{
		name: s.Name, sip: sip, upn: s.UPN, site: s.Site, pool: s.Pool, mailbox: s.Mailbox,
		deltaNum: 1, lync: list, mirror: newLyncList(), endpoints: map[string]*endpoint{}, owned: map[string]bool{},
	}
	if s.Policy != "" {
		p, err := e.grantablePolicyLocked(s.Policy)
		if err != nil {
			return fmt.Errorf("user %q: %v", s.Name, err)
		}
		u.grant = p.key()
	}
	e.users[lower(sip)] = u
	e.indexNamesLocked(u)
	if s.InExchange {
		if err := u.startInExchange(); err != nil {
			return err
		}
		u.lync = newLyncList()
		e.refreshMirrorLocked(u)
	}
	return nil
}

// indexNamesLocked makes the user findable by every identity but its SIP address: display name,
// UPN, domain\logon name and distinguished name (each once, compared case-insensitively).
func (e *Engine) indexNamesLocked(u *user) {
	seen := map[string]bool{}
	for _, k := range []string{u.name, u.upn, u.logon(), u.dn()} {
		k = lower(k)
		if !seen[k] {
			seen[k] = true
			e.names[k] = append(e.names[k], u)
		}
	}
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// ResolveUser finds a user by display name, SIP address (with or without sip:) or UPN.
func (e *Engine) ResolveUser(identity string) (string, error) {
	e.lock()
	defer e.unlock()
	u, err := e.resolveLocked(identity)
	if err != nil {
		return "", err
	}
	return u.sip, nil
}

func (e *Engine) resolveLocked(identity string) (*user, error) {
	id := strings.TrimSpace(identity)
	if id == "" {
		return nil, wrapf(ErrUnknownUser, "the user identity is empty")
	}
	if u, ok := e.users[lower("sip:"+normURI(id))]; ok {
		return u, nil
	}
	switch found := e.names[lower(id)]; len(found) {
	case 0:
		return nil, &notFoundError{identity: identity}
	case 1:
		return found[0], nil
	default:
		sips := make([]string, len(found))
		for i, u := range found {
			sips[i] = u.sip
		}
		sort.Strings(sips)
		return nil, wrapf(ErrAmbiguousUser, "user identity %q is ambiguous (%s, %s)", identity, sips[0], sips[1])
	}
}

// notFoundError is the product's answer for an identity that names no user.
type notFoundError struct{ identity string }

func (e *notFoundError) Error() string {
	return fmt.Sprintf("Management object not found for identity %q.", e.identity)
}

// Unwrap makes a not-found identity an ErrUnknownUser for errors.Is.
func (e *notFoundError) Unwrap() error { return ErrUnknownUser }

// resolveManyLocked resolves a user identity that may use wildcards in a display name ("* Myer"):
// the matching users in SIP address order; none is not an error for a wildcard.
func (e *Engine) resolveManyLocked(identity string) ([]*user, error) {
	id := strings.TrimSpace(identity)
	if !strings.ContainsAny(id, "*?") {
		u, err := e.resolveLocked(id)
		if err != nil {
			return nil, err
		}
		return []*user{u}, nil
	}
	var out []*user
	for _, k := range e.sortedUserKeysLocked() {
		if u := e.users[k]; likeFold(id, u.name) {
			out = append(out, u)
		}
	}
	return out, nil
}

func likeFold(pattern, s string) bool { return globMatch(lower(pattern), lower(s)) }

// samAccountName is the user's logon name: the user part of the UPN.
func (u *user) samAccountName() string {
	sam, _, _ := strings.Cut(u.upn, "@")
	return sam
}

// netbiosDomain is the user's domain as domain\user names it: the first label of the UPN domain.
func (u *user) netbiosDomain() string {
	_, dom, _ := strings.Cut(u.upn, "@")
	first, _, _ := strings.Cut(dom, ".")
	return first
}

// logon is domain\user (litwareinc\kenmyer).
func (u *user) logon() string { return u.netbiosDomain() + `\` + u.samAccountName() }

// dn is the user's Active Directory distinguished name, in the Users container of its domain.
func (u *user) dn() string {
	_, dom, _ := strings.Cut(u.upn, "@")
	parts := []string{"CN=" + strings.ReplaceAll(u.name, ",", `\,`), "CN=Users"}
	for _, label := range strings.Split(dom, ".") {
		if label != "" {
			parts = append(parts, "DC="+label)
		}
	}
	return strings.Join(parts, ",")
}

func (e *Engine) sortedUserKeysLocked() []string { return slices.Sorted(maps.Keys(e.users)) }

// Users lists the SIP addresses of all users, sorted.
func (e *Engine) Users() []string {
	e.lock()
	defer e.unlock()
	out := make([]string, 0, len(e.users))
	for _, k := range e.sortedUserKeysLocked() {
		out = append(out, e.users[k].sip)
	}
	return out
}

// UserStatus is a user's state as Debug-CsUnifiedContactStore and scenario expectations see it.
type UserStatus struct {
	Name, SIP       string
	State           State
	ContactsIn      Store
	Attempts        int
	LastAttempt     time.Time // zero if none
	LastError       string    // reason of the last failed attempt
	HoldUntil       time.Time // zero if no hold
	EffectivePolicy string    // as Get-CsUserServicesPolicy prints it: Global, Tag:X, Site:X, Service:UserServer:fqdn
	Pool            string    // the user's registrar pool
	LostContacts    int       // discarded by -Force so far
	Endpoints       []EndpointStatus
}

// EndpointStatus is one signed-in endpoint.
type EndpointStatus struct {
	ID        string
	Kind      ClientKind
	ReadsFrom ReadsFrom
	Prompt    bool
}

// Status reports a user's state.
func (e *Engine) Status(identity string) (UserStatus, error) {
	e.lock()
	defer e.unlock()
	u, err := e.resolveLocked(identity)
	if err != nil {
		return UserStatus{}, err
	}
	return e.statusLocked(u), nil
}

func (e *Engine) statusLocked(u *user) UserStatus {
	st := UserStatus{
		Name: u.name, SIP: u.sip, State: e.stateLocked(u), ContactsIn: StoreLync,
		Attempts: u.attempts, LastAttempt: u.lastAttempt, LastError: u.lastError,
		HoldUntil: u.holdUntil, EffectivePolicy: e.effectivePolicyLocked(u).Identity(), LostContacts: u.lost, Pool: u.pool,
	}
	if u.phase == phaseMigrated {
		st.ContactsIn = StoreExchange
	}
	for _, id := range sortedEndpointIDs(u) {
		ep := u.endpoints[id]
		st.Endpoints = append(st.Endpoints, EndpointStatus{ID: ep.id, Kind: ep.kind, ReadsFrom: ep.readsFrom, Prompt: ep.prompt == promptShown})
	}
	return st
}

func (e *Engine) stateLocked(u *user) State {
	switch u.phase {
	case phaseMigrated:
		return Migrated
	case phaseMigrating:
		return Migrating
	case phaseFailed:
		return Failed
	}
	if e.effectivePolicyLocked(u).ucsAllowed {
		return Allowed
	}
	return Disabled
}

func sortedEndpointIDs(u *user) []string { return slices.Sorted(maps.Keys(u.endpoints)) }

// LyncContacts is the Lync store of a user, authoritative or not, sorted by URI.
func (e *Engine) LyncContacts(identity string) ([]Contact, error) {
	e.lock()
	defer e.unlock()
	u, err := e.resolveLocked(identity)
	if err != nil {
		return nil, err
	}
	return u.lync.list(u.deltaNum).Contacts, nil
}

// MirrorContacts is the engine's copy of a migrated user's Exchange list (empty otherwise).
func (e *Engine) MirrorContacts(identity string) ([]Contact, error) {
	e.lock()
	defer e.unlock()
	u, err := e.resolveLocked(identity)
	if err != nil {
		return nil, err
	}
	if u.phase != phaseMigrated {
		return nil, nil
	}
	return u.mirror.list(u.deltaNum).Contacts, nil
}
