package engine

import (
	"context"
	"fmt"
	"time"
)

// rollbackOutcome is what a rollback did, for the cmdlet's output.
type rollbackOutcome struct {
	warnings []string
}

// rollback moves a user's contacts out of Exchange and back into Lync Server (docs/BEHAVIOR.md
// B-4.1, B-4.2, B-4.7). It runs on the calling goroutine, which holds its unit of quiescence. The commit point is
// the write into the Lync store; the Exchange clean-up follows it.
func (e *Engine) rollback(ctx context.Context, u *user, force bool, why string) (rollbackOutcome, error) {
	var out rollbackOutcome
	e.lock()
	switch {
	case u.rollingBack:
		e.unlock()
		return out, fmt.Errorf("a rollback of %s is already in progress", u.sip)
	case u.phase == phaseMigrating:
		e.cancelAttemptLocked(u)
		_ = u.becomeLync() // Migrating -> Lync is always legal
		n := len(u.lync.contacts)
		e.emitLocked(EventRollbackStarted, u.sip, map[string]any{"force": force, "trigger": why, "cancelsMigration": true})
		e.emitLocked(EventRollbackCompleted, u.sip, map[string]any{"contacts": n, "cancelledMigration": true})
		e.startHoldLocked(u)
		e.unlock()
		out.warnings = append(out.warnings, fmt.Sprintf("The migration of %s was in progress and has been cancelled; its contacts stay in Lync Server.", u.sip))
		return out, nil
	case u.phase != phaseMigrated:
		e.unlock()
		out.warnings = append(out.warnings, fmt.Sprintf("The contacts of %s are not in the unified contact store; there is nothing to roll back.", u.sip))
		return out, nil
	}
	u.rollingBack = true
	known := len(u.mirror.contacts)
	mbox := u.mailboxAddr()
	e.emitLocked(EventRollbackStarted, u.sip, map[string]any{"force": force, "trigger": why})
	e.unlock()

	var im ImList
	err := e.call(ctx, func() (err error) { im, err = e.ex.GetImItemList(ctx, mbox); return })
	lost := 0
	if err != nil {
		if !force {
			e.lock()
			u.rollingBack = false
			e.refreshMirrorLocked(u) // a refresh skipped during the attempt must still happen
			e.emitLocked(EventRollbackFailed, u.sip, map[string]any{"reason": failReason(err), "changed": false})
			e.unlock()
			return out, fmt.Errorf("cannot read the contact list of %s from Exchange (%s); nothing was changed. -Force rolls back anyway and the contacts are lost", u.sip, failReason(err))
		}
		im, lost = ImList{}, known
	}

	e.lock()
	for _, c := range im.Contacts {
		u.owned[lower(normURI(c.IMAddress))] = true
	}
	old := u.mirror
	next := fromImList(im, old)
	u.rollingBack = false
	e.cancelAttemptLocked(u)
	_ = u.becomeLync() // Migrated -> Lync is always legal (rollingBack kept every other move out)
	u.lync = next
	u.mirror = newLyncList()
	if _, changed := u.bumpAndDiff(old, next); !changed {
		u.deltaNum++
	}
	e.emitLocked(EventRollbackCompleted, u.sip, map[string]any{"contacts": len(next.contacts)})
	if lost > 0 || err != nil {
		u.lost += lost
		u.purge = true
		e.emitLocked(EventContactsLost, u.sip, map[string]any{"contacts": lost, "reason": failReason(err)})
		out.warnings = append(out.warnings, fmt.Sprintf("Exchange could not be read (%s): %d contacts of %s were lost (-Force).", failReason(err), lost, u.sip))
	}
	e.startHoldLocked(u)
	full := u.lync.list(u.deltaNum)
	for _, id := range sortedEndpointIDs(u) {
		ep := u.endpoints[id]
		switch {
		case ep.kind == Lync2013 && ep.readsFrom == ReadsExchange:
			l := full
			e.promptLocked(u, ep, Notification{Kind: NotifyRollbackPrompt, User: u.sip, Endpoint: id, List: &l}, 2166)
		case ep.kind == Lync2013:
			// Reading from Lync: its migration prompt (2165), if unanswered, stays until the user
			// answers it (signs out); a prompt once shown is never withdrawn. The client keeps its
			// old view meanwhile and ignores this list; one that shows no prompt takes it.
			l := full
			e.notifyLocked(Notification{Kind: NotifyFullList, User: u.sip, Endpoint: id, List: &l})
		default:
			// Writable again: the full list without diagnostics tells the client so.
			ep.readsFrom = ReadsLync
			l := full
			e.notifyLocked(Notification{Kind: NotifyFullList, User: u.sip, Endpoint: id, List: &l})
		}
	}
	e.unlock()

	if err != nil {
		// What Exchange still holds was recorded as lost: clean it out as soon as Exchange answers
		// again, so that what is added from Outlook afterwards is kept by the next migration.
		e.sched.Go("mailbox clean-up "+u.sip, func() { e.purgeMailbox(u, mbox) })
	}
	if err == nil {
		if cerr := e.cleanExchange(ctx, mbox, im); cerr != nil {
			out.warnings = append(out.warnings, fmt.Sprintf("The contacts of %s are back in Lync Server, but removing them from Exchange failed (%s); the next migration removes the leftovers.", u.sip, failReason(cerr)))
		}
	}
	return out, nil
}

