package engine

import (
	"fmt"
	"html"

	"strings"

	"github.com/ucssim/ucssim/engine/pwsh"
)

func init() {
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Invoke-CsUcsRollback", Params: []pwsh.ParamSpec{
			userIdentity(true, helpUserIdentity),
			named("DomainController", "Fqdn", helpDC),
			sw("Force", "Rolls back even when the contact list cannot be read from Exchange: the contacts that could not be read are lost."),
			sw("PassThru", "Outputs the user object after the rollback."),
		}},
		changes: true, confirms: true, run: (*Engine).invokeRollback, module: "Lync", help: helpRollback,
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Test-CsUnifiedContactStore", Params: []pwsh.ParamSpec{
			{Name: "TargetFqdn", Position: 0, Type: "String", Help: "The pool to test through. Default: the user's registrar pool."},
			named("UserSipAddress", "String", "SIP address of the user whose contacts are read, e.g. sip:kenmyer@litwareinc.com."),
			named("UserCredential", "PSCredential", "Credentials of that user (from Get-Credential). The simulator does not check passwords."),
			{Name: "Authentication", Position: -1, Type: "SipSyntheticTransaction+AuthenticationMechanism",
				Values: []string{"TrustedServer", "Negotiate", "ClientCertificate", "LiveID"}, Help: "How the test user signs in: TrustedServer, Negotiate, ClientCertificate or LiveID."},
			{Name: "RegistrarPort", Position: -1, Type: "Int32", Help: "SIP port of the Registrar (default 5061)."},
			sw("Force", helpForce),
			named("OutLoggerVariable", "String", "Name (without $) of a variable that receives the test's step-by-step log."),
			named("OutVerboseVariable", "String", "Name (without $) of a variable that receives the test's verbose messages."),
		}},
		run: (*Engine).testUCS, module: "Lync", help: helpTest,
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Debug-CsUnifiedContactStore", Params: []pwsh.ParamSpec{
			{Name: "Identity", Position: 0, Type: "UserIdParameter", Help: "The user whose unified contact store status is shown (SIP address with or without sip:, or any user identity)."},
			named("PoolFqdn", "Fqdn", "A registrar pool: counts its users by unified contact store state."),
			named("ContactDataExportFileName", "String", "With -Identity: writes the user's contacts from the unified contact store to this XML file (refused when the user has not migrated)."),
			sw("Force", helpForce),
		}},
		run: (*Engine).debugUCS, module: "Lync", help: helpDebug,
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Move-CsUser", Params: []pwsh.ParamSpec{
			userIdentity(true, helpUserIdentity),
			{Name: "Target", Position: 1, Mandatory: true, Type: "Fqdn", Help: "FQDN of the registrar pool to move to. Moving to a Lync Server 2010 pool rolls a migrated user back out of the unified contact store."},
			named("Credential", "PSCredential", "Alternate credentials (accepted)."),
			named("DomainController", "Fqdn", helpDC),
			sw("Force", "Moves the account even if its user data cannot be moved; with a Lync Server 2010 target, also forces the rollback (unreadable contacts are lost)."),
			named("HostedMigrationOverrideUrl", "String", "Lync Online only: refused by the simulator."),
			sw("IgnoreBackendStoreException", "Moves the user despite back-end database errors (accepted)."),
			sw("MoveConferenceData", "Moves meeting data too (accepted; the simulator has none)."),
			sw("PassThru", "Outputs the user object after the move."),
			named("ProxyPool", "Fqdn", "Lync Online only: refused by the simulator."),
		}},
		changes: true, confirms: true, run: (*Engine).moveUser, module: "Lync", help: helpMove,
	})
}

