package frontend

import (
	"fmt"
	"strings"
	"time"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"

	"github.com/emiago/sipgo/sip"

	"github.com/ucssim/ucssim/engine"
)

// allowEvents is the Allow-Events header value (docs/PROTOCOLS.md 1.2), without spaces after the
// commas: pidgin-sipe splits it on "," without trimming.
const allowEvents = lyncwire.EventProvisioning + "," + lyncwire.EventRoamingContacts + "," + lyncwire.EventRoamingSelf + "," + lyncwire.EventPresence

type dialogKey struct{ callID, remoteTag, localTag string }

// subscription is one SUBSCRIBE dialog the server keeps (sipgo has no SUBSCRIBE dialogs).
type subscription struct {
	dk        dialogKey
	key       endpointKey
	event     string
	source    string // remote address of the connection the SUBSCRIBE came in on
	transport string
	remote    sip.Uri // the subscriber's From address
	contact   sip.Uri // the subscriber's Contact (Request-URI of NOTIFY)
	cseq      uint32  // last CSeq the server used in this dialog; the piggybacked notify is 1
	duration  time.Duration
	expires   time.Time
	cancel    func()

	autoextend bool
	benotify   bool

	// held (a count) stops the sender while an answer that must precede its notifications is
	// being written: the 200 OK carrying the piggybacked state, or the writer's SERVICE answer.
	held    int
	queue   []queued
	sending bool
	dropped bool
}

// queued is a notification waiting for its turn or its answer. end gives back its quiescence
// unit (idempotent); bound, with a guest hold, stops the timer that gives it back early.
type queued struct {
	n     engine.Notification
	end   func()
	bound *time.Timer
}

// settle stops the guest-hold timer and gives back the unit: the notification's fate is known.
func (q queued) settle() {
	if q.bound != nil {
		q.bound.Stop()
	}
	q.end()
}

// dropLocked ends the subscription: what is still queued is never sent. Its fate goes back to the
// engine (Notification.Report) from a goroutine of its own, counted until done, since the engine
// must not be called under s.mu; at Close nothing is reported.
func (s *Server) dropLocked(sub *subscription) {
	if sub.cancel != nil {
		sub.cancel()
		sub.cancel = nil
	}
	sub.dropped = true
	dropped := sub.queue
	sub.queue = nil
	if s.closed || len(dropped) == 0 {
		for _, q := range dropped {
			q.settle()
		}
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for _, q := range dropped {
			q.n.Report(errSubscriptionDropped)
			q.settle()
		}
	}()
}

func (s *Server) removeSubLocked(sub *subscription) {
	if s.subs[sub.dk] == sub {
		delete(s.subs, sub.dk)
	}
	if s.roaming[sub.key] == sub {
		delete(s.roaming, sub.key)
	}
	s.dropLocked(sub)
}

// armLocked (re)starts the virtual expiry of a subscription.
func (s *Server) armLocked(sub *subscription) {
	if sub.cancel != nil {
		sub.cancel()
	}
	sub.expires = s.cfg.Clock.Now().Add(sub.duration)
	sub.cancel = s.cfg.Scheduler.At(sub.expires, "sip.subscription.expiry", func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.subs[sub.dk] == sub && !s.cfg.Clock.Now().Before(sub.expires) {
			s.removeSubLocked(sub)
		}
	})
}

func eventOf(req *sip.Request) string {
	h := req.GetHeader("Event")
	if h == nil {
		return ""
	}
	ev, _, _ := strings.Cut(h.Value(), ";")
	return strings.ToLower(strings.TrimSpace(ev))
}

func clientKind(req *sip.Request) engine.ClientKind {
	if headerTokens(req, "Supported")["ms-ucs"] {
		return engine.Lync2013
	}
	if ua := req.GetHeader("User-Agent"); ua != nil && strings.Contains(strings.ToLower(ua.Value()), "mobile") {
		return engine.Mobile
	}
	return engine.Lync2010
}

