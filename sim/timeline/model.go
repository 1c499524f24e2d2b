package timeline

import (
	"github.com/ucssim/ucssim/engine"

	"sort"
	"strings"
	"time"
)

// Span kinds of a user's store lane.
const (
	SpanLync      = "lync"      // contacts in Lync Server
	SpanMigrating = "migrating" // a migration is in flight (the Lync list is still authoritative)
	SpanExchange  = "exchange"  // contacts in the Exchange mailbox (unified contact store)
	SpanHold      = "hold"      // back in Lync Server, rollback hold running
	SpanSignedIn  = "signedin"  // an endpoint's signed-in interval
	SpanFault     = "fault"     // Exchange misbehaving
)

// Timeline is the picture's model: lanes of spans and markers on the virtual time axis.
type Timeline struct {
	Story      Story
	Events     []Event
	Start, End time.Time
	Server     Lane   // world-wide events: policies, cmdlet errors
	Faults     []Span // shaded windows across the picture
	Users      []*UserLane
	Steps      []Mark // one per step that ran (kind "step")
	// Now is set on live pages: the clock's instant (the axis ends there).
	Now time.Time
}

// Lane is a row of markers.
type Lane struct {
	Marks []Mark
}

// UserLane is one user: where the contacts live over time, and the user's endpoints.
type UserLane struct {
	SIP, Name string
	Spans     []Span
	Marks     []Mark
	Endpoints []*EndpointLane
}

// EndpointLane is one endpoint of a user: its signed-in intervals and its prompts.
type EndpointLane struct {
	Name  string
	Spans []Span
	Marks []Mark
}

// Span is a stretch of virtual time.
type Span struct {
	Kind     string
	From, To time.Time
	Open     bool   // still going when the timeline ends
	Label    string // shown inside the span when it fits
	Policy   string // user spans: the policy in effect at its start, e.g. "Global (UcsAllowed True)"
	Detail   string // hover text
	Seq      int    // the event that began it, 0 if none
	EndSeq   int    // the event that ended it, 0 if none
	Until    time.Time
	Client   string // endpoint spans: lync2013, lync2010, mobile
	FaultFor string // fault spans: the whole mailbox server or one user
}

// Mark is an instant worth pointing at.
type Mark struct {
	At     time.Time
	Seq    int    // event seq (0 for steps)
	Step   int    // step index for steps (and the step an event happened in), -1 if none
	Kind   string // event type, or "step"
	Class  string // css class: cmdlet, expect-pass, expect-fail, prompt-2165, prompt-accepted, edit, ...
	Label  string // short text on the picture
	Detail string // the whole story for hover and the details panel
}

// Build derives the timeline from the trace events and the story.
func Build(st Story, events []Event) *Timeline {
	t := &Timeline{Story: st, Events: events}
	t.Start = st.Start
	if t.Start.IsZero() && len(events) > 0 {
		t.Start = events[0].Time
	}
	t.End = t.Start
	for _, e := range events {
		if e.Time.After(t.End) {
			t.End = e.Time
		}
	}
	for _, s := range st.Steps {
		if s.Ran && s.End.After(t.End) {
			t.End = s.End
		}
	}
	if st.Ran && st.Virtual > 0 && t.Start.Add(st.Virtual).After(t.End) {
		t.End = t.Start.Add(st.Virtual)
	}
	b := newBuilder(t)
	for _, e := range events {
		b.event(e)
	}
	b.finish()
	for _, s := range st.Steps {
		if !s.Ran {
			continue
		}
		t.Steps = append(t.Steps, stepMark(s))
	}
	return t
}

// WithNow extends the axis of a live timeline to the clock's instant.
func (t *Timeline) WithNow(now time.Time) *Timeline {
	t.Now = now
	if now.After(t.End) {
		t.End = now
		for _, u := range t.Users {
			extendOpen(u.Spans, now)
			for _, ep := range u.Endpoints {
				extendOpen(ep.Spans, now)
			}
		}
		extendOpen(t.Faults, now)
	}
	return t
}

func extendOpen(spans []Span, now time.Time) {
	for i := range spans {
		if spans[i].Open {
			spans[i].To = now
			if !spans[i].Until.IsZero() && spans[i].Until.Before(now) {
				spans[i].To = spans[i].Until
			}
		}
	}
}