// Invoke-CsUcsRollback -Identity <user> [-Force] [-PassThru] [-Confirm[:$False]] [-WhatIf]
func (e *Engine) invokeRollback(x *invocation) error {
	c := x.cmd
	e.lock()
	users, err := e.resolveManyLocked(c.str("Identity"))
	e.unlock()
	if err != nil {
		return userError(c, "Identity", err)
	}
	for _, u := range users {
		if !x.shouldProcess(u.sip) {
			continue
		}
		out, err := e.rollback(x.ctx(), u, c.flag("Force"), "Invoke-CsUcsRollback")
		if err != nil {
			return &CmdletError{Cmdlet: c.Cmdlet, Message: err.Error()}
		}
		for _, w := range out.warnings {
			x.warn(w)
		}
		if c.flag("PassThru") {
			e.lock()
			x.emit(e.userObjectLocked(u))
			e.unlock()
		}
	}
	return nil
}

// Test-CsUnifiedContactStore [-TargetFqdn <pool>] -UserSipAddress sip:... [-UserCredential]:
// signs the user in through the pool and reads the contacts from the unified contact store.
func (e *Engine) testUCS(x *invocation) error {
	c := x.cmd
	start := e.now()
	if c.Params.Has("UserCredential") && !c.Params.Has("UserSipAddress") {
		return c.argError("UserSipAddress", "Cannot process command because of one or more missing mandatory parameters: UserSipAddress.")
	}
	e.lock()
	target := e.cfg.Pool
	if !c.Params.Has("UserSipAddress") {
		if c.Params.Has("TargetFqdn") {
			target = c.str("TargetFqdn")
		}
		e.unlock()
		return &CmdletError{Cmdlet: c.Cmdlet, Message: fmt.Sprintf("No health monitoring test users are configured for %s: give -UserSipAddress (and -UserCredential), "+
			"or configure test users with New-CsHealthMonitoringConfiguration (not simulated).", target)}
	}
	u, err := e.resolveLocked(c.str("UserSipAddress"))
	if err != nil {
		e.unlock()
		return userError(c, "UserSipAddress", err)
	}
	target = u.pool
	if c.Params.Has("TargetFqdn") {
		target = c.str("TargetFqdn")
	}
	var steps []any
	step := func(s string) { steps = append(steps, s) }
	rec := func(ok bool, msg, diag string) {
		result := "Failure"
		if ok {
			result = "Success"
		}
		step("Result: " + result)
		if name, ok := c.Params.String("OutVerboseVariable"); ok && name != "" {
			x.r.sess.SetVar(name, steps)
		}
		if name, ok := c.Params.String("OutLoggerVariable"); ok && name != "" {
			x.r.sess.SetVar(name, &pwsh.Object{TypeName: "Microsoft.Rtc.SyntheticTransactions.Logging.SyntheticTransactionsLogger",
				Props: []pwsh.Prop{{Name: "TargetFqdn", Value: target}, {Name: "Result", Value: result}, {Name: "Steps", Value: steps}}, Key: "Result"})
		}
		x.emit(&pwsh.Object{TypeName: "Microsoft.Rtc.SyntheticTransactions.TaskOutput", Key: "Result", Props: []pwsh.Prop{
			{Name: "Target Fqdn", Value: target}, {Name: "Result", Value: result}, {Name: "Latency", Value: e.now().Sub(start)},
			{Name: "Error Message", Value: msg}, {Name: "Diagnosis", Value: diag},
		}})
	}
	port := "5061"
	if p, ok := c.Params.String("RegistrarPort"); ok {
		port = p
	}
	step(fmt.Sprintf("Registering %s on %s:%s", u.sip, target, port))
	if strings.TrimSpace(target) == "" || !e.knownPoolLocked(target) || e.legacy[lower(target)] {
		e.unlock()
		rec(false, fmt.Sprintf("Unable to connect to the remote server %s.", target),
			fmt.Sprintf("No Lync Server 2013 Front End pool answers at %s: check the -TargetFqdn value.", target))
		return nil
	}
	if port != "5061" {
		e.unlock()
		rec(false, fmt.Sprintf("Unable to connect to the remote server %s:%s.", target, port),
			fmt.Sprintf("The Registrar of %s listens on port 5061: check the -RegistrarPort value.", target))
		return nil
	}
	if u.phase != phaseMigrated {
		state := e.stateLocked(u)
		e.unlock()
		rec(false, "The contacts of the user are not in the unified contact store.",
			fmt.Sprintf("The contacts of %s are stored in Lync Server (state %s): they have not been migrated to the unified contact store.", u.sip, state))
		return nil
	}
	mbox := u.mailboxAddr()
	e.unlock()
	step("Reading the contact list from the unified contact store (Exchange mailbox " + mbox + ")")
	ctx := x.ctx()
	var im ImList
	if err := e.call(ctx, func() (err error) { im, err = e.ex.GetImItemList(ctx, mbox); return }); err != nil {
		rec(false, "The contact list could not be read from Exchange.", failReason(err))
		return nil
	}
	step(fmt.Sprintf("%d contacts received", len(im.Contacts)))
	if len(im.Contacts) == 0 {
		rec(false, "No contacts were received for the user.", "Verify that contacts exist for the user.")
		return nil
	}
	rec(true, "", "")
	return nil
}