func (s *Server) onSubscribe(req *sip.Request, tx sip.ServerTransaction) {
	ev := eventOf(req)
	switch ev {
	case "":
		s.refuse(tx, req, 400, "Bad Request", "SUBSCRIBE has no Event header")
		return
	case lyncwire.EventProvisioning, lyncwire.EventRoamingContacts, lyncwire.EventRoamingSelf, lyncwire.EventPresence:
	default:
		s.refuse(tx, req, 489, "Bad Event", fmt.Sprintf("event package %q is not supported", ev),
			sip.NewHeader("Allow-Events", allowEvents))
		return
	}
	if ev == lyncwire.EventRoamingContacts && strings.EqualFold(req.Transport(), "UDP") {
		// A contact list does not fit a UDP datagram (sipgo refuses answers over 1300 bytes), and
		// an answer that cannot be sent must not sign the endpoint in or start a migration.
		s.refuse(tx, req, 403, "Forbidden", fmt.Sprintf("%s is served over TCP or TLS only: a contact list does not fit a datagram", lyncwire.EventRoamingContacts))
		return
	}
	toTag, inDialog := req.To().Params.Get("tag")
	inDialog = inDialog && toTag != ""
	key, ok := s.identify(req, tx, !inDialog)
	if !ok {
		return
	}
	if !strings.EqualFold(userURI(req.From().Address), userURI(req.To().Address)) {
		s.refuse(tx, req, 403, "Forbidden", "self-subscriptions only: From and To must be the same user")
		return
	}
	secs, has, err := expiresOf(req)
	if err != nil {
		s.refuse(tx, req, 400, "Bad Request", err.Error())
		return
	}
	if inDialog {
		s.resubscribe(req, tx, toTag, secs, has)
		return
	}
	s.mu.Lock()
	reg := s.regs[key]
	s.mu.Unlock()
	if reg == nil {
		s.refuse(tx, req, 403, "Forbidden", fmt.Sprintf("endpoint %s of %s is not registered", key.epid, key.user))
		return
	}
	if ev == lyncwire.EventProvisioning || (has && secs == 0) {
		body, ctype, err := s.state(ev, key, req)
		if err != nil {
			s.refuseErr(tx, req, err.Error(), err)
			return
		}
		s.respond(tx, req, 200, "OK", body, sip.NewHeader("Expires", "0"),
			sip.NewHeader("subscription-state", "terminated;expires=0"),
			sip.NewHeader("ms-piggyback-cseq", "1"), sip.NewHeader("Content-Type", ctype),
			sip.NewHeader("Event", ev))
		return
	}

	// The subscription is in place (held) before the engine signs the endpoint in, so no
	// notification the engine sends after SignIn can miss it.
	granted := s.cfg.SubscribeExpiry
	if has && time.Duration(secs)*time.Second < granted {
		granted = time.Duration(secs) * time.Second
	}
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	localTag, _ := res.To().Params.Get("tag")
	supported := headerTokens(req, "Supported")
	sub := &subscription{
		dk:         dialogKey{callID: req.CallID().Value(), remoteTag: fromTag(req), localTag: localTag},
		key:        key,
		event:      ev,
		source:     req.Source(),
		transport:  req.Transport(),
		remote:     req.From().Address,
		contact:    req.From().Address,
		cseq:       1,
		duration:   granted,
		autoextend: supported["com.microsoft.autoextend"],
		benotify:   supported["ms-benotify"],
		held:       1,
	}
	if c := req.Contact(); c != nil {
		sub.contact = c.Address
	}
	s.mu.Lock()
	if s.closed || s.gone[sub.source] {
		s.mu.Unlock()
		s.refuse(tx, req, 503, "Service Unavailable", "connection is closing")
		return
	}
	if ev == lyncwire.EventRoamingContacts {
		if old := s.roaming[key]; old != nil {
			s.removeSubLocked(old)
		}
		s.roaming[key] = sub
	}
	s.subs[sub.dk] = sub
	s.armLocked(sub)
	s.mu.Unlock()

	var body []byte
	var ctype string
	s.mu.Lock()
	readOnly, signedIn := reg.readsFrom == engine.ReadsReadOnly, reg.signedIn
	s.mu.Unlock()
	if ev == lyncwire.EventRoamingContacts && !signedIn {
		kind := clientKind(req)
		view, err := s.cfg.Engine.SignIn(key.user, key.epid, kind)
		if err != nil {
			s.dropSub(sub)
			s.refuseErr(tx, req, "sign-in failed: "+err.Error(), err)
			return
		}
		s.mu.Lock()
		if s.regs[key] != reg {
			s.removeSubLocked(sub)
			s.mu.Unlock()
			s.cfg.Engine.SignOut(key.user, key.epid)
			s.refuse(tx, req, 403, "Forbidden", "endpoint unregistered during sign-in")
			return
		}
		reg.signedIn, reg.kind, reg.readsFrom = true, kind, view.ReadsFrom
		s.mu.Unlock()
		body, ctype = lyncwire.EncodeContactList(view.List), lyncwire.ContentTypeRoamingContacts
		readOnly = view.ReadsFrom == engine.ReadsReadOnly
	} else {
		if body, ctype, err = s.state(ev, key, req); err != nil {
			s.dropSub(sub)
			s.refuseErr(tx, req, err.Error(), err)
			return
		}
	}

	hdrs := s.activeHeaders(ev, granted, ctype, req.Transport())
	if ev == lyncwire.EventRoamingContacts && readOnly {
		// ucssim: tells a Lync 2010-class endpoint its list is read-only (decision 3).
		hdrs = append(hdrs, lyncwire.Diagnostics(lyncwire.DiagReadOnly, lyncwire.ReasonReadOnly))
	}
	if err := s.sendResponse(tx, req, res, body, hdrs...); err != nil && ev != lyncwire.EventRoamingContacts {
		s.dropSub(sub) // never answered: no subscription
		return
	}
	if ev == lyncwire.EventPresence {
		// RFC 6665 4.2.1: a new subscription gets an immediate NOTIFY (presence is not
		// simulated, so it carries no document).
		s.mu.Lock()
		s.enqueueLocked(sub, engine.Notification{})
		s.mu.Unlock()
	}
	s.release(sub)
}

