package engine

import (
	"context"
	"time"
)

// eligibleLocked reports whether a migration may start now (docs/BEHAVIOR.md B-2.1, conditions 1,
// 3 and 5; condition 2, server-to-server trust, shows itself as a 401 from Exchange), and if not, why.
func (e *Engine) eligibleLocked(u *user) (bool, string) {
	switch {
	case u.phase == phaseMigrating:
		return false, "a migration is in flight"
	case u.phase == phaseMigrated:
		return false, "the contacts are already in the unified contact store"
	case u.rollingBack:
		return false, "a rollback is in flight"
	case !u.holdUntil.IsZero() && e.now().Before(u.holdUntil):
		return false, "the rollback hold is active until " + u.holdUntil.UTC().Format(time.RFC3339)
	case !e.effectivePolicyLocked(u).ucsAllowed:
		return false, "the effective user services policy has UcsAllowed False"
	case u.mailbox != MailboxExchange2013:
		return false, "the user has no Exchange 2013 mailbox"
	case e.legacy[lower(u.pool)]:
		return false, "the user is homed on a Lync Server 2010 pool"
	}
	return true, ""
}

// signInCheckLocked is the check a Lync 2013 sign-in triggers.
func (e *Engine) signInCheckLocked(u *user) {
	if ok, _ := e.eligibleLocked(u); !ok {
		return
	}
	if u.phase == phaseFailed {
		e.emitLocked(EventMigrationRetry, u.sip, map[string]any{"trigger": "signin", "attempts": u.attempts})
	}
	e.startMigrationLocked(u, "signin")
}

// startMigrationLocked begins an attempt: state Migrating, and a job that writes the list to
// Exchange at once and commits at start + duration (+ perContact x n + jitter) or when the writes
// finish, if later.
func (e *Engine) startMigrationLocked(u *user, trigger string) {
	if err := u.becomeMigrating(); err != nil {
		return
	}
	e.cancelAttemptLocked(u)
	ctx, cancel := context.WithCancel(e.root)
	u.cancel = cancel
	u.attempts++
	now := e.now()
	u.lastAttempt = now
	n := len(u.lync.contacts)
	dur := e.mig.Duration + time.Duration(n)*e.mig.PerContact
	if j := e.mig.Jitter; j > 0 {
		// Whole seconds when the jitter allows it, so a scenario can pin the drawn instant.
		unit := time.Second
		if j < unit {
			unit = time.Nanosecond
		}
		steps := int64(j / unit)
		dur += time.Duration(e.rnd.Int64N(2*steps+1)-steps) * unit
	}
	if dur < 0 {
		dur = 0
	}
	commitAt := now.Add(dur)
	epoch := u.epoch
	e.emitLocked(EventMigrationStarted, u.sip, map[string]any{
		"contacts": n, "attempt": u.attempts, "trigger": trigger, "commitAt": commitAt.UTC().Format(time.RFC3339),
	})
	e.sched.Go("migration "+u.sip, func() { e.runMigration(ctx, u, epoch, commitAt) })
}

// cancelAttemptLocked invalidates any job working for the user.
func (e *Engine) cancelAttemptLocked(u *user) {
	u.epoch++
	if u.cancel != nil {
		u.cancel()
		u.cancel = nil
	}
}