// cleanExchange empties the mailbox's IM list after a rollback commit; an id already gone counts
// as done.
func (e *Engine) cleanExchange(ctx context.Context, mbox string, im ImList) error {
	for _, c := range im.Contacts {
		id := c.ID
		if err := e.call(ctx, func() error { return e.ex.RemoveContactFromImList(ctx, mbox, id) }); err != nil && !goneCode(err) {
			return err
		}
	}
	for _, g := range im.Groups {
		if g.Type != GroupUser {
			continue
		}
		id := g.ID
		if err := e.call(ctx, func() error { return e.ex.RemoveImGroup(ctx, mbox, id) }); err != nil && !goneCode(err) {
			return err
		}
	}
	return e.call(ctx, func() error { return e.ex.SetImListMigrationCompleted(ctx, mbox, false) })
}

// startHoldLocked starts the rollback hold, counted from now (the rollback's completion).
func (e *Engine) startHoldLocked(u *user) {
	if u.holdCancel != nil {
		u.holdCancel()
	}
	until := e.now().Add(e.mig.Hold)
	u.holdUntil = until
	e.emitLocked(EventHoldStarted, u.sip, map[string]any{"holdUntil": until.UTC().Format(time.RFC3339)})
	u.holdCancel = e.sched.At(until, "hold expiry "+u.sip, func() { e.holdExpired(u, until) })
}

// holdExpired re-checks the effective policy at the end of the hold: True migrates again (at once,
// or at the next Lync 2013 sign-in with remigration next-signin); False leaves the contacts in Lync.
func (e *Engine) holdExpired(u *user, until time.Time) {
	e.lock()
	defer e.unlock()
	if !u.holdUntil.Equal(until) {
		return
	}
	u.holdUntil, u.holdCancel = time.Time{}, nil
	e.emitLocked(EventHoldExpired, u.sip, nil)
	p := e.effectivePolicyLocked(u)
	ok, why := e.eligibleLocked(u)
	action := "migrate"
	switch {
	case !p.ucsAllowed:
		action, why = "none", "UcsAllowed is False: the rollback is permanent"
	case e.mig.Remigration == RemigrationNextSignIn && ok:
		action, why = "next-signin", "re-migration waits for the next Lync 2013 sign-in"
	case !ok:
		action = "none"
	}
	details := map[string]any{"policy": p.Identity(), "ucsAllowed": p.ucsAllowed, "action": action}
	if why != "" {
		details["reason"] = why
	}
	e.emitLocked(EventRemigrationCheck, u.sip, details)
	if action == "migrate" {
		e.startMigrationLocked(u, "hold expired")
	}
}

// purgeMailbox empties the IM list a forced rollback could not read, retrying every refreshRetry
// until Exchange answers; a migration that starts first does the clean-up itself (purge).
func (e *Engine) purgeMailbox(u *user, mbox string) {
	ctx := context.Background()
	pending := func() bool {
		e.lock()
		defer e.unlock()
		return u.purge && (u.phase == phaseLync || u.phase == phaseFailed)
	}
	for pending() {
		var im ImList
		err := e.call(ctx, func() (err error) { im, err = e.ex.GetImItemList(ctx, mbox); return })
		if err == nil && pending() {
			if err = e.cleanExchange(ctx, mbox, im); err == nil {
				e.lock()
				u.purge = false
				e.unlock()
				return
			}
		}
		if err == nil {
			return
		}
		if e.sched.Sleep(ctx, refreshRetry, 1) != nil {
			return
		}
	}
}