// Debug-CsUnifiedContactStore -Identity <user> [-ContactDataExportFileName F] | -PoolFqdn <pool>
func (e *Engine) debugUCS(x *invocation) error {
	c := x.cmd
	hasID, hasPool := c.Params.Has("Identity"), c.Params.Has("PoolFqdn")
	switch {
	case hasID && hasPool:
		return c.argError("PoolFqdn", "Parameter set cannot be resolved using the specified named parameters: use either -Identity or -PoolFqdn.")
	case !hasID && !hasPool:
		return &CmdletError{Cmdlet: c.Cmdlet, Message: "either -Identity or -PoolFqdn is required"}
	case hasPool && c.Params.Has("ContactDataExportFileName"):
		return c.argError("ContactDataExportFileName", "Parameter set cannot be resolved using the specified named parameters: -ContactDataExportFileName goes with -Identity.")
	}
	e.lock()
	if hasID {
		u, err := e.resolveLocked(c.str("Identity"))
		if err != nil {
			e.unlock()
			return userError(c, "Identity", err)
		}
		st := e.statusLocked(u)
		contactsIn := "Lync"
		if st.ContactsIn == StoreExchange {
			contactsIn = "Exchange"
		}
		obj := &pwsh.Object{TypeName: "Microsoft.Rtc.Management.Presence.Cmdlets.GetUcsUserData", Props: []pwsh.Prop{
			{Name: "Identity", Value: u.sip}, {Name: "UcsState", Value: string(st.State)}, {Name: "UcsMigrated", Value: u.phase == phaseMigrated},
			{Name: "ContactsIn", Value: contactsIn}, {Name: "MigrationAttempts", Value: int64(st.Attempts)},
			{Name: "LastMigrationAttempt", Value: st.LastAttempt}, {Name: "LastError", Value: st.LastError}, {Name: "RollbackHoldUntil", Value: st.HoldUntil},
			{Name: "EffectivePolicy", Value: e.effectivePolicyLocked(u).Identity()}, {Name: "LostContacts", Value: int64(st.LostContacts)},
		}}
		migrated, mbox := u.phase == phaseMigrated, u.mailboxAddr()
		e.unlock()
		file, export := c.Params.String("ContactDataExportFileName")
		if !export {
			x.emit(obj)
			return nil
		}
		if strings.TrimSpace(file) == "" {
			return c.argError("ContactDataExportFileName", "the file name is empty")
		}
		if !migrated {
			return c.argError("Identity", "The contacts of %s are not in the unified contact store: nothing was exported.", u.sip)
		}
		ctx := x.ctx()
		var im ImList
		if err := e.call(ctx, func() (err error) { im, err = e.ex.GetImItemList(ctx, mbox); return }); err != nil {
			return &CmdletError{Cmdlet: c.Cmdlet, Message: "The contact list could not be read from Exchange: " + failReason(err)}
		}
		x.r.res.Files = append(x.r.res.Files, File{Path: file, Content: contactXML(u.sip, im)})
		x.emit(obj)
		return nil
	}
	defer e.unlock()
	pool := c.str("PoolFqdn")
	if !e.knownPoolLocked(pool) {
		return c.argError("PoolFqdn", "cannot find pool %q", pool)
	}
	counts := map[State]int64{}
	var failed []string
	for _, k := range e.sortedUserKeysLocked() {
		u := e.users[k]
		if strings.EqualFold(u.pool, pool) {
			st := e.stateLocked(u)
			counts[st]++
			if st == Failed {
				failed = append(failed, u.sip)
			}
		}
	}
	if failed == nil {
		failed = []string{}
	}
	x.emit(&pwsh.Object{TypeName: "Microsoft.Rtc.Management.Presence.Cmdlets.GetUcsFrontEndData", Key: "FrontEnd", Props: []pwsh.Prop{
		{Name: "FrontEnd", Value: pool}, {Name: "UcsDisabledCount", Value: counts[Disabled]}, {Name: "UcsAllowedCount", Value: counts[Allowed]},
		{Name: "UcsMigratingCount", Value: counts[Migrating]}, {Name: "UcsMigratedCount", Value: counts[Migrated]},
		{Name: "FailedUserData", Value: failed},
	}})
	return nil
}

