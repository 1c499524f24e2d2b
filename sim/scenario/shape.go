package scenario

import (
	"reflect"
	"strings"

	"github.com/ucssim/ucssim/engine"
)

// The document types below are the shape of a scenario file as written: one Go type per YAML
// mapping, one field per key (named by its `yaml` tag, described by `jsonschema_description`). The
// loader takes the keys each mapping allows, which keys are required and the enum values from
// them (keysOf, enumOf), and `ucssim schema` reflects the same types into JSON Schema (Schema), so
// the two cannot drift apart. They are never decoded into: the loader walks yaml.Node trees to
// keep every position.

// Named scalar kinds, each with its own schema (see schemaFor).
type (
	durationText    string   // Go duration plus days: 90s, 10m, 1h30m, 7d
	instantText     string   // +offset from start or an RFC 3339 time
	holdText        string   // none, +offset or an RFC 3339 time
	timeOfDayText   string   // HH:MM
	fqdnText        string   // a pool's fully qualified domain name
	sipText         string   // sip:alias@domain, "sip:" optional
	stringOrList    []string // one string or a list of strings
	sipOrList       []string // one SIP address or a list of them
	outputFields    map[string]string
	contactsOrCount []contactDoc // a number of generated contacts or a list

	stateName       string
	storeName       string
	promptName      string
	clientReadsName string
	clientName      string
	faultName       string
	mailboxName     string
	remigrationName string
	eventName       string
)

// enumValues are the values of each enum kind, in their canonical spelling; files may write
// them in any case.
var enumValues = map[reflect.Type][]string{
	reflect.TypeFor[stateName]():       engine.Names(engine.States()),
	reflect.TypeFor[storeName]():       engine.Names(engine.Stores()),
	reflect.TypeFor[promptName]():      promptValues,
	reflect.TypeFor[clientReadsName](): engine.Names(engine.ReadsFroms()),
	reflect.TypeFor[clientName]():      engine.Names(engine.ClientKinds()),
	reflect.TypeFor[faultName]():       engine.Names(engine.FaultKinds()),
	reflect.TypeFor[mailboxName]():     engine.Names(engine.MailboxKinds()),
	reflect.TypeFor[remigrationName](): remigrationValues,
	reflect.TypeFor[eventName]():       engine.Names(engine.EventTypes()),
}

type fileDoc struct {
	Name        string        `yaml:"name" jsonschema:"required,minLength=1" jsonschema_description:"The scenario's name: required, unique in a suite; --focus matches it."`
	Description string        `yaml:"description" jsonschema_description:"What the scenario shows; printed in reports, JUnit and the shell."`
	Labels      stringOrList  `yaml:"labels" jsonschema_description:"Topics to select the scenario by with --label (any match, case-insensitive)."`
	Seed        uint64        `yaml:"seed" jsonschema_description:"The seed of the world's one random source (generated contacts, jitter). Default 1."`
	Start       string        `yaml:"start" jsonschema:"format=date-time" jsonschema_description:"Virtual start time, RFC 3339. Default 2026-01-05T09:00:00Z."`
	World       worldDoc      `yaml:"world" jsonschema_description:"The Lync + Exchange world the steps run in; every key has a documented default."`
	Steps       []stepWritten `yaml:"steps" jsonschema_description:"What happens, in order, along the virtual clock. Each step has exactly one action key; its options are sibling keys."`
	Invariants  stringOrList  `yaml:"invariants" jsonschema_description:"Invariants checked after every step (nothing-lost, clients-converge, one-truth, events-paired) and once per run (deterministic, no-leaks), or all."`
}

