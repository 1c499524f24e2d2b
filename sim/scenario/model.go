// Package scenario loads and validates ucssim scenario files (docs/SCENARIO-FORMAT.md): YAML documents
// that set up a Lync + Exchange world and script what happens in it along a virtual clock. Every
// error carries file:line:col; a file with any error is not run.
package scenario

import (
	"time"

	"github.com/ucssim/ucssim/engine"
)

// Pos is a 1-based line and column in a scenario file.
type Pos struct {
	Line, Col int
}

// File is one parsed, validated scenario file.
type File struct {
	Path        string
	Name        string
	NamePos     Pos // where `name:` stands, for suite-level errors (extension)
	Description string
	Labels      []string
	Seed        uint64
	Start       time.Time
	World       World
	Steps       []Step
	// Invariants are the named invariants (InvariantNames) the runner checks after every step and,
	// for the whole-run ones, at the end (extension: top-level `invariants: [names] | all`).
	Invariants []string
	// InvariantsPos is where `invariants:` stands.
	InvariantsPos Pos
}

// The invariants a scenario may ask the runner to check (`invariants:`), in their canonical
// spelling. The first four are checked after every settled step, the last two once per run.
const (
	InvNothingLost     = "nothing-lost"     // every contact in exactly one authoritative store; none lost, duplicated or resurrected
	InvClientsConverge = "clients-converge" // every signed-in client's view equals the list where it reads from
	InvOneTruth        = "one-truth"        // engine, front end, clients, cmdlets, trace and expectations agree
	InvEventsPaired    = "events-paired"    // every *.started has its end or is still in flight; Debug counts add up
	InvDeterministic   = "deterministic"    // the same file and seed give a byte-identical trace
	InvNoLeaks         = "no-leaks"         // no goroutine, connection or file descriptor outlives the world
)

// InvariantNames lists every invariant, in the order they are checked and reported.
var InvariantNames = []string{InvNothingLost, InvClientsConverge, InvOneTruth, InvEventsPaired, InvDeterministic, InvNoLeaks}

// World is the `world:` section, with the documented defaults filled in.
type World struct {
	Pool               string   // default atl-cs-001.litwareinc.com
	LegacyPools        []string // Lync Server 2010 pools
	Site               string   // default Redmond
	ServerToServerAuth bool     // default true
	Migration          Migration
	Exchange           Exchange
	Policies           []Policy
	// Users are the listed users followed by the users of Populations (extension), in order.
	Users []User
	// Populations are `world.populations` (an extension): users described by patterns and mixes.
	Populations []Population
}

// Migration is `world.migration`, defaults filled in.
type Migration struct {
	Duration    time.Duration // 10m
	PerContact  time.Duration // 0
	Jitter      time.Duration // 0
	Hold        time.Duration // 168h
	Remigration string        // "timer" | "next-signin"
	DailyTask   time.Duration // offset from UTC midnight; "01:00" = 1h
}

// Exchange is `world.exchange`, defaults filled in.
type Exchange struct {
	MaxContacts int // 1000
	MaxGroups   int // 64
	// Throttling is the EWS throttling budget (extension); off unless given.
	Throttling Throttling
}

// Policy is one entry of `world.policies`.
type Policy struct {
	Pos        Pos
	Identity   string
	UcsAllowed bool // default true
}

// User is one entry of `world.users`.
type User struct {
	Pos     Pos
	Name    string
	SIP     string             // "sip:alias@domain" (a missing "sip:" is added)
	Mailbox engine.MailboxKind // exchange2013 (default) | exchange2010 | none
	Policy  string             // per-user grant at start, "" for none
	Store   engine.Store       // lync (default) | exchange
	// Generated is the number of contacts to generate from the seed (`contacts: N`), or 0.
	Generated int
	// Contacts is the explicit list (`contacts: [...]`), or nil.
	Contacts []Contact
	Groups   []string // extra groups for generated contacts
	// Password, when set, is what EWS Basic authentication requires of this user (a wrong one
	// gets 401); unset: any password is accepted.
	Password string
	// Population is the 1-based index in World.Populations of the population the user belongs
	// to, 0 for a listed user. The world draws such a user's contacts and mixes from the seed.
	Population int
}