func stepMark(s Step) Mark {
	m := Mark{At: s.End, Step: s.Index, Kind: "step", Label: s.Text, Detail: s.Text, Class: "step"}
	switch s.Kind {
	case "run":
		m.Class = "cmdlet"
		m.At = s.At
	case "expect":
		m.Class = "expect-pass"
		m.Label = "✓ " + s.Text
	case "wait", "until":
		m.Class = "clock"
	case "fault":
		m.Class = "fault-step"
		m.At = s.At
	case "outlookAddContact":
		m.Class = "edit"
		m.At = s.At
	default:
		m.At = s.At
	}
	if s.Failed {
		m.Class = "failed"
		m.Label = "✗ " + s.Text
		m.Detail = s.Text + "\nexpected: " + s.Expected + "\nseen: " + s.Seen
	}
	if s.Note != "" {
		m.Detail += "\nnote: " + s.Note
	}
	return m
}

type userState struct {
	lane   *UserLane
	cur    *Span // the open store span
	grant  string
	policy string // effective identity, canonical
	eps    map[string]*EndpointLane
	epOpen map[string]*Span
}

type builder struct {
	t       *Timeline
	users   map[string]*userState
	allowed map[string]bool  // canonical identity (lower-case) -> UcsAllowed
	faultAt map[string][]int // open fault windows by kind, oldest first
	stepOf  func(seq int) int
}

func newBuilder(t *Timeline) *builder {
	b := &builder{t: t, users: map[string]*userState{}, allowed: map[string]bool{"global": true}, faultAt: map[string][]int{}}
	for _, p := range t.Story.Policies {
		b.allowed[key(p.Identity)] = p.UcsAllowed
	}
	steps := t.Story.Steps
	b.stepOf = func(seq int) int {
		i := sort.Search(len(steps), func(i int) bool { return steps[i].Ran && steps[i].LastSeq >= seq || !steps[i].Ran })
		if i < len(steps) && steps[i].Ran && seq > steps[i].FirstSeq && seq <= steps[i].LastSeq {
			return i
		}
		return -1
	}
	for _, u := range t.Story.Users {
		s := b.user(u.SIP)
		s.lane.Name = u.Name
		s.grant = u.Policy
		s.policy = b.effective(s)
		kind := SpanLync
		if strings.EqualFold(u.Store, "exchange") {
			kind = SpanExchange
		}
		b.open(s, kind, t.Start, 0, "")
	}
	return b
}

func (b *builder) user(sip string) *userState {
	k := strings.ToLower(sip)
	if s, ok := b.users[k]; ok {
		return s
	}
	s := &userState{lane: &UserLane{SIP: sip, Name: strings.TrimPrefix(sip, "sip:")}, eps: map[string]*EndpointLane{}, epOpen: map[string]*Span{}}
	b.users[k] = s
	b.t.Users = append(b.t.Users, s.lane)
	return s
}

// key is the lookup form of a policy identity: "tag:x", "site:x", "userserver:x", "global".
func key(id string) string {
	k := strings.ToLower(strings.TrimSpace(id))
	k = strings.TrimPrefix(k, "service:")
	if k == "global" || strings.HasPrefix(k, "site:") || strings.HasPrefix(k, "userserver:") || strings.HasPrefix(k, "tag:") {
		return k
	}
	return "tag:" + k
}

// Canonical spells a policy identity as the Management Shell prints it: Global, Site:X, Tag:X,
// Service:UserServer:fqdn ("tag:X", "X" and "Tag:X" are one policy).
func Canonical(id string) string {
	k := key(id)
	orig := strings.TrimSpace(id)
	rest := func() string {
		i := strings.LastIndex(orig, ":")
		return orig[i+1:]
	}
	switch {
	case k == "global":
		return "Global"
	case strings.HasPrefix(k, "site:"):
		return "Site:" + rest()
	case strings.HasPrefix(k, "userserver:"):
		return "Service:UserServer:" + rest()
	default:
		if strings.HasPrefix(strings.ToLower(orig), "tag:") {
			return "Tag:" + orig[4:]
		}
		return "Tag:" + orig
	}
}

