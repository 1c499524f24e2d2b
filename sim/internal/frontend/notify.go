package frontend

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"

	"github.com/emiago/sipgo/sip"

	"github.com/ucssim/ucssim/engine"
)

// notifyTimeout bounds the wait for a NOTIFY answer; sipgo's own Timer F (32 s) ends it first.
const notifyTimeout = 40 * time.Second

// Notify queues one of the engine's notifications for the endpoint's roaming-contacts
// subscription (engine.Listener). It never blocks on the network: the send is counted for
// quiescence from now until the NOTIFY is answered, or the subscription is dropped. Its fate is
// reported to the engine (Notification.Report) once known.
func (s *Server) Notify(n engine.Notification) {
	s.mu.Lock()
	sub := s.roaming[endpointKey{user: n.User, epid: n.Endpoint}]
	if s.closed || sub == nil {
		s.mu.Unlock()
		s.log.Debug("frontend: notification for an endpoint without subscription dropped", "user", n.User, "endpoint", n.Endpoint, "kind", n.Kind)
		n.Report(errNoSubscription)
		return
	}
	s.enqueueLocked(sub, n)
	s.mu.Unlock()
}

// enqueueLocked queues a notification of sub, counted for quiescence until its fate is known. With
// a guest hold (NotifyHold) the count ends at the latest that long after it was queued, and
// notify.timeout is recorded: whether it waits for its own answer or behind a NOTIFY the
// subscriber never answers, a silent subscriber holds the clock no longer than the guest hold.
func (s *Server) enqueueLocked(sub *subscription, n engine.Notification) {
	q := queued{n: n, end: s.cfg.Counter.Begin("sip.notify")}
	if hold := s.cfg.NotifyHold; hold > 0 {
		q.bound = time.AfterFunc(hold, func() {
			s.record(engine.EventNotifyTimeout, sub, n, map[string]any{"after": hold.String()})
			q.end()
		})
	}
	sub.queue = append(sub.queue, q)
	s.kickLocked(sub)
}

// kickLocked starts the subscription's sender unless one runs: one notification at a time per
// subscription, in order.
func (s *Server) kickLocked(sub *subscription) {
	if sub.sending || sub.held > 0 || sub.dropped || len(sub.queue) == 0 || s.closed {
		return
	}
	sub.sending = true
	s.wg.Add(1)
	go s.sendLoop(sub)
}

func (s *Server) sendLoop(sub *subscription) {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		if sub.dropped || s.closed || len(sub.queue) == 0 {
			sub.sending = false
			s.mu.Unlock()
			return
		}
		q := sub.queue[0]
		sub.queue = sub.queue[1:]
		sub.cseq++
		if sub.autoextend {
			s.armLocked(sub)
		}
		req, answered := s.buildNotify(sub, q.n)
		gone := s.gone[sub.source]
		s.mu.Unlock()

		var err error
		if gone {
			err = errConnectionClosed
		} else if answered {
			err = s.sendNotify(req)
		} else {
			err = s.cli.WriteRequest(req)
		}
		var refused *refusedError
		if errors.As(err, &refused) {
			// answered, but not taken: the subscription stays, the notification did not reach the user
			s.record(engine.EventNotifyFailed, sub, q.n, map[string]any{"reason": failureReason(err)})
		}
		if q.bound != nil {
			q.bound.Stop()
		}
		q.n.Report(err) // before the unit ends: prompt.shown is traced before time may move
		q.settle()
		if err != nil && refused == nil {
			s.log.Info("frontend: notification failed; subscription dropped", "user", sub.key.user, "endpoint", sub.key.epid, "error", err)
			s.record(engine.EventNotifyFailed, sub, q.n, map[string]any{"reason": failureReason(err)})
			s.mu.Lock()
			s.removeSubLocked(sub)
			sub.sending = false
			s.mu.Unlock()
			return
		}
	}
}

var (
	errConnectionClosed    = errors.New("the subscriber's connection is closed")
	errRefused481          = errors.New("subscriber answered 481")
	errNoSubscription      = errors.New("the endpoint has no roaming-contacts subscription")
	errSubscriptionDropped = errors.New("the subscription ended before the notification was sent")
)

// failureReason says why a notification did not reach its subscriber, without addresses (the
// trace stays deterministic).
func failureReason(err error) string {
	switch {
	case errors.Is(err, errConnectionClosed), errors.Is(err, net.ErrClosed):
		return "connection closed"
	case errors.Is(err, errRefused481):
		return "subscription gone (481)"
	case errors.As(err, new(*refusedError)):
		return err.Error()
	default:
		return "no answer"
	}
}

