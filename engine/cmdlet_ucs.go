package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// shellTime is how the shell prints a DateTime (en-US).
const shellTime = "1/2/2006 3:04:05 PM"

// Invoke-CsUcsRollback -Identity <user> [-Force] [-Confirm[:$False]] [-WhatIf]
func (e *Engine) invokeRollback(ctx context.Context, c *Command, opt RunOptions) (*Result, error) {
	e.lock()
	u, err := e.resolveLocked(c.str("Identity"))
	e.unlock()
	if err != nil {
		return nil, c.argErr("Identity", err)
	}
	if c.flag("WhatIf") {
		return nil, e.whatIfOnly(c, u.sip)
	}
	if !confirm(c, opt, u.sip) {
		return &Result{}, nil
	}
	out, err := e.rollback(ctx, u, c.flag("Force"), "Invoke-CsUcsRollback")
	if err != nil {
		return nil, &CmdletError{Cmdlet: c.Cmdlet, Message: err.Error()}
	}
	return &Result{Warnings: out.warnings}, nil
}

// whatIfOnly is a sentinel error carrying a -WhatIf line: Run prints it and changes nothing.
func (e *Engine) whatIfOnly(c *Command, target string) error {
	return &whatIfResult{line: whatIf(c, target)}
}

type whatIfResult struct{ line string }

func (w *whatIfResult) Error() string { return w.line }

// Test-CsUnifiedContactStore -UserSipAddress sip:... [-TargetFqdn <pool>]: signs the user in
// through the pool and reads the contacts from the unified contact store.
func (e *Engine) testUCS(ctx context.Context, c *Command) (*Result, error) {
	start := e.now()
	target := e.cfg.Pool
	if c.Params.Has("TargetFqdn") {
		target = c.str("TargetFqdn")
	}
	e.lock()
	u, err := e.resolveLocked(c.str("UserSipAddress"))
	if err != nil {
		e.unlock()
		return nil, c.argErr("UserSipAddress", err)
	}
	rec := func(ok bool, msg, diag string) *Result {
		result := "Failure"
		if ok {
			result = "Success"
		}
		return &Result{Records: []Record{{
			{"Target Fqdn", target}, {"Result", result}, {"Latency", timeSpan(e.now().Sub(start))},
			{"Error Message", msg}, {"Diagnosis", diag},
		}}}
	}
	if strings.TrimSpace(target) == "" || !e.knownPoolLocked(target) || e.legacy[lower(target)] {
		e.unlock()
		return rec(false, fmt.Sprintf("Unable to connect to the remote server %s.", target),
			fmt.Sprintf("No Lync Server 2013 Front End pool answers at %s: check the -TargetFqdn value.", target)), nil
	}
	if u.phase != phaseMigrated {
		state := e.stateLocked(u)
		e.unlock()
		return rec(false, "The contacts of the user are not in the unified contact store.",
			fmt.Sprintf("The contacts of %s are stored in Lync Server (state %s): they have not been migrated to the unified contact store.", u.sip, state)), nil
	}
	mbox := u.mailboxAddr()
	e.unlock()
	var im ImList
	if err := e.call(ctx, func() (err error) { im, err = e.ex.GetImItemList(ctx, mbox); return }); err != nil {
		return rec(false, "The contact list could not be read from Exchange.", failReason(err)), nil
	}
	if len(im.Contacts) == 0 {
		return rec(false, "No contacts were received for the user.", "Verify that contacts exist for the user."), nil
	}
	return rec(true, "", ""), nil
}

// timeSpan prints a duration as a .NET TimeSpan: 00:00:00 or 00:00:01.5000000.
func timeSpan(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	h, m, s := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	out := fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	if frac := d % time.Second; frac > 0 {
		out += fmt.Sprintf(".%07d", int(frac/100))
	}
	return out
}