// File is a file a cmdlet wrote (Debug-CsUnifiedContactStore -ContactDataExportFileName); the
// engine does no I/O, the shell writes it.
type File struct{ Path, Content string }

// contactXML is the export of a user's unified contact store list.
func contactXML(sip string, im ImList) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<UcsContactData User=\"%s\">\n", html.EscapeString(sip))
	for _, g := range im.Groups {
		fmt.Fprintf(&b, "  <Group Name=\"%s\" Type=\"%s\" Members=\"%d\" />\n", html.EscapeString(g.DisplayName), html.EscapeString(string(g.Type)), len(g.Members))
	}
	for _, ct := range im.Contacts {
		fmt.Fprintf(&b, "  <Contact ImAddress=\"sip:%s\" DisplayName=\"%s\" />\n", html.EscapeString(ct.IMAddress), html.EscapeString(ct.DisplayName))
	}
	b.WriteString("</UcsContactData>\n")
	return b.String()
}

// Move-CsUser -Identity <user> -Target <pool>: to a Lync Server 2010 pool the user is rolled back
// first (policy unchanged, hold starts); the move is recorded as user.moved.
func (e *Engine) moveUser(x *invocation) error {
	c := x.cmd
	for _, p := range []string{"ProxyPool", "HostedMigrationOverrideUrl"} {
		if c.Params.Has(p) {
			return c.argError(p, "-%s is for moves to Lync Online, which the simulator does not model", p)
		}
	}
	target := strings.TrimSpace(c.str("Target"))
	e.lock()
	users, err := e.resolveManyLocked(c.str("Identity"))
	if err != nil {
		e.unlock()
		return userError(c, "Identity", err)
	}
	if target == "" || !e.knownPoolLocked(target) {
		e.unlock()
		return c.argError("Target", "cannot find pool %q", c.str("Target"))
	}
	legacy := e.legacy[lower(target)]
	e.unlock()
	for _, u := range users {
		e.lock()
		from := u.pool
		e.unlock()
		if strings.EqualFold(from, target) {
			x.warn(fmt.Sprintf("%s is already homed on %s; nothing was moved.", u.sip, target))
			continue
		}
		if !x.shouldProcess(u.sip) {
			continue
		}
		rolledBack := false
		if legacy {
			e.lock()
			inUCS := u.phase == phaseMigrated || u.phase == phaseMigrating
			e.unlock()
			if inUCS {
				out, err := e.rollback(x.ctx(), u, c.flag("Force"), "Move-CsUser")
				if err != nil {
					return &CmdletError{Cmdlet: c.Cmdlet, Parameter: "Target", Message: err.Error()}
				}
				rolledBack = true
				for _, w := range out.warnings {
					x.warn(w)
				}
			}
		}
		e.lock()
		u.pool = target
		e.emitLocked(EventUserMoved, u.sip, map[string]any{"from": from, "to": target, "lyncServer2010": legacy, "rolledBack": rolledBack})
		obj := e.userObjectLocked(u)
		e.unlock()
		if c.flag("PassThru") {
			x.emit(obj)
		}
	}
	return nil
}
