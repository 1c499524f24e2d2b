package engine

import (
	"fmt"
	"time"
)

// refreshRetry is how long a failed mirror refresh waits before reading Exchange again.
const refreshRetry = time.Minute

// refreshMirrorLocked re-reads a migrated user's Exchange list in a job. One refresh runs at a time
// per user; a change signalled meanwhile makes it read again.
func (e *Engine) refreshMirrorLocked(u *user) {
	if u.refreshing {
		u.refreshAgain = true
		return
	}
	u.refreshing = true
	e.sched.Go("mirror refresh "+u.sip, func() { e.runRefresh(u) })
}

func (e *Engine) runRefresh(u *user) {
	for {
		e.lock()
		u.refreshAgain = false
		epoch, mbox := u.epoch, u.mailboxAddr()
		if u.phase != phaseMigrated || u.rollingBack {
			u.refreshing = false
			e.unlock()
			return
		}
		e.unlock()
		var im ImList
		ctx := e.root
		err := e.call(ctx, func() (err error) { im, err = e.ex.GetImItemList(ctx, mbox); return })
		e.lock()
		if err == nil && u.epoch == epoch && u.phase == phaseMigrated && !u.rollingBack {
			e.applyMirrorLocked(u, fromImList(im, u.mirror))
		}
		if err != nil && u.epoch == epoch && u.phase == phaseMigrated && e.root.Err() == nil {
			// the mirror must converge once Exchange answers again
			e.sched.At(e.now().Add(refreshRetry), "mirror refresh retry "+u.sip, func() {
				e.lock()
				defer e.unlock()
				if u.epoch == epoch && u.phase == phaseMigrated && !u.rollingBack {
					e.refreshMirrorLocked(u)
				}
			})
		}
		if u.refreshAgain && err == nil {
			e.unlock()
			continue
		}
		u.refreshing = false
		e.unlock()
		return
	}
}

// applyMirrorLocked replaces the mirror: contact events, a trigger to Lync 2013 endpoints reading
// Exchange and the delta to read-only endpoints.
func (e *Engine) applyMirrorLocked(u *user, next lyncList) {
	old := u.mirror
	d, changed := u.bumpAndDiff(old, next)
	u.mirror = next
	if !changed {
		return
	}
	for _, c := range d.AddedContacts {
		e.emitLocked(EventContactAdded, u.sip, map[string]any{"uri": c.URI, "store": string(StoreExchange)})
	}
	for _, uri := range d.DeletedContacts {
		e.emitLocked(EventContactRemoved, u.sip, map[string]any{"uri": uri, "store": string(StoreExchange)})
	}
	for _, id := range sortedEndpointIDs(u) {
		ep := u.endpoints[id]
		switch ep.readsFrom {
		case ReadsExchange:
			e.notifyLocked(Notification{Kind: NotifyTrigger, User: u.sip, Endpoint: id, List: &ContactList{DeltaNum: u.deltaNum, Migrated: true}})
		case ReadsReadOnly:
			dd := d
			e.notifyLocked(Notification{Kind: NotifyDelta, User: u.sip, Endpoint: id, Delta: &dd})
		}
	}
}

// ExchangeChanged tells the engine that a mailbox's IM list changed outside it (Outlook, a client
// over EWS). For a migrated user a job refreshes the mirror.
func (e *Engine) ExchangeChanged(userID string) {
	e.lock()
	defer e.unlock()
	u, err := e.resolveLocked(userID)
	if err != nil {
		return
	}
	if u.purge {
		// Changed from Outlook after a forced rollback recorded the mailbox lost: the clean-up
		// removes only what the server knew there, and keeps what Outlook adds (B-4.7).
		u.purgeKeep = true
	}
	if u.phase != phaseMigrated || u.rollingBack {
		return
	}
	e.refreshMirrorLocked(u)
}

// MoveMailbox moves the user's mailbox to another Exchange version; moving down from Exchange 2013
// is refused while the IM list lives there.
func (e *Engine) MoveMailbox(identity string, to MailboxKind) error {
	switch to {
	case MailboxExchange2013, MailboxExchange2010, MailboxNone:
	default:
		return fmt.Errorf("unknown mailbox kind %q (exchange2013, exchange2010 or none)", to)
	}
	e.lock()
	defer e.unlock()
	u, err := e.resolveLocked(identity)
	if err != nil {
		return err
	}
	if to != MailboxExchange2013 && (u.phase == phaseMigrated || u.phase == phaseMigrating || u.rollingBack) {
		return fmt.Errorf("cannot move the mailbox of %s to %s: its IM contact list is in the unified contact store; run Invoke-CsUcsRollback first", u.sip, to)
	}
	if u.mailbox != to {
		e.emitLocked(EventMailboxMoved, u.sip, map[string]any{"from": string(u.mailbox), "to": string(to)})
	}
	u.mailbox = to
	return nil
}