type worldDoc struct {
	Pool               fqdnText        `yaml:"pool" jsonschema_description:"Front End pool FQDN. Default atl-cs-001.litwareinc.com."`
	LegacyPools        []fqdnText      `yaml:"legacyPools" jsonschema_description:"Lync Server 2010 pools that Move-CsUser can target."`
	Site               string          `yaml:"site" jsonschema:"minLength=1" jsonschema_description:"Site name (for site:<name> policies). Default Redmond."`
	ServerToServerAuth bool            `yaml:"serverToServerAuth" jsonschema_description:"Whether OAuth server-to-server authentication between Lync and Exchange is configured at the start. Default true; the serverToServerAuth step changes it."`
	Migration          migrationDoc    `yaml:"migration" jsonschema_description:"Timing of migrations, rollback holds and re-migration."`
	Exchange           exchangeDoc     `yaml:"exchange" jsonschema_description:"Mailbox limits of the Exchange 2013 server."`
	Policies           []policyDoc     `yaml:"policies" jsonschema_description:"User services policies created before step 1 (global always exists)."`
	Users              []userDoc       `yaml:"users" jsonschema_description:"The users of the world."`
	Populations        []populationDoc `yaml:"populations" jsonschema_description:"Extension: many users described once by patterns and mixes drawn from the seed (their users follow world.users)."`
}

type migrationDoc struct {
	Duration    durationText    `yaml:"duration" jsonschema_description:"How long a migration takes. Default 10m."`
	PerContact  durationText    `yaml:"perContact" jsonschema_description:"Extra migration time per contact. Default 0s."`
	Jitter      durationText    `yaml:"jitter" jsonschema_description:"Uniform +-jitter on the migration time, in whole seconds, drawn from the seed. Default 0s."`
	Hold        durationText    `yaml:"hold" jsonschema_description:"The rollback hold. Default 168h (7 days)."`
	Remigration remigrationName `yaml:"remigration" jsonschema_description:"When a user migrates again after the hold: timer (at expiry, default) or next-signin."`
	DailyTask   timeOfDayText   `yaml:"dailyTask" jsonschema_description:"UTC time of day of the daily migration task. Default 01:00."`
}

type exchangeDoc struct {
	MaxContacts int           `yaml:"maxContacts" jsonschema:"minimum=0" jsonschema_description:"Contacts a mailbox holds at most. Default 1000."`
	MaxGroups   int           `yaml:"maxGroups" jsonschema:"minimum=0" jsonschema_description:"User groups a mailbox holds at most. Default 64."`
	Throttling  throttlingDoc `yaml:"throttling" jsonschema_description:"Extension: EWS throttling: each caller's budget per mailbox; over it Exchange answers ErrorServerBusy with BackOffMilliseconds. Off unless given; {} gives the Exchange 2013 defaults."`
}

type policyDoc struct {
	Identity   string `yaml:"identity" jsonschema:"required,minLength=1" jsonschema_description:"Policy identity: a per-user (tag) name, site:<name>, UserServer:<pool fqdn> or global."`
	UcsAllowed bool   `yaml:"ucsAllowed" jsonschema_description:"The policy's UcsAllowed. Default true."`
}

type userDoc struct {
	Name     string          `yaml:"name" jsonschema_description:"Display name, usable wherever a user is named."`
	SIP      sipText         `yaml:"sip" jsonschema:"required" jsonschema_description:"SIP address, unique: sip:alias@domain."`
	Mailbox  mailboxName     `yaml:"mailbox" jsonschema_description:"The user's mailbox: exchange2013 (default), exchange2010 or none."`
	Policy   string          `yaml:"policy" jsonschema_description:"A per-user policy granted at the start."`
	Store    storeName       `yaml:"store" jsonschema_description:"Where the contacts start: lync (default) or exchange (already migrated)."`
	Contacts contactsOrCount `yaml:"contacts" jsonschema_description:"A number of contacts generated from the seed, or a list of contacts."`
	Groups   []string        `yaml:"groups" jsonschema_description:"Extra groups for generated contacts."`
	Password string          `yaml:"password" jsonschema:"maxLength=256" jsonschema_description:"EWS password: Basic authentication as this user must give it (a wrong one gets 401). Not given: any password is accepted."`
}

