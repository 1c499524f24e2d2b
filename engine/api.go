package engine

import (
	"context"
	"maps"
	"slices"
	"time"
)

// Scheduler is how the engine asks for future work and runs jobs. The simulator implements it with
// its virtual-time queue (sim/vclock.Scheduler satisfies it); nothing in the engine uses clock
// timers directly.
type Scheduler interface {
	// At runs fn at virtual time t on the driver goroutine, after everything scheduled earlier for
	// the same instant. fn must be short: long work goes to Go.
	At(t time.Time, name string, fn func()) (cancel func())
	// Go runs fn as a job, counted for quiescence until it returns.
	Go(name string, fn func())
	// Sleep parks the calling job (which holds `held` units of quiescence, normally 1) for d of
	// virtual time.
	Sleep(ctx context.Context, d time.Duration, held int) error
}

// DefaultGroupID is the Lync default group "~" (shown as Other Contacts).
const DefaultGroupID = 1

// Group is a group of a Lync contact list ([MS-SIP] 2.2.4.1).
type Group struct {
	ID          int
	Name        string // "~" for the default group
	ExternalURI string
}

// Contact is a contact of a Lync contact list.
type Contact struct {
	URI         string // alias@domain, without "sip:"
	Name        string
	Groups      []int // group ids, at least one
	Subscribed  bool
	ExternalURI string
	Extension   string // contactExtension XML, opaque
}

// ContactList is a user's list as served over SIP: the Lync list, or (for a migrated user) the
// engine's mirror of the Exchange list. For a Lync 2013 endpoint of a migrated user the front end
// sends an empty list with ucsMode="migrated" instead.
type ContactList struct {
	DeltaNum int
	Migrated bool // ucsMode="migrated"
	Groups   []Group
	Contacts []Contact
}

// Delta is one contactDelta: the change from PrevDeltaNum to DeltaNum.
type Delta struct {
	DeltaNum, PrevDeltaNum int
	AddedGroups            []Group
	ModifiedGroups         []Group
	AddedContacts          []Contact
	ModifiedContacts       []Contact
	DeletedGroups          []int
	DeletedContacts        []string
}

// OpKind is a SERVICE operation on the contact list.
type OpKind string

// SERVICE operations ([MS-SIP] 3.7.4.3-4).
const (
	OpSetContact    OpKind = "setContact"
	OpDeleteContact OpKind = "deleteContact"
	OpAddGroup      OpKind = "addGroup"
	OpModifyGroup   OpKind = "modifyGroup"
	OpDeleteGroup   OpKind = "deleteGroup"
)

// Op is one SERVICE write. Fields not used by Kind are ignored.
type Op struct {
	Kind     OpKind
	Contact  Contact // setContact; deleteContact uses Contact.URI
	GroupID  int     // modifyGroup, deleteGroup
	Name     string  // addGroup, modifyGroup
	External string  // addGroup, modifyGroup externalURI
	DeltaNum int     // the client's deltaNum (stale is applied: last writer wins)
}

// OpResult is the outcome of an applied write.
type OpResult struct {
	GroupID  int // addGroup: the new group's id
	DeltaNum int // the list's deltaNum after the write
}

// Refusal is a write the engine refused; the front end answers Status with
// `ms-diagnostics: <Diag>;reason="<Reason>"` (docs/PROTOCOLS.md 1.5).
type Refusal struct {
	Status int // 400 or 403
	Diag   int // 2165 read-only (migrated), 2008 group limit, 2015 duplicate group, 2007 contact limit; 0 for 400
	Reason string
}

func (r *Refusal) Error() string { return r.Reason }

// View is what a signed-in endpoint gets on its roaming-contacts subscription.
type View struct {
	ReadsFrom ReadsFrom
	List      ContactList // full list, or the empty migrated list for a Lync 2013 endpoint reading from Exchange
}

// NotifyKind is the reason for a server-initiated notification (docs/PROTOCOLS.md 1.6).
type NotifyKind string

// Notification kinds.
const (
	NotifyDelta          NotifyKind = "delta"           // contactDelta
	NotifyMigratedPrompt NotifyKind = "migrated-prompt" // empty migrated list + ms-diagnostics 2165
	NotifyRollbackPrompt NotifyKind = "rollback-prompt" // full list + ms-diagnostics 2166
	NotifyTrigger        NotifyKind = "trigger"         // empty migrated list, no diagnostics: re-read
	NotifyFullList       NotifyKind = "full-list"       // full list, no diagnostics (rollback, reading from Lync)
	NotifyReadOnlyList   NotifyKind = "read-only-list"  // full list + ms-diagnostics 2165: a Lync 2010/mobile endpoint's list became read-only
)

// Notification is one message the front end must send to one endpoint's roaming-contacts
// subscription, in the order the engine produced them.
type Notification struct {
	Kind     NotifyKind
	User     string // sip:alias@domain
	Endpoint string
	Delta    *Delta       // NotifyDelta
	List     *ContactList // prompts, triggers, full lists

	report func(error) // set by the engine on a prompt; see Report
}

// Report tells the engine whether the notification reached its endpoint: nil once it did (the
// NOTIFY answered, the BENOTIFY written), otherwise why not. A Listener calls it once per
// notification it is given, whatever becomes of it, and never while holding a lock the engine's
// Listener call needs. The engine traces a prompt (prompt.shown) only once it is reported delivered
// (docs/BEHAVIOR.md B-3.1); one that was not is owed no answer.
func (n Notification) Report(err error) {
	if n.report != nil {
		n.report(err)
	}
}

// Listener receives the engine's notifications. It is called outside the engine lock, per user in
// order; it must not block on the network (queue the send and count it for quiescence), and it
// reports each notification's fate (Notification.Report).
type Listener interface {
	Notify(n Notification)
}

// DetailKeys lists the keys of an event's details in sorted order: traces, reports and the shell
// print details in this order so every rendering of a run is byte-identical.
func (e Event) DetailKeys() []string { return sortedKeys(e.Details) }

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// Event is one entry of the trace (docs/SCENARIO-FORMAT.md "Trace event types").
type Event struct {
	Time    time.Time
	Type    EventType
	User    string         // sip:alias@domain, or "" for world events
	Details map[string]any // JSON-encodable, deterministic
}
