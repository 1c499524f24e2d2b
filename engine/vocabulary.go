package engine

import (
	"fmt"
	"strings"
)

// The engine's vocabulary: every kind, state and event name ucssim shares between the engine, the
// world, scenario files, the shell, traces and reports is declared here once, as typed constants
// with String and a list in documented order. Code compares and switches on the constants, never
// on string literals, so a rename is a compile error; readers of text (the scenario loader, the
// shell) turn user input into a constant with the Parse functions, which name the valid choices.

// ClientKind is the kind of client an endpoint signed in with.
type ClientKind string

// Client kinds. Only Lync 2013 triggers migration.
const (
	Lync2013 ClientKind = "lync2013"
	Lync2010 ClientKind = "lync2010"
	Mobile   ClientKind = "mobile"
)

// ReadsFrom says where a signed-in endpoint reads its contact list from.
type ReadsFrom string

// Where endpoints read from.
const (
	ReadsLync     ReadsFrom = "lync"
	ReadsExchange ReadsFrom = "exchange"
	ReadsReadOnly ReadsFrom = "readonly" // Lync 2010-class endpoint of a migrated user
)

// State is a user's unified contact store state (Debug-CsUnifiedContactStore vocabulary).
type State string

// User states.
const (
	Disabled  State = "Disabled"
	Allowed   State = "Allowed"
	Migrating State = "Migrating"
	Migrated  State = "Migrated"
	Failed    State = "Failed"
)

// Store names the authoritative store of a user's contacts.
type Store string

// Stores.
const (
	StoreLync     Store = "lync"
	StoreExchange Store = "exchange"
)

// MailboxKind is the Exchange version hosting a user's mailbox.
type MailboxKind string

// Mailbox kinds.
const (
	MailboxExchange2013 MailboxKind = "exchange2013"
	MailboxExchange2010 MailboxKind = "exchange2010"
	MailboxNone         MailboxKind = "none"
)

// FaultKind is how Exchange misbehaves during a fault window (docs/PROTOCOLS.md 2.6).
type FaultKind string

// Fault kinds.
const (
	FaultDown         FaultKind = "down"         // HTTP 503, no body, every path
	FaultBusy         FaultKind = "busy"         // every EWS call answers ErrorServerBusy
	FaultSlow         FaultKind = "slow"         // each answer held until arrival + latency (virtual time)
	FaultUnauthorized FaultKind = "unauthorized" // HTTP 401 for every request
)

// EventType names a trace event. The set is stable: scenario files name these in `expect: {event:
// ...}` and `--trace` writes them (docs/SCENARIO-FORMAT.md "Trace event types"). They are declared
// here once; the engine, the world, the scenario loader, the shell and the reports use the
// constants, so renaming one breaks the build rather than a scenario.
type EventType string

// Trace event types, in the order docs/SCENARIO-FORMAT.md lists them.
const (
	EventPolicyCreated      EventType = "policy.created"      // New-CsUserServicesPolicy, world set-up (B-1.4)
	EventPolicySet          EventType = "policy.set"          // Set-CsUserServicesPolicy (B-1.5)
	EventPolicyRemoved      EventType = "policy.removed"      // Remove-CsUserServicesPolicy (B-1.7)
	EventPolicyGranted      EventType = "policy.granted"      // Grant-CsUserServicesPolicy (B-1.8)
	EventSignIn             EventType = "signin"              // an endpoint's first roaming-contacts SUBSCRIBE
	EventSignOut            EventType = "signout"             // REGISTER Expires: 0, or the connection closed
	EventPromptShown        EventType = "prompt.shown"        // a Lync 2013 endpoint is asked to log off (B-3.1)
	EventPromptAccepted     EventType = "prompt.accepted"     // an endpoint that owed a prompt signed out
	EventMigrationStarted   EventType = "migration.started"   // an attempt starts (B-2.1, B-2.2)
	EventMigrationCompleted EventType = "migration.completed" // SetImListMigrationCompleted(true) (B-2.4)
	EventMigrationFailed    EventType = "migration.failed"    // an attempt failed (B-2.5)
	EventMigrationRetry     EventType = "migration.retry"     // a failed user is tried again (B-2.5)
	EventRollbackStarted    EventType = "rollback.started"    // Invoke-CsUcsRollback, Move-CsUser (B-4.1, B-4.10)
	EventRollbackCompleted  EventType = "rollback.completed"  // the Lync store is authoritative again (B-4.1)
	EventRollbackFailed     EventType = "rollback.failed"     // a rollback could not read Exchange and changed nothing (B-4.7)
	EventContactsLost       EventType = "contacts.lost"       // -Force discarded contacts (B-4.7)
	EventHoldStarted        EventType = "hold.started"        // the rollback hold starts (B-4.3)
	EventHoldExpired        EventType = "hold.expired"        // the hold ran out (B-4.3)
	EventRemigrationCheck   EventType = "remigration.check"   // the policy is re-checked at expiry (B-4.3)
	EventContactAdded       EventType = "contact.added"       // a contact entered the authoritative store
	EventContactRemoved     EventType = "contact.removed"     // a contact left the authoritative store
	EventFaultStarted       EventType = "fault.started"       // the world made Exchange misbehave
	EventFaultEnded         EventType = "fault.ended"         // that fault window closed
	EventCmdletError        EventType = "cmdlet.error"        // a cmdlet line failed
	EventMailboxMoved       EventType = "mailbox.moved"       // a mailbox moved between Exchange 2013 and 2010 (B-4.11)
	EventTrustSet           EventType = "trust.set"           // server-to-server trust switched off or on (B-2.1)
	EventUserMoved          EventType = "user.moved"          // Move-CsUser rehomed the user (B-4.10)
	// What happened on the wire with a peer that may be an outside client (docs/ARCHITECTURE.md D-8).
	EventNotifyTimeout  EventType = "notify.timeout"  // serve: a NOTIFY unanswered past the guest hold; the clock moves on
	EventNotifyFailed   EventType = "notify.failed"   // a notification did not reach its subscriber; the subscription is dropped
	EventRequestTimeout EventType = "request.timeout" // an outside client's EWS request did not arrive in time
	EventMailboxChanged EventType = "mailbox.changed" // an outside EWS client changed a mailbox's IM list
)