// effective is the user's policy by the documented precedence, from what the events told so far.
func (b *builder) effective(s *userState) string {
	if s.grant != "" {
		if _, ok := b.allowed[key(s.grant)]; ok {
			return Canonical(s.grant)
		}
	}
	if p := b.t.Story.Pool; p != "" {
		if _, ok := b.allowed[key("UserServer:"+p)]; ok {
			return Canonical("UserServer:" + p)
		}
	}
	if site := b.t.Story.Site; site != "" {
		if _, ok := b.allowed[key("site:"+site)]; ok {
			return Canonical("site:" + site)
		}
	}
	return "Global"
}

func (b *builder) policyText(s *userState) string {
	if s.policy == "" {
		return ""
	}
	if a, ok := b.allowed[key(s.policy)]; ok {
		if a {
			return s.policy + " (UcsAllowed True)"
		}
		return s.policy + " (UcsAllowed False)"
	}
	return s.policy
}

var spanNames = map[string]string{
	SpanLync: "Lync", SpanMigrating: "Migrating", SpanExchange: "Exchange", SpanHold: "Lync, rollback hold",
}

// open closes the user's current store span at `at` and opens one of kind.
func (b *builder) open(s *userState, kind string, at time.Time, seq int, detail string) {
	if c := s.cur; c != nil {
		c.To, c.Open, c.EndSeq = at, false, seq
		// a span that lasted no time at all is dropped when it was only a passage: the starting
		// placeholder, or back in Lync on the way to a hold or a new migration at the same instant
		if c.From.Equal(at) && (c.Seq == 0 || c.Kind == SpanLync) {
			s.lane.Spans = s.lane.Spans[:len(s.lane.Spans)-1]
		}
	}
	sp := Span{Kind: kind, From: at, Open: true, Label: spanNames[kind], Policy: b.policyText(s), Seq: seq, Detail: detail}
	s.lane.Spans = append(s.lane.Spans, sp)
	s.cur = &s.lane.Spans[len(s.lane.Spans)-1]
}

// policyChanged splits the current span (same kind) where the policy in effect changed; eff is the
// effective identity when an event says it, "" to work it out.
func (b *builder) policyChanged(s *userState, at time.Time, seq int, eff string) {
	if eff != "" {
		s.policy = Canonical(eff)
	} else {
		s.policy = b.effective(s)
	}
	txt := b.policyText(s)
	if s.cur == nil || s.cur.Policy == txt {
		return
	}
	if s.cur.From.Equal(at) {
		s.cur.Policy = txt
		return
	}
	kind, until, label, detail := s.cur.Kind, s.cur.Until, s.cur.Label, s.cur.Detail
	b.open(s, kind, at, seq, detail)
	s.cur.Until, s.cur.Label = until, label
}

// laneMark puts a mark of the event on the user's own lane.
func (b *builder) laneMark(s *userState, e Event, class, label, detail string) {
	s.lane.Marks = append(s.lane.Marks, b.mark(e, class, label, detail))
}

func (b *builder) mark(e Event, class, label, detail string) Mark {
	return Mark{At: e.Time, Seq: e.Seq, Step: b.stepOf(e.Seq), Kind: e.Type.String(), Class: class, Label: label, Detail: detail}
}

func (b *builder) endpoint(s *userState, name string) *EndpointLane {
	if name == "" {
		name = "desktop"
	}
	if ep, ok := s.eps[name]; ok {
		return ep
	}
	ep := &EndpointLane{Name: name}
	s.eps[name] = ep
	s.lane.Endpoints = append(s.lane.Endpoints, ep)
	return ep
}