func (e *Engine) runMigration(ctx context.Context, u *user, epoch int, commitAt time.Time) {
	e.lock()
	if u.epoch != epoch {
		e.unlock()
		return
	}
	target, version, mbox := u.lync.clone(), u.deltaNum, u.mailboxAddr()
	e.unlock()

	if err := e.reconcileFor(ctx, u, mbox, target); err != nil {
		e.failAttempt(u, epoch, err)
		return
	}
	if d := commitAt.Sub(e.now()); d > 0 {
		if err := e.sched.Sleep(ctx, d, 1); err != nil {
			return // cancelled by a rollback
		}
	}
	for {
		e.lock()
		if u.epoch != epoch {
			e.unlock()
			return
		}
		changed := u.deltaNum != version
		if changed {
			target, version = u.lync.clone(), u.deltaNum
		}
		e.unlock()
		if changed {
			if err := e.reconcileFor(ctx, u, mbox, target); err != nil {
				e.failAttempt(u, epoch, err)
				return
			}
		}
		err := e.call(ctx, func() error { return e.ex.SetImListMigrationCompleted(ctx, mbox, true) })
		var im ImList
		if err == nil {
			err = e.call(ctx, func() (err error) { im, err = e.ex.GetImItemList(ctx, mbox); return })
		}
		if err != nil {
			e.failAttempt(u, epoch, err)
			return
		}
		e.lock()
		if u.epoch != epoch {
			e.unlock()
			return
		}
		if u.deltaNum != version { // edited while we committed: write the edits, then commit again
			e.unlock()
			continue
		}
		e.commitMigrationLocked(u, im)
		e.unlock()
		return
	}
}

// commitMigrationLocked makes Exchange authoritative: mirror = the Exchange list, prompts to Lync
// 2013 endpoints still reading Lync, read-only view for the others.
func (e *Engine) commitMigrationLocked(u *user, im ImList) {
	if err := u.becomeMigrated(); err != nil {
		return
	}
	if u.cancel != nil {
		u.cancel()
		u.cancel = nil
	}
	u.lastError = ""
	u.mirror = fromImList(im, u.lync)
	u.bumpAndDiff(u.lync, u.mirror)
	e.emitLocked(EventMigrationCompleted, u.sip, map[string]any{"contacts": len(u.mirror.contacts), "attempts": u.attempts})
	for _, id := range sortedEndpointIDs(u) {
		ep := u.endpoints[id]
		if ep.kind == Lync2013 {
			if ep.readsFrom == ReadsLync && ep.prompt == promptNone {
				e.promptLocked(u, ep, Notification{Kind: NotifyMigratedPrompt, User: u.sip, Endpoint: id,
					List: &ContactList{DeltaNum: u.deltaNum, Migrated: true}}, 2165)
			}
			continue
		}
		// The endpoint is told its list is now read-only (the full list with 2165), so the client
		// and the engine agree on where it reads from without waiting for a refused write.
		ep.readsFrom = ReadsReadOnly
		l := u.mirror.list(u.deltaNum)
		e.notifyLocked(Notification{Kind: NotifyReadOnlyList, User: u.sip, Endpoint: id, List: &l})
	}
}

func (e *Engine) failAttempt(u *user, epoch int, err error) {
	e.lock()
	defer e.unlock()
	if u.epoch != epoch {
		return
	}
	if err := u.becomeFailed(); err != nil {
		return
	}
	e.cancelAttemptLocked(u)
	u.lastError = failReason(err)
	e.emitLocked(EventMigrationFailed, u.sip, map[string]any{"reason": u.lastError, "attempts": u.attempts})
}

// scheduleDailyTask arms the next run of the daily migration task.
func (e *Engine) scheduleDailyTask() {
	now := e.now().UTC()
	next := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).Add(e.mig.DailyTask)
	if !next.After(now) {
		next = next.Add(24 * time.Hour)
	}
	e.sched.At(next, "daily migration task", func() {
		e.dailyTask()
		e.scheduleDailyTask()
	})
}

// dailyTask retries every failed user that still qualifies.
func (e *Engine) dailyTask() {
	e.lock()
	defer e.unlock()
	for _, k := range e.sortedUserKeysLocked() {
		u := e.users[k]
		if u.phase != phaseFailed {
			continue
		}
		if ok, _ := e.eligibleLocked(u); ok {
			e.emitLocked(EventMigrationRetry, u.sip, map[string]any{"trigger": "daily task", "attempts": u.attempts})
			e.startMigrationLocked(u, "daily task")
		}
	}
}
