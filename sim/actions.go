package sim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
	"github.com/ucssim/ucssim/sim/internal/client"
	"github.com/ucssim/ucssim/sim/scenario"
)

// The world's actions: what a scenario step, the shell or a Go test does to a world. Each runs on
// the driver goroutine (the one that moves time) and returns when the action is over; virtual time
// moves during it only while it is parked on the clock (an Exchange latency fault, a back-off).

// Do runs fn as one unit of work while the driver moves virtual time whenever fn is parked on it.
func (w *World) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	return w.DoAsking(ctx, func(ctx context.Context, _ func(string) bool) error { return fn(ctx) }, nil)
}

// DoAsking is Do for work that may ask the operator a question (a cmdlet's confirmation). fn gets a
// confirm function; the question is answered by ask on the driver goroutine, with fn's unit parked
// and the clock standing still however long the answer takes. A nil ask answers yes.
func (w *World) DoAsking(ctx context.Context, fn func(ctx context.Context, confirm func(string) bool) error, ask func(question string) bool) error {
	choose := yesNo(ask)
	return w.DoChoosing(ctx, func(ctx context.Context, c func(string) engine.Choice) error {
		return fn(ctx, func(q string) bool {
			switch c(q) {
			case engine.Yes, engine.YesToAll:
				return true
			}
			return false
		})
	}, choose)
}

// DoChoosing is DoAsking for questions answered with PowerShell's choices (Yes, Yes to All, No,
// No to All). A nil ask answers Yes.
func (w *World) DoChoosing(ctx context.Context, fn func(ctx context.Context, choose func(string) engine.Choice) error, ask func(question string) engine.Choice) error {
	done := make(chan error, 1)
	questions := make(chan string, 1)
	parked := make(chan func(), 1)
	answers := make(chan engine.Choice)
	confirm := func(q string) engine.Choice {
		if ask == nil {
			return engine.Yes
		}
		questions <- q // sent before parking, so the driver sees it as soon as the world is idle
		parked <- w.Sched.Tracker().Park(1)
		return <-answers
	}
	end := w.Sched.Tracker().Begin("action")
	go func() {
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("internal error: %v", p)
			}
			done <- err // before end(): a settled world with an empty channel means fn is parked
			end()
		}()
		err = fn(ctx, confirm)
	}()
	far := w.Sched.Now().Add(366 * 24 * time.Hour)
	for {
		if err := w.Sched.Settle(); err != nil {
			return err
		}
		select {
		case err := <-done:
			return err
		case q := <-questions:
			// Take fn's unit back before answering, so the next settle waits for fn again
			// instead of letting the clock run while it goes on.
			(<-parked)()
			answers <- ask(q)
			continue
		default:
		}
		ran, err := w.Sched.Step(far)
		if err != nil {
			return err
		}
		if !ran {
			select {
			case err := <-done:
				return err
			default:
			}
			return errors.New("the action is waiting on virtual time but nothing is scheduled")
		}
	}
}

// yesNo turns a yes/no answerer into a chooser (nil stays nil: the default answer, yes).
func yesNo(ask func(question string) bool) func(string) engine.Choice {
	if ask == nil {
		return nil
	}
	return func(q string) engine.Choice {
		if ask(q) {
			return engine.Yes
		}
		return engine.No
	}
}

// RunCmdlet runs one Management Shell line in the world's session (variables carry over from one
// line to the next). ask answers confirmation questions (nil: yes).
func (w *World) RunCmdlet(ctx context.Context, line string, ask func(question string) bool) (*engine.Result, error) {
	choose := yesNo(ask)
	return w.RunLine(ctx, line, LineOptions{Ask: choose})
}

// LineOptions tune RunLine.
type LineOptions struct {
	// Ask answers a confirmation question with PowerShell's choices; nil answers Yes.
	Ask func(question string) engine.Choice
	// Session holds the variables; nil: the world's own session.
	Session *engine.Session
	// Verbs are the shell's simulation verbs (for Get-Command and Get-Help).
	Verbs []engine.Verb
}

// RunLine runs one Management Shell line: statements, pipelines, variables.
func (w *World) RunLine(ctx context.Context, line string, opt LineOptions) (*engine.Result, error) {
	sess := opt.Session
	if sess == nil {
		w.sessionOnce.Do(func() { w.session = engine.NewSession() })
		sess = w.session
	}
	var res *engine.Result
	err := w.DoChoosing(ctx, func(ctx context.Context, choose func(string) engine.Choice) error {
		var err error
		res, err = w.Engine.Run(ctx, line, engine.RunOptions{
			Ask:     func(_, q string) engine.Choice { return choose(q) },
			Session: sess, Verbs: opt.Verbs,
		})
		return err
	}, opt.Ask)
	return res, err
}