func (b *builder) event(e Event) {
	text := Sentence(e, b.nameOf, b.t.Start)
	switch e.Type {
	case engine.EventPolicyCreated, engine.EventPolicySet, engine.EventPolicyRemoved:
		id := e.detail("identity")
		switch {
		case e.Type == engine.EventPolicyRemoved && e.flag("reset"):
			b.allowed["global"] = true
		case e.Type == engine.EventPolicyRemoved:
			delete(b.allowed, key(id))
		default:
			b.allowed[key(id)] = e.detail("ucsAllowed") == "true"
		}
		b.t.Server.Marks = append(b.t.Server.Marks, b.mark(e, "policy", Canonical(id), text))
		for _, s := range b.sortedUsers() {
			b.policyChanged(s, e.Time, e.Seq, "")
		}
		return
	case engine.EventCmdletError:
		b.t.Server.Marks = append(b.t.Server.Marks, b.mark(e, "error", e.detail("cmdlet"), text))
		return
	case engine.EventFaultStarted:
		k := e.detail("exchange")
		sp := Span{Kind: SpanFault, From: e.Time, Open: true, Label: "Exchange " + k, Seq: e.Seq, Detail: text, FaultFor: e.detail("mailbox")}
		if sp.FaultFor != "" {
			sp.Label += " (" + b.nameOf("sip:"+sp.FaultFor) + ")"
		}
		if d, err := time.ParseDuration(e.detail("for")); err == nil {
			sp.Until = e.Time.Add(d)
		}
		b.t.Faults = append(b.t.Faults, sp)
		b.faultAt[k] = append(b.faultAt[k], len(b.t.Faults)-1)
		return
	case engine.EventFaultEnded:
		k := e.detail("exchange")
		if open := b.faultAt[k]; len(open) > 0 {
			f := &b.t.Faults[open[0]]
			f.To, f.Open, f.EndSeq = e.Time, false, e.Seq
			f.Detail += "\n" + text
			b.faultAt[k] = open[1:]
		}
		return
	}
	if e.User == "" {
		b.t.Server.Marks = append(b.t.Server.Marks, b.mark(e, "other", e.Type.String(), text))
		return
	}
	s := b.user(e.User)
	if s.cur == nil {
		b.open(s, b.inferInitial(e), b.t.Start, 0, "")
	}
	if l, ok := laneEvents[e.Type]; ok {
		b.laneEvent(s, e, l, text)
		return
	}
	switch e.Type {
	case engine.EventSignIn:
		ep := b.endpoint(s, e.detail("endpoint"))
		if o := s.epOpen[ep.Name]; o != nil {
			o.To, o.Open = e.Time, false
		}
		client := e.detail("client")
		ep.Spans = append(ep.Spans, Span{Kind: SpanSignedIn, From: e.Time, Open: true, Client: client,
			Label: ep.Name + " · " + ClientName(client), Seq: e.Seq, Detail: text})
		s.epOpen[ep.Name] = &ep.Spans[len(ep.Spans)-1]
		ep.Marks = append(ep.Marks, b.mark(e, "signin", "signed in", text))
	case engine.EventSignOut:
		ep := b.endpoint(s, e.detail("endpoint"))
		if o := s.epOpen[ep.Name]; o != nil {
			o.To, o.Open, o.EndSeq = e.Time, false, e.Seq
			delete(s.epOpen, ep.Name)
		}
		ep.Marks = append(ep.Marks, b.mark(e, "signout", "signed out", text))
	case engine.EventPromptShown:
		ep := b.endpoint(s, e.detail("endpoint"))
		d := e.detail("diag")
		ep.Marks = append(ep.Marks, b.mark(e, "prompt-"+d, "prompt "+d, text))
	case engine.EventPromptAccepted:
		ep := b.endpoint(s, e.detail("endpoint"))
		ep.Marks = append(ep.Marks, b.mark(e, "prompt-accepted", "accepted", text))
	case engine.EventHoldExpired:
		if s.cur.Kind == SpanHold {
			b.open(s, SpanLync, e.Time, e.Seq, text)
		}
		b.laneMark(s, e, "hold", "hold ends", text)
	case engine.EventRemigrationCheck:
		if p := e.detail("policy"); p != "" {
			s.policy = Canonical(p)
			b.allowed[key(p)] = e.detail("ucsAllowed") == "true"
			if s.cur != nil {
				s.cur.Policy = b.policyText(s)
			}
		}
		b.laneMark(s, e, "check", "re-check: "+e.detail("action"), text)
	case engine.EventPolicyGranted:
		g := e.detail("policy")
		if strings.EqualFold(g, "$null") || g == "" || strings.EqualFold(g, "<none>") {
			s.grant = ""
		} else {
			s.grant = g
		}
		eff := e.detail("effective")
		if eff != "" {
			b.allowed[key(eff)] = b.allowedOr(eff)
		}
		b.policyChanged(s, e.Time, e.Seq, eff)
		b.laneMark(s, e, "policy", "grant "+Canonical(g), text)
	case engine.EventUserMoved:
		cls := "other"
		if e.flag("rolledBack") {
			cls = "rollback"
		}
		b.laneMark(s, e, cls, "moved to "+e.detail("to"), text)
	case engine.EventContactsLost:
		b.laneMark(s, e, "failure", e.detail("contacts")+" contacts lost", text)
	case engine.EventContactAdded, engine.EventContactRemoved:
		cls := "edit-lync"
		if e.detail("store") == "exchange" {
			cls = "edit"
		}
		b.laneMark(s, e, cls, strings.TrimPrefix(e.Type.String(), "contact."), text)
	default:
		b.laneMark(s, e, "other", e.Type.String(), text)
	}
}