// record adds a wire event to the world's trace, at the current virtual instant.
func (s *Server) record(typ engine.EventType, sub *subscription, n engine.Notification, details map[string]any) {
	if s.cfg.OnEvent == nil {
		return
	}
	details["endpoint"] = sub.key.epid
	details["notification"] = string(n.Kind)
	s.cfg.OnEvent(engine.Event{Time: s.cfg.Clock.Now(), Type: typ, User: sub.key.user, Details: details})
}

// sendNotify sends a NOTIFY and waits for its answer; 481 or no answer drops the subscription,
// another failure answer is a *refusedError.
func (s *Server) sendNotify(req *sip.Request) error {
	ctx, cancel := context.WithTimeout(s.ctx, notifyTimeout)
	defer cancel()
	res, err := s.cli.Do(ctx, req)
	if err != nil {
		return err
	}
	if res.StatusCode == 481 {
		return errRefused481
	}
	if !res.IsSuccess() {
		s.log.Warn("frontend: NOTIFY refused", "status", res.StatusCode)
		return &refusedError{status: res.StatusCode}
	}
	return nil
}

// refusedError is a NOTIFY answered with a failure other than 481: the subscriber did not take
// it, the subscription stays.
type refusedError struct{ status int }

func (e *refusedError) Error() string { return fmt.Sprintf("refused (%d)", e.status) }

// buildNotify renders an in-dialog notification (docs/PROTOCOLS.md 1.6); answered is false for a
// BENOTIFY, which gets no answer.
func (s *Server) buildNotify(sub *subscription, n engine.Notification) (req *sip.Request, answered bool) {
	method := sip.NOTIFY
	var body []byte
	var diag sip.Header
	if sub.event != lyncwire.EventRoamingContacts {
		// the immediate NOTIFY of a presence subscription: state only, no document
		return s.notifyRequest(sub, method, nil, nil), true
	}
	switch n.Kind {
	case engine.NotifyDelta:
		if n.Delta != nil {
			body = lyncwire.EncodeDelta(*n.Delta)
		}
		if sub.benotify {
			method = lyncwire.MethodBENOTIFY
		}
	case engine.NotifyMigratedPrompt:
		body = lyncwire.EncodeContactList(migratedList(n.List))
		diag = lyncwire.Diagnostics(lyncwire.DiagReadOnly, lyncwire.ReasonMigratedList)
	case engine.NotifyTrigger:
		body = lyncwire.EncodeContactList(migratedList(n.List))
	case engine.NotifyReadOnlyList:
		l := engine.ContactList{}
		if n.List != nil {
			l = *n.List
		}
		l.Migrated = false
		body = lyncwire.EncodeContactList(l)
		diag = lyncwire.Diagnostics(lyncwire.DiagReadOnly, lyncwire.ReasonReadOnly)
	case engine.NotifyRollbackPrompt, engine.NotifyFullList:
		l := engine.ContactList{}
		if n.List != nil {
			l = *n.List
		}
		l.Migrated = false
		body = lyncwire.EncodeContactList(l)
		if n.Kind == engine.NotifyRollbackPrompt {
			diag = lyncwire.Diagnostics(lyncwire.DiagRollback, lyncwire.ReasonRolledBack)
		}
	}
	return s.notifyRequest(sub, method, body, diag), method == sip.NOTIFY
}

// notifyRequest builds an in-dialog NOTIFY or BENOTIFY of sub, sent on the connection its
// SUBSCRIBE came in on.
func (s *Server) notifyRequest(sub *subscription, method sip.RequestMethod, body []byte, diag sip.Header) *sip.Request {
	req := sip.NewRequest(method, sub.contact)
	from := &sip.FromHeader{Address: parseUserURI(sub.key.user)}
	from.Params = sip.NewParams()
	from.Params.Add("tag", sub.dk.localTag)
	to := &sip.ToHeader{Address: sub.remote}
	to.Params = sip.NewParams()
	to.Params.Add("tag", sub.dk.remoteTag)
	callID := sip.CallIDHeader(sub.dk.callID)
	remaining := int(sub.expires.Sub(s.cfg.Clock.Now()) / time.Second)
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(&callID)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: sub.cseq, MethodName: method})
	req.AppendHeader(sip.NewHeader("Event", sub.event))
	req.AppendHeader(sip.NewHeader("subscription-state", fmt.Sprintf("active;expires=%d", max(remaining, 0))))
	req.AppendHeader(sip.NewHeader("Contact", s.contactValue(sub.transport)))
	if body != nil {
		req.AppendHeader(sip.NewHeader("Content-Type", lyncwire.ContentTypeRoamingContacts))
	}
	if diag != nil {
		req.AppendHeader(diag)
	}
	req.SetBody(body)
	req.SetDestination(sub.source)
	req.SetTransport(sub.transport)
	return req
}

func migratedList(l *engine.ContactList) engine.ContactList {
	out := engine.ContactList{Migrated: true}
	if l != nil {
		out.DeltaNum = l.DeltaNum
	}
	return out
}