// Debug-CsUnifiedContactStore -Identity <user> | -PoolFqdn <pool>
func (e *Engine) debugUCS(c *Command) (*Result, error) {
	hasID, hasPool := c.Params.Has("Identity"), c.Params.Has("PoolFqdn")
	switch {
	case hasID && hasPool:
		return nil, c.argError("PoolFqdn", "parameter set cannot be resolved: use either -Identity or -PoolFqdn")
	case !hasID && !hasPool:
		return nil, &CmdletError{Cmdlet: c.Cmdlet, Message: "either -Identity or -PoolFqdn is required"}
	}
	e.lock()
	defer e.unlock()
	if hasID {
		u, err := e.resolveLocked(c.str("Identity"))
		if err != nil {
			return nil, c.argErr("Identity", err)
		}
		st := e.statusLocked(u)
		last, hold := "", ""
		if !st.LastAttempt.IsZero() {
			last = st.LastAttempt.UTC().Format(shellTime)
		}
		if !st.HoldUntil.IsZero() {
			hold = st.HoldUntil.UTC().Format(shellTime)
		}
		contactsIn := "Lync"
		if st.ContactsIn == StoreExchange {
			contactsIn = "Exchange"
		}
		return &Result{Records: []Record{{
			{"Identity", u.sip}, {"UcsState", string(st.State)}, {"UcsMigrated", boolText(u.phase == phaseMigrated)},
			{"ContactsIn", contactsIn}, {"MigrationAttempts", strconv.Itoa(st.Attempts)},
			{"LastMigrationAttempt", last}, {"LastError", st.LastError}, {"RollbackHoldUntil", hold},
			{"EffectivePolicy", e.effectivePolicyLocked(u).Identity()}, {"LostContacts", strconv.Itoa(st.LostContacts)},
		}}}, nil
	}
	pool := c.str("PoolFqdn")
	if !e.knownPoolLocked(pool) {
		return nil, c.argError("PoolFqdn", "cannot find pool %q", pool)
	}
	counts := map[State]int{}
	// order does not matter: counting
	for _, u := range e.users {
		if strings.EqualFold(u.pool, pool) {
			counts[e.stateLocked(u)]++
		}
	}
	return &Result{Records: []Record{{
		{"PoolFqdn", pool}, {"UcsDisabled", strconv.Itoa(counts[Disabled])}, {"UcsAllowed", strconv.Itoa(counts[Allowed])},
		{"UcsMigrating", strconv.Itoa(counts[Migrating])}, {"UcsMigrated", strconv.Itoa(counts[Migrated])},
		{"FailedUserData", strconv.Itoa(counts[Failed])},
	}}}, nil
}

// Move-CsUser -Identity <user> -Target <pool>: to a Lync Server 2010 pool the user is rolled back
// first (policy unchanged, hold starts).
func (e *Engine) moveUser(ctx context.Context, c *Command, opt RunOptions) (*Result, error) {
	target := strings.TrimSpace(c.str("Target"))
	e.lock()
	u, err := e.resolveLocked(c.str("Identity"))
	if err != nil {
		e.unlock()
		return nil, c.argErr("Identity", err)
	}
	if target == "" || !e.knownPoolLocked(target) {
		e.unlock()
		return nil, c.argError("Target", "cannot find pool %q", c.str("Target"))
	}
	same := strings.EqualFold(u.pool, target)
	legacy := e.legacy[lower(target)]
	e.unlock()
	if same {
		return &Result{Warnings: []string{fmt.Sprintf("%s is already homed on %s; nothing was moved.", u.sip, target)}}, nil
	}
	if c.flag("WhatIf") {
		return nil, e.whatIfOnly(c, u.sip)
	}
	if !confirm(c, opt, u.sip) {
		return &Result{}, nil
	}
	res := &Result{}
	if legacy {
		e.lock()
		inUCS := u.phase == phaseMigrated || u.phase == phaseMigrating
		e.unlock()
		if inUCS {
			out, err := e.rollback(ctx, u, c.flag("Force"), "Move-CsUser")
			if err != nil {
				return nil, &CmdletError{Cmdlet: c.Cmdlet, Parameter: "Target", Message: err.Error()}
			}
			res.Warnings = append(res.Warnings, out.warnings...)
		}
	}
	e.lock()
	u.pool = target
	e.unlock()
	return res, nil
}