// laneEvent is what laneEvents says of an event type: the span it opens on the user's contacts
// lane ("" for none) and its mark's class and label.
type laneEvent struct{ open, class, label string }

// laneEvents are the events that open the next span of a user's contacts lane or only mark it;
// laneEvent does what some of them need besides.
var laneEvents = map[engine.EventType]laneEvent{
	engine.EventMigrationStarted:   {SpanMigrating, "migration", "migration starts"},
	engine.EventMigrationCompleted: {SpanExchange, "migration", "in Exchange"},
	engine.EventMigrationFailed:    {SpanLync, "failure", "migration failed"},
	engine.EventMigrationRetry:     {"", "migration", "retry"},
	engine.EventRollbackStarted:    {"", "rollback", "rollback"},
	engine.EventRollbackCompleted:  {SpanLync, "rollback", "back in Lync"},
	engine.EventHoldStarted:        {SpanHold, "hold", "hold starts"},
	engine.EventRollbackFailed:     {"", "failure", "rollback failed"},
}

// laneEvent opens the span l names (if any), sets what the event tells of it, and marks the lane.
func (b *builder) laneEvent(s *userState, e Event, l laneEvent, text string) {
	if l.open != "" {
		b.open(s, l.open, e.Time, e.Seq, text)
	}
	switch e.Type {
	case engine.EventMigrationStarted:
		if c, err := time.Parse(time.RFC3339, e.detail("commitAt")); err == nil {
			s.cur.Until = c
		}
	case engine.EventMigrationFailed:
		s.cur.Label = "Lync (migration failed)"
	case engine.EventHoldStarted:
		if u, err := time.Parse(time.RFC3339, e.detail("holdUntil")); err == nil {
			s.cur.Until = u.UTC()
			s.cur.Label = "Lync, rollback hold until " + Offset(u, b.t.Start)
		}
	}
	b.laneMark(s, e, l.class, l.label, text)
}

func (b *builder) allowedOr(id string) bool {
	if a, ok := b.allowed[key(id)]; ok {
		return a
	}
	return true
}

// inferInitial guesses where a user's contacts were before the first event (bare traces).
func (b *builder) inferInitial(e Event) string {
	switch e.Type {
	case engine.EventRollbackStarted, engine.EventRollbackCompleted:
		return SpanExchange
	case engine.EventSignIn:
		if e.detail("reads") == "exchange" || e.detail("reads") == "readonly" {
			return SpanExchange
		}
	}
	return SpanLync
}

func (b *builder) sortedUsers() []*userState {
	out := make([]*userState, 0, len(b.t.Users))
	for _, l := range b.t.Users {
		out = append(out, b.users[strings.ToLower(l.SIP)])
	}
	return out
}

func (b *builder) nameOf(sip string) string {
	if s, ok := b.users[strings.ToLower(sip)]; ok {
		return s.lane.Name
	}
	for _, u := range b.t.Story.Users {
		if strings.EqualFold(u.SIP, sip) {
			return u.Name
		}
	}
	return strings.TrimPrefix(sip, "sip:")
}

func (b *builder) finish() {
	for _, l := range b.t.Users {
		for i := range l.Spans {
			if l.Spans[i].Open {
				l.Spans[i].To = b.t.End
			}
		}
		for _, ep := range l.Endpoints {
			for i := range ep.Spans {
				if ep.Spans[i].Open {
					ep.Spans[i].To = b.t.End
				}
			}
		}
	}
	for i := range b.t.Faults {
		if b.t.Faults[i].Open {
			b.t.Faults[i].To = b.t.End
		}
	}
}

// ClientName is a client kind as people say it.
func ClientName(kind string) string {
	switch kind {
	case "lync2013":
		return "Lync 2013"
	case "lync2010":
		return "Lync 2010"
	case "mobile":
		return "mobile"
	case "":
		return "client"
	}
	return kind
}