type contactDoc struct {
	URI    string       `yaml:"uri" jsonschema:"required,minLength=1" jsonschema_description:"The contact's SIP address (sip: optional)."`
	Name   string       `yaml:"name" jsonschema_description:"Display name."`
	Groups stringOrList `yaml:"groups" jsonschema_description:"Groups the contact is in (Favorites, Team, ...)."`
}

// The steps: one type per action, the action key first, then its options. The options most steps
// share are embedded last (keysOf and the schema reflector take an embedded struct's keys in its
// place).

// noted is the note every step may carry.
type noted struct {
	Note string `yaml:"note" jsonschema_description:"A remark shown in failure reports, JUnit and timelines."`
}

// failable is a step that may be expected to fail, then its note.
type failable struct {
	Error string `yaml:"error" jsonschema_description:"The step must fail with an error containing this text."`
	noted
}

type runStep struct {
	Run     string       `yaml:"run" jsonschema:"required,minLength=1" jsonschema_description:"One Management Shell line, exactly as an administrator types it. It must succeed unless error: is given."`
	Error   string       `yaml:"error" jsonschema_description:"The step must fail with an error containing this text."`
	Warning string       `yaml:"warning" jsonschema_description:"Some WARNING line must contain this text."`
	Output  outputFields `yaml:"output" jsonschema_description:"Fields one printed record must have, as the shell prints them, e.g. {Result: Success}."`
	Answers []string     `yaml:"answers" jsonschema:"minItems=1" jsonschema_description:"Extension: how the line's confirmation questions are answered in turn: yes, no, yes to all, no to all (or Y, N, A, L); questions past the list are answered no. Without it every question is answered yes."`
	noted
}

type signInStep struct {
	SignIn   string     `yaml:"signIn" jsonschema:"required,minLength=1" jsonschema_description:"The user (display name or SIP address) signs in over SIP."`
	Client   clientName `yaml:"client" jsonschema_description:"lync2013 (default), lync2010 or mobile. Only Lync 2013 triggers migration."`
	Endpoint string     `yaml:"endpoint" jsonschema:"minLength=1" jsonschema_description:"Endpoint name, default desktop; one user may have several."`
	failable
}

type signOutStep struct {
	SignOut  string `yaml:"signOut" jsonschema:"required,minLength=1" jsonschema_description:"That endpoint of the user signs out."`
	Endpoint string `yaml:"endpoint" jsonschema:"minLength=1" jsonschema_description:"Endpoint name, default desktop."`
	failable
}

type acceptPromptStep struct {
	AcceptPrompt string `yaml:"acceptPrompt" jsonschema:"required,minLength=1" jsonschema_description:"The user answers the log-off prompt: signs out and back in with the same client. Fails if no prompt shows."`
	Endpoint     string `yaml:"endpoint" jsonschema:"minLength=1" jsonschema_description:"Endpoint name, default desktop."`
	failable
}

type addContactStep struct {
	AddContact addContactDoc `yaml:"addContact" jsonschema:"required" jsonschema_description:"Add a contact through the user's signed-in client (SIP before migration, EWS after)."`
	failable
}

// contactRef is a contact on a user's list: what removeContact names, and addContact first.
type contactRef struct {
	User string  `yaml:"user" jsonschema:"required,minLength=1" jsonschema_description:"Whose list."`
	URI  sipText `yaml:"uri" jsonschema:"required" jsonschema_description:"The contact's SIP address."`
}

type addContactDoc struct {
	contactRef
	Name  string `yaml:"name" jsonschema_description:"Display name."`
	Group string `yaml:"group" jsonschema:"minLength=1" jsonschema_description:"The group to add it to."`
}

type removeContactStep struct {
	RemoveContact removeContactDoc `yaml:"removeContact" jsonschema:"required" jsonschema_description:"Remove a contact through the user's signed-in client."`
	failable
}

type removeContactDoc contactRef

type outlookAddContactStep struct {
	OutlookAddContact outlookContactDoc `yaml:"outlookAddContact" jsonschema:"required" jsonschema_description:"Outlook or OWA adds a contact straight into the mailbox's Lync Contacts folder."`
	failable
}