var eventTypes = []EventType{
	EventPolicyCreated, EventPolicySet, EventPolicyRemoved, EventPolicyGranted, EventSignIn, EventSignOut,
	EventPromptShown, EventPromptAccepted, EventMigrationStarted, EventMigrationCompleted,
	EventMigrationFailed, EventMigrationRetry, EventRollbackStarted, EventRollbackCompleted,
	EventRollbackFailed, EventContactsLost, EventHoldStarted, EventHoldExpired, EventRemigrationCheck, EventContactAdded,
	EventContactRemoved, EventFaultStarted, EventFaultEnded, EventCmdletError, EventUserMoved,
	EventMailboxMoved, EventTrustSet, EventNotifyTimeout, EventNotifyFailed,
	EventRequestTimeout, EventMailboxChanged,
}

// EventTypes lists every trace event type, in documented order.
func EventTypes() []EventType { return append([]EventType(nil), eventTypes...) }

func (t EventType) String() string { return string(t) }

// The lists, in documented order.
var (
	clientKinds  = []ClientKind{Lync2013, Lync2010, Mobile}
	readsFroms   = []ReadsFrom{ReadsLync, ReadsExchange, ReadsReadOnly}
	states       = []State{Disabled, Allowed, Migrating, Migrated, Failed}
	stores       = []Store{StoreLync, StoreExchange}
	mailboxKinds = []MailboxKind{MailboxExchange2013, MailboxExchange2010, MailboxNone}
	faultKinds   = []FaultKind{FaultDown, FaultBusy, FaultSlow, FaultUnauthorized}
)

// ClientKinds lists the client kinds; only the first (Lync 2013) triggers migration.
func ClientKinds() []ClientKind { return append([]ClientKind(nil), clientKinds...) }

// ReadsFroms lists where an endpoint may read its contact list from.
func ReadsFroms() []ReadsFrom { return append([]ReadsFrom(nil), readsFroms...) }

// States lists the user states (Debug-CsUnifiedContactStore vocabulary).
func States() []State { return append([]State(nil), states...) }

// Stores lists the authoritative stores.
func Stores() []Store { return append([]Store(nil), stores...) }

// MailboxKinds lists the mailbox kinds.
func MailboxKinds() []MailboxKind { return append([]MailboxKind(nil), mailboxKinds...) }

// FaultKinds lists the Exchange fault kinds.
func FaultKinds() []FaultKind { return append([]FaultKind(nil), faultKinds...) }

func (k ClientKind) String() string  { return string(k) }
func (r ReadsFrom) String() string   { return string(r) }
func (s State) String() string       { return string(s) }
func (s Store) String() string       { return string(s) }
func (k MailboxKind) String() string { return string(k) }
func (k FaultKind) String() string   { return string(k) }

// ParseClientKind reads a client kind, case-insensitively.
func ParseClientKind(s string) (ClientKind, error) { return parseWord("client kind", s, clientKinds) }

// ParseReadsFrom reads where an endpoint reads from, case-insensitively.
func ParseReadsFrom(s string) (ReadsFrom, error) { return parseWord("client view", s, readsFroms) }

// ParseState reads a user state, case-insensitively.
func ParseState(s string) (State, error) { return parseWord("state", s, states) }

// ParseStore reads a store, case-insensitively.
func ParseStore(s string) (Store, error) { return parseWord("store", s, stores) }

// ParseMailboxKind reads a mailbox kind, case-insensitively.
func ParseMailboxKind(s string) (MailboxKind, error) { return parseWord("mailbox", s, mailboxKinds) }

// ParseFaultKind reads a fault kind, case-insensitively.
func ParseFaultKind(s string) (FaultKind, error) { return parseWord("fault kind", s, faultKinds) }

// ParseEventType reads a trace event type, case-insensitively.
func ParseEventType(s string) (EventType, error) { return parseWord("event type", s, eventTypes) }

// Names spells a list of constants as the strings users type.
func Names[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// parseWord finds s among values; the error names every valid choice.
func parseWord[T ~string](what, s string, values []T) (T, error) {
	for _, v := range values {
		if strings.EqualFold(string(v), strings.TrimSpace(s)) {
			return v, nil
		}
	}
	return "", fmt.Errorf("%s %q is not one of %s", what, s, strings.Join(Names(values), ", "))
}