// Contact is a contact written in a file.
type Contact struct {
	URI    string // as written (with or without sip:)
	Name   string
	Groups []string
}

// StepKind is the action key of a step.
type StepKind string

// Step kinds.
const (
	StepRun               StepKind = "run"
	StepSignIn            StepKind = "signIn"
	StepSignOut           StepKind = "signOut"
	StepAcceptPrompt      StepKind = "acceptPrompt"
	StepAddContact        StepKind = "addContact"
	StepRemoveContact     StepKind = "removeContact"
	StepOutlookAddContact StepKind = "outlookAddContact"
	StepFault             StepKind = "fault"
	StepWait              StepKind = "wait"
	StepUntil             StepKind = "until"
	StepExpect            StepKind = "expect"
	// Extensions.
	StepMoveMailbox        StepKind = "moveMailbox"
	StepServerToServerAuth StepKind = "serverToServerAuth"
	StepSignInWave         StepKind = "signInWave"
)

// Step is one step. Only the fields of its Kind are set.
type Step struct {
	Pos  Pos
	Kind StepKind
	Note string

	// run
	Command string
	Error   *string         // error: substring the error must contain (the step must fail); also on contact steps
	Warning *string         // warning: substring some warning must contain
	Output  []Field         // output: fields of what it printed, in file order
	Answers []engine.Choice // answers: how its confirmation questions are answered in turn; nil = all Yes
	// signIn, signOut, acceptPrompt; the file names the user by display name or SIP address,
	// the loader stores the user's SIP address ("sip:alias@domain").
	User     string
	Client   engine.ClientKind // lync2013 (default) | lync2010 | mobile
	Endpoint string            // default "desktop"
	// addContact, removeContact, outlookAddContact (User above)
	Contact Contact // URI, Name; Groups[0] is `group:` if given
	// fault
	Fault Fault
	// moveMailbox (User above): the target mailbox kind, exchange2013 | exchange2010 | none
	Mailbox string
	// serverToServerAuth: whether the trust is configured from this step on
	ServerToServerAuth bool
	// signInWave (extension)
	Wave Wave
	// wait
	Wait time.Duration
	// until
	Until Instant
	// expect
	Expect     *Expect
	Within     time.Duration // 0 = check now
	Throughout time.Duration // 0 = check now
}

// Field is one `output:` entry.
type Field struct {
	Name, Value string
}

// Fault is a `fault:` step.
type Fault struct {
	Kind    engine.FaultKind
	For     time.Duration
	BackOff time.Duration
	Latency time.Duration
	User    string // extension: `user:` limits the fault to that user's mailbox (SIP address); "" = the whole server
}

// Instant is an `until:` or `holdUntil:` value: an offset from the scenario start or an absolute time.
type Instant struct {
	Offset   time.Duration
	Absolute time.Time // used when not zero
}

// At resolves the instant against the scenario start.
func (i Instant) At(start time.Time) time.Time {
	if !i.Absolute.IsZero() {
		return i.Absolute
	}
	return start.Add(i.Offset)
}

// Expect is an `expect:` map. Nil pointers and empty strings are keys that were not given.
type Expect struct {
	Pos             Pos
	User            string       // the user's SIP address, resolved from a display name or address
	State           engine.State // canonical spelling: Disabled, Allowed, Migrating, Migrated, Failed
	ContactsIn      engine.Store
	Contacts        *int
	Has             []string
	Lacks           []string
	Prompt          string
	ClientReads     engine.ReadsFrom
	Endpoint        string // extension: prompt and clientReads look at this endpoint only ("" = as documented)
	Attempts        *int
	HoldUntil       *Instant // nil: not checked
	HoldNone        bool     // holdUntil: none
	EffectivePolicy string
	Event           engine.EventType
	Count           *int
	// Population (extension) checks the keys on every user of that population (its name as
	// world.populations spells it); AtLeast/AtMost, when set, bound how many must pass instead
	// of all. With Event, the events of the population's users are counted.
	Population      string
	AtLeast, AtMost *Quota
	// Keys lists the given keys in file order with their positions, for reports.
	Keys []KeyPos
}

// KeyPos is a key of a map and where it stands.
type KeyPos struct {
	Key string
	Pos Pos
}