// hold stops a subscription's sender until release; nil-safe.
func (s *Server) hold(key endpointKey) *subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.roaming[key]
	if sub != nil {
		sub.held++
	}
	return sub
}

func (s *Server) release(sub *subscription) {
	if sub == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub.held--
	s.kickLocked(sub)
}

func (s *Server) dropSub(sub *subscription) {
	s.mu.Lock()
	s.removeSubLocked(sub)
	s.mu.Unlock()
}

func fromTag(req *sip.Request) string {
	t, _ := req.From().Params.Get("tag")
	return t
}

// activeHeaders are the headers of a 200 OK that keeps a subscription: Event names the package
// of the piggybacked document (pidgin-sipe ignores a document without it).
func (s *Server) activeHeaders(ev string, granted time.Duration, ctype, transport string) []sip.Header {
	secs := fmt.Sprint(int(granted / time.Second))
	h := []sip.Header{
		sip.NewHeader("Event", ev),
		sip.NewHeader("Expires", secs),
		sip.NewHeader("subscription-state", "active;expires="+secs),
		sip.NewHeader("ms-piggyback-cseq", "1"),
		sip.NewHeader("Contact", s.contactValue(transport)),
	}
	if ctype != "" {
		h = append(h, sip.NewHeader("Content-Type", ctype))
	}
	return h
}