type outlookContactDoc struct {
	User string  `yaml:"user" jsonschema:"required,minLength=1" jsonschema_description:"Whose mailbox."`
	URI  sipText `yaml:"uri" jsonschema:"required" jsonschema_description:"The contact's SIP address."`
	Name string  `yaml:"name" jsonschema_description:"Display name."`
}

type faultStep struct {
	Fault faultDoc `yaml:"fault" jsonschema:"required" jsonschema_description:"Exchange misbehaves for a while (virtual time)."`
	noted
}

type faultDoc struct {
	Exchange faultName    `yaml:"exchange" jsonschema:"required" jsonschema_description:"down, busy (ErrorServerBusy with backoff), slow (latency) or unauthorized (HTTP 401)."`
	For      durationText `yaml:"for" jsonschema:"required" jsonschema_description:"How long the fault lasts."`
	BackOff  durationText `yaml:"backoff" jsonschema_description:"busy only: the BackOffMilliseconds Exchange asks for."`
	Latency  durationText `yaml:"latency" jsonschema_description:"slow only: added to every Exchange answer."`
	User     string       `yaml:"user" jsonschema:"minLength=1" jsonschema_description:"Extension: only this user's mailbox misbehaves; without it the whole server does."`
}

type moveMailboxStep struct {
	MoveMailbox moveMailboxDoc `yaml:"moveMailbox" jsonschema:"required" jsonschema_description:"Extension: move the user's mailbox to another Exchange version (Move-Mailbox in the Exchange shell). Moving it off Exchange 2013 is refused while the contacts are in the unified contact store."`
	failable
}

type moveMailboxDoc struct {
	User string      `yaml:"user" jsonschema:"required,minLength=1" jsonschema_description:"Whose mailbox."`
	To   mailboxName `yaml:"to" jsonschema:"required" jsonschema_description:"exchange2013, exchange2010 or none."`
}

type serverToServerAuthStep struct {
	ServerToServerAuth bool `yaml:"serverToServerAuth" jsonschema:"required" jsonschema_description:"Extension: configure (true) or remove (false) the OAuth server-to-server trust between Lync Server and Exchange from now on; while it is off Exchange answers the server with HTTP 401 and migrations fail."`
	noted
}

type waitStep struct {
	Wait durationText `yaml:"wait" jsonschema:"required" jsonschema_description:"Advance the clock by this long, firing everything due up to and including the target instant."`
	noted
}

type untilStep struct {
	Until instantText `yaml:"until" jsonschema:"required" jsonschema_description:"Advance the clock to this instant: +offset from the start or an RFC 3339 time (not in the past)."`
	noted
}

type expectStep struct {
	Expect     expectDoc    `yaml:"expect" jsonschema:"required" jsonschema_description:"Checks that must all hold (a user's state, or events of the trace)."`
	Within     durationText `yaml:"within" jsonschema_description:"Eventually: advance the clock until the check holds, at most this long."`
	Throughout durationText `yaml:"throughout" jsonschema_description:"Consistently: the check holds at every event for this long."`
	noted
}