// SignIn signs the user's endpoint in with that kind of client (endpoint "" = "desktop").
func (w *World) SignIn(ctx context.Context, user, endpointName string, kind engine.ClientKind) error {
	sip, err := w.Engine.ResolveUser(user)
	if err != nil {
		return err
	}
	if endpointName == "" {
		endpointName = "desktop"
	}
	if kind == "" {
		kind = engine.Lync2013
	}
	ep, err := w.endpointFor(sip, endpointName, kind)
	if err != nil {
		return err
	}
	if ep.signedIn {
		return fmt.Errorf("endpoint %q of %s is already signed in", endpointName, w.display(sip))
	}
	if err := w.Do(ctx, ep.c.SignIn); err != nil {
		return err
	}
	ep.signedIn = true
	w.signins++
	ep.signInSeq = w.signins
	return nil
}

// signedInEndpoint finds the user's signed-in endpoint of that name. An empty name means the
// only signed-in endpoint, or else the one called "desktop"; pick, if set, prefers an endpoint it
// accepts (AcceptPrompt: the one showing the prompt).
func (w *World) signedInEndpoint(user, endpointName string, pick func(*endpoint) bool) (*endpoint, error) {
	sip, on, err := w.resolveSignedIn(user, "is not signed in")
	if err != nil {
		return nil, err
	}
	if endpointName == "" {
		if len(on) == 1 {
			return on[0], nil
		}
		if pick != nil {
			for _, ep := range on {
				if pick(ep) {
					return ep, nil
				}
			}
		}
		endpointName = "desktop"
	}
	names := make([]string, 0, len(on))
	for _, ep := range on {
		if ep.name == endpointName {
			return ep, nil
		}
		names = append(names, ep.name)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("endpoint %q of %s is not signed in (signed in: %s)", endpointName, w.display(sip), strings.Join(names, ", "))
}

// SignOut signs the user's endpoint out (endpoint "": see signedInEndpoint).
func (w *World) SignOut(ctx context.Context, user, endpointName string) error {
	ep, err := w.signedInEndpoint(user, endpointName, nil)
	if err != nil {
		return err
	}
	if err := w.Do(ctx, ep.c.SignOut); err != nil {
		return err
	}
	ep.signedIn = false
	return nil
}

// AcceptPrompt answers the log-off prompt of the user's endpoint: it signs out and back in.
func (w *World) AcceptPrompt(ctx context.Context, user, endpointName string) error {
	ep, err := w.signedInEndpoint(user, endpointName, func(ep *endpoint) bool { return ep.c.View().Prompt })
	if err != nil {
		return err
	}
	if !ep.c.View().Prompt {
		return fmt.Errorf("no log-off prompt is showing on %s's %s endpoint", w.display(ep.user), ep.name)
	}
	if err := w.Do(ctx, ep.c.AcceptPrompt); err != nil {
		return err
	}
	w.signins++
	ep.signInSeq = w.signins
	return nil
}

// editor is the client a user edits contacts with: the most recently signed-in endpoint.
func (w *World) editor(user string) (*endpoint, error) {
	_, eps, err := w.resolveSignedIn(user, "has no signed-in client to edit contacts with")
	if err != nil {
		return nil, err
	}
	return eps[0], nil
}

// resolveSignedIn resolves a user to its SIP address and signed-in endpoints (see signedIn); with
// none the error is the user's name followed by notSignedIn.
func (w *World) resolveSignedIn(user, notSignedIn string) (string, []*endpoint, error) {
	sip, err := w.Engine.ResolveUser(user)
	if err != nil {
		return "", nil, err
	}
	on := w.signedIn(sip)
	if len(on) == 0 {
		return "", nil, fmt.Errorf("%s %s", w.display(sip), notSignedIn)
	}
	return sip, on, nil
}

// AddContact adds a contact through the user's signed-in client: SIP SERVICE while the list is in
// Lync, EWS once the client reads from Exchange.
func (w *World) AddContact(ctx context.Context, user, uri, name, group string) error {
	ep, err := w.editor(user)
	if err != nil {
		return err
	}
	err = w.Do(ctx, func(ctx context.Context) error { return ep.c.AddContact(ctx, normalizeSIP(uri), name, group) })
	if err == nil {
		w.ledger.add(ep.user, uri)
	}
	return err
}

// RemoveContact removes a contact through the user's signed-in client.
func (w *World) RemoveContact(ctx context.Context, user, uri string) error {
	ep, err := w.editor(user)
	if err != nil {
		return err
	}
	// A client removes from the list it writes to (the authoritative store): a contact added from
	// Outlook that waits in the mailbox for a migration is not in it and stays.
	// The same address added from Outlook while the list is in Lync is a separate item of the
	// mailbox, which a remove through Lync does not touch either.
	inStore, outlookItem := false, false
	w.forgetOutlookItems()
	if st, err := w.Engine.Status(ep.user); err == nil {
		auth, pending, _ := w.storeURIs(ep.user, st.ContactsIn)
		inStore = slices.Contains(auth, bareURI(uri))
		outlookItem = st.ContactsIn == engine.StoreLync && w.outlook[ep.user][bareURI(uri)] && slices.Contains(pending, bareURI(uri))
	}
	err = w.Do(ctx, func(ctx context.Context) error { return ep.c.RemoveContact(ctx, normalizeSIP(uri)) })
	if err == nil && inStore && !outlookItem {
		w.ledger.remove(ep.user, uri)
		delete(w.outlook[ep.user], bareURI(uri))
	}
	return err
}

// forgetOutlookItems drops the Outlook items of users whose contacts a rollback brought back from
// Exchange: the rollback empties the mailbox (or records its contents lost), so an item of the
// same address found there later was written by a migration, not by Outlook. (A rollback that
// cancels a migration leaves the mailbox as it is.)
func (w *World) forgetOutlookItems() {
	for _, e := range w.Trace.Since(w.outlookSeen) {
		w.outlookSeen = e.Seq
		if c, _ := e.Details["cancelledMigration"].(bool); e.Type == engine.EventRollbackCompleted && !c {
			delete(w.outlook, e.User)
		}
	}
}

// OutlookAddContact adds a contact from Outlook / Outlook Web App straight into the user's Lync
// Contacts folder.
func (w *World) OutlookAddContact(ctx context.Context, user, uri, name string) error {
	sip, err := w.Engine.ResolveUser(user)
	if err != nil {
		return err
	}
	// Adding an address the Lync Contacts folder already holds changes nothing (the mock keeps one
	// item per address), so the ledger only counts an add that created an item.
	existed := false
	if list, _, err := w.Exchange.List(strings.TrimPrefix(sip, "sip:")); err == nil {
		for _, c := range list.Contacts {
			existed = existed || bareURI(c.IMAddress) == bareURI(uri)
		}
	}
	err = w.Do(ctx, func(context.Context) error {
		return w.Exchange.OutlookAddContact(strings.TrimPrefix(sip, "sip:"), strings.TrimPrefix(normalizeSIP(uri), "sip:"), name)
	})
	if err == nil && !existed {
		w.forgetOutlookItems()
		w.ledger.add(sip, uri)
		if w.outlook[sip] == nil {
			w.outlook[sip] = map[string]bool{}
		}
		w.outlook[sip][bareURI(uri)] = true
	}
	return err
}

// MoveMailbox moves the user's mailbox to another Exchange version (exchange2013, exchange2010,
// none); moving it off Exchange 2013 is refused while the IM list is migrated (mailbox.moved).
func (w *World) MoveMailbox(ctx context.Context, user, to string) error {
	sip, err := w.Engine.ResolveUser(user)
	if err != nil {
		return err
	}
	kind := engine.MailboxKind(strings.ToLower(to))
	return w.Do(ctx, func(context.Context) error {
		if err := w.Engine.MoveMailbox(sip, kind); err != nil {
			return err
		}
		return w.Exchange.SetMailboxKind(strings.TrimPrefix(sip, "sip:"), kind)
	})
}

// SetServerToServerAuth configures (on) or removes (off) the OAuth trust between Lync Server and
// Exchange now; Exchange answers the server's calls with 401 while it is off (trust.set).
func (w *World) SetServerToServerAuth(on bool) {
	var key []byte
	if on {
		key = w.trustKey
	}
	w.Exchange.SetTrustKey(key)
	w.Trace.Record(engine.Event{Time: w.Sched.Now(), Type: engine.EventTrustSet, Details: map[string]any{"serverToServerAuth": on}})
}

// FaultSpec is Exchange misbehaving for a window of virtual time.
type FaultSpec struct {
	Kind    engine.FaultKind
	For     time.Duration
	BackOff time.Duration // busy
	Latency time.Duration // slow
	User    string        // only this user's mailbox; "" = the whole server
}

// Fault starts an Exchange fault now; it ends by itself after f.For (fault.started / fault.ended).
// A fault replaces any fault still active for the same mailbox (or server-wide): the replaced one
// ends now, with its own fault.ended.
func (w *World) Fault(f FaultSpec) error {
	now := w.Sched.Now()
	fl := ews.Fault{Kind: f.Kind, Until: now.Add(f.For), BackOff: f.BackOff, Latency: f.Latency}
	details := map[string]any{"exchange": f.Kind, "for": scenario.FormatDuration(f.For)}
	if f.User != "" {
		sip, err := w.Engine.ResolveUser(f.User)
		if err != nil {
			return err
		}
		fl.Mailbox = strings.TrimPrefix(sip, "sip:")
		details["mailbox"] = fl.Mailbox
	}
	if f.BackOff > 0 {
		details["backoff"] = scenario.FormatDuration(f.BackOff)
	}
	if f.Latency > 0 {
		details["latency"] = scenario.FormatDuration(f.Latency)
	}
	key := strings.ToLower(fl.Mailbox)
	if end := w.faultEnd[key]; end != nil {
		end() // the replaced fault ends now
	}
	w.Exchange.SetFault(fl)
	w.faults = append(w.faults, faultWindow{mailbox: key, from: now, until: fl.Until})
	w.Trace.Record(engine.Event{Time: now, Type: engine.EventFaultStarted, Details: details})
	idx := len(w.faults) - 1
	ended := false
	end := func() {
		if ended {
			return
		}
		ended = true
		if w.faultEnd[key] != nil {
			delete(w.faultEnd, key)
		}
		w.faults[idx].until = w.Sched.Now()
		d := map[string]any{"exchange": f.Kind}
		if fl.Mailbox != "" {
			d["mailbox"] = fl.Mailbox
		}
		w.Trace.Record(engine.Event{Time: w.Sched.Now(), Type: engine.EventFaultEnded, Details: d})
	}
	cancel := w.Sched.At(fl.Until, "fault.ended", end)
	w.faultEnd[key] = func() { cancel(); end() }
	return nil
}

// EndpointView is one endpoint of the world and what its client shows.
type EndpointView struct {
	User, Name string
	Kind       engine.ClientKind
	SignedIn   bool
	View       client.View
}

// Endpoints lists the world's endpoints in the order they were first signed in.
func (w *World) Endpoints() []EndpointView {
	out := make([]EndpointView, 0, len(w.endpoints))
	for _, ep := range w.endpoints {
		out = append(out, ep.view())
	}
	return out
}

func (ep *endpoint) view() EndpointView {
	return EndpointView{User: ep.user, Name: ep.name, Kind: ep.kind, SignedIn: ep.signedIn, View: ep.c.View()}
}

// display is the user's display name, or the SIP address if the user has none.
func (w *World) display(sip string) string {
	if st, err := w.Engine.Status(sip); err == nil && st.Name != "" {
		return st.Name
	}
	return sip
}

// Contacts lists the user's contacts as the authoritative store holds them: the Lync store, or,
// once migrated, the mailbox itself (read in-process from the mock). Each URI appears once, in lower
// case without "sip:", sorted. Scenario expectations and the shell's status both read this.
func (w *World) Contacts(user string) ([]string, error) {
	st, err := w.Engine.Status(user)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	if st.ContactsIn == engine.StoreExchange {
		list, _, err := w.Exchange.List(strings.TrimPrefix(st.SIP, "sip:"))
		if err != nil {
			return nil, err
		}
		for _, c := range list.Contacts {
			seen[bareURI(c.IMAddress)] = true
		}
	} else {
		contacts, err := w.Engine.LyncContacts(st.SIP)
		if err != nil {
			return nil, err
		}
		for _, c := range contacts {
			seen[bareURI(c.URI)] = true
		}
	}
	out := make([]string, 0, len(seen))
	for u := range seen {
		out = append(out, u)
	}
	sort.Strings(out)
	return out, nil
}

// bareURI is a contact URI in lower case without "sip:".
func bareURI(u string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSpace(u)), "sip:")
}