// contactValue is the server's Contact in a dialog: the pool over the dialog's transport (TLS for
// a subscription that came over TLS, as a Lync pool answers its clients).
func (s *Server) contactValue(transport string) string {
	t := "tcp"
	if strings.EqualFold(transport, "TLS") {
		t = "tls"
	}
	return fmt.Sprintf("<sip:%s;transport=%s;ms-role-rs-to>", s.cfg.Pool, t)
}

func (s *Server) sendResponse(tx sip.ServerTransaction, req *sip.Request, res *sip.Response, body []byte, hdrs ...sip.Header) error {
	symmetric(res, req)
	res.AppendHeader(sip.NewHeader("Server", "RTC/5.0"))
	for _, h := range hdrs {
		res.AppendHeader(h)
	}
	res.SetBody(body)
	err := tx.Respond(res)
	if err != nil {
		s.log.Warn("frontend: respond failed", "method", req.Method, "error", err)
	}
	return err
}

// resubscribe refreshes or ends an existing subscription dialog.
func (s *Server) resubscribe(req *sip.Request, tx sip.ServerTransaction, toTag string, secs int, has bool) {
	dk := dialogKey{callID: req.CallID().Value(), remoteTag: fromTag(req), localTag: toTag}
	s.mu.Lock()
	sub := s.subs[dk]
	s.mu.Unlock()
	if sub == nil {
		s.refuse(tx, req, 481, "Call/Transaction Does Not Exist", "no such subscription dialog")
		return
	}
	if has && secs == 0 {
		s.mu.Lock()
		s.removeSubLocked(sub)
		s.mu.Unlock()
		s.respond(tx, req, 200, "OK", nil, sip.NewHeader("Expires", "0"),
			sip.NewHeader("subscription-state", "terminated;expires=0"))
		return
	}
	body, ctype, err := s.state(sub.event, sub.key, req)
	if err != nil {
		s.refuseErr(tx, req, err.Error(), err)
		return
	}
	granted := s.cfg.SubscribeExpiry
	if has && time.Duration(secs)*time.Second < granted {
		granted = time.Duration(secs) * time.Second
	}
	s.mu.Lock()
	if s.subs[dk] != sub {
		s.mu.Unlock()
		s.refuse(tx, req, 481, "Call/Transaction Does Not Exist", "subscription ended meanwhile")
		return
	}
	sub.duration = granted
	s.armLocked(sub)
	s.mu.Unlock()
	s.respond(tx, req, 200, "OK", body, s.activeHeaders(sub.event, granted, ctype, req.Transport())...)
}

// state is the current document of a package for an endpoint, as piggybacked on a 200 OK.
func (s *Server) state(ev string, key endpointKey, req *sip.Request) ([]byte, string, error) {
	switch ev {
	case lyncwire.EventProvisioning:
		return lyncwire.ProvisioningDoc(s.cfg.Pool), lyncwire.ContentTypeProvisioning, nil
	case lyncwire.EventRoamingSelf:
		return lyncwire.RoamingSelfDoc(), lyncwire.ContentTypeRoamingSelf, nil
	case lyncwire.EventPresence:
		return nil, "", nil
	}
	list, err := s.cfg.Engine.ContactList(key.user)
	if err != nil {
		return nil, "", fmt.Errorf("contact list of %s: %w", key.user, err)
	}
	s.mu.Lock()
	kind := clientKind(req)
	if reg := s.regs[key]; reg != nil && reg.signedIn {
		kind = reg.kind
	}
	s.mu.Unlock()
	return lyncwire.EncodeContactList(viewFor(kind, list)), lyncwire.ContentTypeRoamingContacts, nil
}

// viewFor is the list an endpoint of kind is shown: the empty migrated list for Lync 2013 when
// the list lives in Exchange, else the full list without ucsMode (docs/PROTOCOLS.md decisions 1, 3).
func viewFor(kind engine.ClientKind, l engine.ContactList) engine.ContactList {
	if l.Migrated && kind == engine.Lync2013 {
		return engine.ContactList{DeltaNum: l.DeltaNum, Migrated: true}
	}
	l.Migrated = false
	return l
}