type expectDoc struct {
	User            string           `yaml:"user" jsonschema:"minLength=1" jsonschema_description:"The user checked (display name or SIP address); with event: limits the events to that user."`
	State           stateName        `yaml:"state" jsonschema_description:"Debug-CsUnifiedContactStore state."`
	ContactsIn      storeName        `yaml:"contactsIn" jsonschema_description:"Where the authoritative contact list is."`
	Contacts        int              `yaml:"contacts" jsonschema:"minimum=0" jsonschema_description:"Number of contacts in the authoritative store."`
	Has             sipOrList        `yaml:"has" jsonschema_description:"Contact(s) present in the authoritative store."`
	Lacks           sipOrList        `yaml:"lacks" jsonschema_description:"Contact(s) absent from the authoritative store."`
	Prompt          promptName       `yaml:"prompt" jsonschema_description:"What the user's signed-in Lync 2013 endpoints show (any of them; one with endpoint:)."`
	ClientReads     clientReadsName  `yaml:"clientReads" jsonschema_description:"Where the user's most recently signed-in endpoint (or endpoint:) reads its list from."`
	Endpoint        string           `yaml:"endpoint" jsonschema:"minLength=1" jsonschema_description:"Extension: check prompt and clientReads on this endpoint of the user only."`
	Attempts        int              `yaml:"attempts" jsonschema:"minimum=0" jsonschema_description:"Migration attempts so far."`
	HoldUntil       holdText         `yaml:"holdUntil" jsonschema_description:"End of the rollback hold: none, +offset or an RFC 3339 time."`
	EffectivePolicy string           `yaml:"effectivePolicy" jsonschema:"minLength=1" jsonschema_description:"Identity of the policy in effect (global, tag:X, site:X, ...)."`
	Event           eventName        `yaml:"event" jsonschema_description:"A trace event type; the check counts such events (with user: and count: only)."`
	Count           int              `yaml:"count" jsonschema:"minimum=0" jsonschema_description:"With event: how many such events so far."`
	Population      populationSelect `yaml:"population" jsonschema_description:"Extension: check every user of this population (instead of user:); with event:, count the events of its users."`
	AtLeast         quotaText        `yaml:"atLeast" jsonschema_description:"Extension, with population: at least this many of its users (a number or a percentage) pass, instead of all."`
	AtMost          quotaText        `yaml:"atMost" jsonschema_description:"Extension, with population: at most this many of its users (a number or a percentage) pass."`
}

// stepTypes are the step kinds in the order the format lists them.
var stepTypes = []reflect.Type{
	reflect.TypeFor[runStep](), reflect.TypeFor[signInStep](), reflect.TypeFor[signOutStep](),
	reflect.TypeFor[acceptPromptStep](), reflect.TypeFor[addContactStep](), reflect.TypeFor[removeContactStep](),
	reflect.TypeFor[outlookAddContactStep](), reflect.TypeFor[faultStep](), reflect.TypeFor[waitStep](),
	reflect.TypeFor[untilStep](), reflect.TypeFor[expectStep](), reflect.TypeFor[moveMailboxStep](),
	reflect.TypeFor[serverToServerAuthStep](), reflect.TypeFor[signInWaveStep](),
}

// stepWritten is a step as written: one of stepTypes (schemaFor gives it a oneOf).
type stepWritten struct{}

// keysOf lists the keys of a document type in field order, an embedded struct's keys in its place.
func keysOf[T any]() []string { return keysOfType(reflect.TypeFor[T]()) }

func keysOfType(t reflect.Type) []string {
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		if f := t.Field(i); f.Anonymous {
			keys = append(keys, keysOfType(f.Type)...)
		} else {
			keys = append(keys, keyOf(f))
		}
	}
	return keys
}

func keyOf(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// stepShape derives the step keys from stepTypes: the action keys (each type's first field), for
// each option key the actions it belongs to (nil when every step takes it), and every key.
func stepShape() (actions []string, options map[string][]string, all []string) {
	options = map[string][]string{}
	var optionOrder []string
	for _, t := range stepTypes {
		keys := keysOfType(t)
		actions = append(actions, keys[0])
		for _, k := range keys[1:] {
			if _, seen := options[k]; !seen {
				optionOrder = append(optionOrder, k)
			}
			options[k] = append(options[k], keys[0])
		}
	}
	for k, steps := range options {
		if len(steps) == len(stepTypes) {
			options[k] = nil
		}
	}
	return actions, options, append(append([]string{}, actions...), optionOrder...)
}

// StepKinds lists the step actions in the format's order.
func StepKinds() []StepKind {
	actions, _, _ := stepShape()
	out := make([]StepKind, len(actions))
	for i, a := range actions {
		out[i] = StepKind(a)
	}
	return out
}
