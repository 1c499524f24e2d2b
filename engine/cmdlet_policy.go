package engine

import (
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/engine/pwsh"
)

// Parameter helpers for the cmdlet tables.
func sw(name, help string) pwsh.ParamSpec {
	return pwsh.ParamSpec{Name: name, Kind: pwsh.SwitchParam, Position: -1, Help: help}
}

func named(name, typ, help string) pwsh.ParamSpec {
	return pwsh.ParamSpec{Name: name, Position: -1, Type: typ, Help: help}
}

const (
	helpWhatIf  = "Describes what would happen if you ran the command, without running it."
	helpConfirm = "Asks for confirmation before running the command; -Confirm:$False suppresses a prompt the cmdlet would otherwise show."
	helpForce   = "Suppresses non-fatal error messages."
	helpTenant  = "The Lync Online tenant (a GUID). The simulator models an on-premises deployment: giving a tenant is refused."
	helpDC      = "Domain controller to read the user accounts from. Accepted; the simulated directory has one."
	helpPolicy  = "The policy's identity: global, site:<name>, UserServer:<pool fqdn> (service scope) or a per-user policy name (tag:<name> or just <name>)."
)

var policyIdentity = pwsh.ParamSpec{Name: "Identity", Position: 0, Type: "XdsIdentity", FromPipelineByName: true, Help: helpPolicy}

func userIdentity(mandatory bool, help string) pwsh.ParamSpec {
	return pwsh.ParamSpec{Name: "Identity", Position: 0, Mandatory: mandatory, Type: "UserIdParameter",
		FromPipeline: true, FromPipelineByName: true, PipelineKinds: []string{"user"}, Help: help}
}

const helpUserIdentity = "The user: SIP address (with or without sip:), user principal name, domain\\logon (litwareinc\\kenmyer), " +
	"Active Directory display name (Ken Myer) or distinguished name. A display name may use the * wildcard (\"* Myer\")."

func init() {
	register(&cmdlet{
		spec: pwsh.Spec{Name: "New-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
			{Name: "Identity", Position: 0, Mandatory: true, Type: "XdsIdentity", Help: helpPolicy + " The global policy always exists and cannot be created."},
			{Name: "UcsAllowed", Kind: pwsh.BoolParam, Position: -1, Help: "$True (the default): users of the policy migrate to the unified contact store at their next Lync 2013 sign-in."},
			sw("Force", helpForce), sw("InMemory", "Returns the new policy without saving it."), named("Tenant", "Guid", helpTenant),
		}},
		changes: true, run: (*Engine).newPolicy, module: "Lync", help: helpNewPolicy,
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Set-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
			policyIdentity,
			{Name: "Instance", Position: -1, Type: "PSObject", FromPipeline: true, PipelineKinds: []string{"policy"}, Help: "A policy object (from Get-CsUserServicesPolicy) to modify instead of naming it."},
			{Name: "UcsAllowed", Kind: pwsh.BoolParam, Position: -1, Help: "$True lets the policy's users migrate to the unified contact store; $False stops new migrations (it never moves contacts back)."},
			sw("Force", helpForce), named("Tenant", "Guid", helpTenant),
		}},
		changes: true, run: (*Engine).setPolicy, module: "Lync", help: helpSetPolicy,
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Get-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
			{Name: "Identity", Position: 0, Type: "XdsIdentity", Help: helpPolicy + " Without it (and without -Filter), every policy is returned."},
			named("Filter", "String", "A wildcard pattern over the identities: \"site:*\", \"tag:*\"."),
			sw("LocalStore", "Reads the local replica of the Central Management store (the simulator has one store)."),
			named("Tenant", "Guid", helpTenant),
		}},
		run: (*Engine).getPolicy, module: "Lync", help: helpGetPolicy,
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Remove-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
			{Name: "Identity", Position: 0, Mandatory: true, Type: "XdsIdentity", FromPipeline: true, FromPipelineByName: true, PipelineKinds: []string{"policy"},
				Help: helpPolicy + " Removing the global policy resets it to its defaults (UcsAllowed True)."},
			sw("Force", helpForce), named("Tenant", "Guid", helpTenant),
		}},
		changes: true, run: (*Engine).removePolicy, module: "Lync", help: helpRemovePolicy,
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Grant-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
			userIdentity(true, helpUserIdentity),
			{Name: "PolicyName", Position: 1, AllowNull: true, Type: "String", Help: "The per-user policy to assign: its identity without tag:. $Null (or no -PolicyName) unassigns the per-user policy."},
			named("DomainController", "Fqdn", helpDC),
			sw("PassThru", "Outputs the user object after the assignment."),
		}},
		changes: true, run: (*Engine).grantPolicy, module: "Lync", help: helpGrantPolicy,
	})
}

func policyObject(p *policy) *pwsh.Object {
	return &pwsh.Object{TypeName: "Microsoft.Rtc.Management.WritableConfig.Policy.UserServices.UserServicesPolicy", Kind: "policy",
		Props: []pwsh.Prop{{Name: "Identity", Value: p.Identity()}, {Name: "UcsAllowed", Value: p.ucsAllowed}}}
}

// noTenant refuses -Tenant: the simulated deployment is on-premises.
func noTenant(c *Command) error {
	if c.Params.Has("Tenant") {
		return c.argError("Tenant", "Lync Online tenants are not simulated: this world is an on-premises Lync Server 2013 deployment; leave out -Tenant")
	}
	return nil
}

// New-CsUserServicesPolicy -Identity X [-UcsAllowed $b] [-InMemory]
func (e *Engine) newPolicy(x *invocation) error {
	c := x.cmd
	if err := noTenant(c); err != nil {
		return err
	}
	scope, name, err := parsePolicyIdentity(c.str("Identity"))
	if err != nil {
		return c.argErr("Identity", err)
	}
	allowed := true
	if b, ok := c.Params.Bool("UcsAllowed"); ok {
		allowed = b
	} else if c.Params.IsNull("UcsAllowed") {
		return c.argError("UcsAllowed", "UcsAllowed cannot be $Null")
	}
	e.lock()
	switch {
	case scope == scopeGlobal:
		e.unlock()
		return c.argErr("Identity", wrapf(ErrPolicyExists, "the global policy always exists and cannot be created; use Set-CsUserServicesPolicy -Identity global"))
	case scope == scopeSite && !e.knownSiteLocked(name):
		e.unlock()
		return c.argError("Identity", "cannot create policy \"Site:%s\": there is no site %q", name, name)
	case scope == scopeService && !e.knownPoolLocked(name):
		e.unlock()
		return c.argError("Identity", "cannot create policy \"Service:UserServer:%s\": there is no pool %q", name, name)
	}
	if p, dup := e.policies[policyKey(scope, name)]; dup {
		e.unlock()
		return c.argErr("Identity", wrapf(ErrPolicyExists, "a policy with identity %q already exists", p.Identity()))
	}
	p := &policy{scope: scope, name: name, ucsAllowed: allowed}
	e.unlock()
	if c.flag("InMemory") {
		x.emit(policyObject(p))
		return nil
	}
	if !x.shouldProcess(p.Identity()) {
		return nil
	}
	e.lock()
	if _, dup := e.policies[p.key()]; dup {
		e.unlock()
		return c.argErr("Identity", wrapf(ErrPolicyExists, "a policy with identity %q already exists", p.Identity()))
	}
	e.policies[p.key()] = p
	e.emitLocked(EventPolicyCreated, "", map[string]any{"identity": p.Identity(), "ucsAllowed": allowed})
	obj := policyObject(p)
	e.unlock()
	x.emit(obj)
	return nil
}

// findPolicyLocked resolves an existing policy identity for the named parameter.
func (e *Engine) findPolicyLocked(c *Command, param, identity string) (*policy, error) {
	scope, name, err := parsePolicyIdentity(identity)
	if err != nil {
		return nil, c.argErr(param, err)
	}
	p, ok := e.policies[policyKey(scope, name)]
	if !ok {
		return nil, c.argErr(param, wrapf(ErrUnknownPolicy, "cannot find policy %q", identity))
	}
	return p, nil
}

// Set-CsUserServicesPolicy [-Identity X | -Instance <policy>] -UcsAllowed $b (neither: global)
func (e *Engine) setPolicy(x *invocation) error {
	c := x.cmd
	if err := noTenant(c); err != nil {
		return err
	}
	identity := "global"
	switch {
	case c.Params.Has("Identity") && c.Params.Has("Instance") && x.input == nil:
		return c.argError("Instance", "Parameter set cannot be resolved using the specified named parameters: give -Identity or -Instance, not both.")
	case c.Params.Has("Identity"):
		if c.Params.IsNull("Identity") {
			return c.argError("Identity", "Identity cannot be $Null")
		}
		identity = c.str("Identity")
	case c.Params.Has("Instance"):
		identity = c.str("Instance")
	}
	if c.Params.IsNull("UcsAllowed") {
		return c.argError("UcsAllowed", "UcsAllowed cannot be $Null")
	}
	e.lock()
	p, err := e.findPolicyLocked(c, "Identity", identity)
	e.unlock()
	if err != nil {
		return err
	}
	allowed, given := c.Params.Bool("UcsAllowed")
	if !given || !x.shouldProcess(p.Identity()) {
		return nil
	}
	e.lock()
	was := p.ucsAllowed
	p.ucsAllowed = allowed
	e.emitLocked(EventPolicySet, "", map[string]any{"identity": p.Identity(), "ucsAllowed": allowed})
	e.unlock()
	if was && !allowed {
		x.warn(fmt.Sprintf("Changing %s to UcsAllowed False does not move contacts out of the unified contact store: users already migrated keep their contacts in Exchange until you run Invoke-CsUcsRollback.", p.Identity()))
	}
	return nil
}

// Get-CsUserServicesPolicy [-Identity X | -Filter pattern]
func (e *Engine) getPolicy(x *invocation) error {
	c := x.cmd
	if err := noTenant(c); err != nil {
		return err
	}
	if c.Params.Has("Identity") && c.Params.Has("Filter") {
		return c.argError("Filter", "Parameter set cannot be resolved using the specified named parameters: use either -Identity or -Filter.")
	}
	for _, p := range []string{"Identity", "Filter"} {
		if c.Params.IsNull(p) {
			return c.argError(p, "%s cannot be $Null", p)
		}
	}
	e.lock()
	defer e.unlock()
	if c.Params.Has("Identity") {
		p, err := e.findPolicyLocked(c, "Identity", c.str("Identity"))
		if err != nil {
			return err
		}
		x.emit(policyObject(p))
		return nil
	}
	filter := "*"
	if c.Params.Has("Filter") {
		filter = c.str("Filter")
		if filter == "" {
			return c.argError("Filter", "the filter is empty")
		}
	}
	for _, p := range e.sortedPoliciesLocked() {
		if globMatch(lower(filter), lower(p.Identity())) {
			x.emit(policyObject(p))
		}
	}
	return nil
}

// globMatch is PowerShell's -like for '*' and '?', on already lower-cased text.
func globMatch(pattern, s string) bool { return pwsh.Like(pattern, s, false) }

// Remove-CsUserServicesPolicy -Identity X: global is reset to its defaults; a granted per-user
// policy is removed with a warning and its users fall back.
func (e *Engine) removePolicy(x *invocation) error {
	c := x.cmd
	if err := noTenant(c); err != nil {
		return err
	}
	e.lock()
	p, err := e.findPolicyLocked(c, "Identity", c.str("Identity"))
	e.unlock()
	if err != nil {
		return err
	}
	if !x.shouldProcess(p.Identity()) {
		return nil
	}
	e.lock()
	if p.scope == scopeGlobal {
		p.ucsAllowed = true
		e.emitLocked(EventPolicyRemoved, "", map[string]any{"identity": "Global", "reset": true})
		e.unlock()
		x.warn("The global policy cannot be removed; its settings were reset to the defaults (UcsAllowed True).")
		return nil
	}
	if _, still := e.policies[p.key()]; !still {
		e.unlock()
		return c.argErr("Identity", wrapf(ErrUnknownPolicy, "cannot find policy %q", c.str("Identity")))
	}
	var granted []string
	for _, k := range e.sortedUserKeysLocked() {
		if u := e.users[k]; u.grant == p.key() {
			granted = append(granted, u.sip)
			u.grant = ""
		}
	}
	delete(e.policies, p.key())
	e.emitLocked(EventPolicyRemoved, "", map[string]any{"identity": p.Identity(), "unassigned": len(granted)})
	e.unlock()
	if len(granted) > 0 {
		x.warn(fmt.Sprintf("Policy %s was assigned to %s; they now fall back to their site or global policy.", p.Identity(), strings.Join(granted, ", ")))
	}
	return nil
}

// grantablePolicyLocked finds a per-user policy for a grant.
func (e *Engine) grantablePolicyLocked(name string) (*policy, error) {
	scope, n, err := parsePolicyIdentity(name)
	if err != nil {
		return nil, err
	}
	switch scope {
	case scopeGlobal:
		return nil, wrapf(ErrPolicyNotGrantable, "the global policy cannot be granted; use -PolicyName $Null to fall back to it")
	case scopeSite, scopeService:
		return nil, wrapf(ErrPolicyNotGrantable, "policy %q is not a per-user policy and cannot be granted", name)
	}
	p, ok := e.policies[policyKey(scope, n)]
	if !ok {
		return nil, wrapf(ErrUnknownPolicy, "cannot find policy %q", name)
	}
	return p, nil
}

// Grant-CsUserServicesPolicy -Identity <user> [-PolicyName X|$Null] [-PassThru]
func (e *Engine) grantPolicy(x *invocation) error {
	c := x.cmd
	e.lock()
	users, err := e.resolveManyLocked(c.str("Identity"))
	if err != nil {
		e.unlock()
		return userError(c, "Identity", err)
	}
	grant, shown := "", any(nil)
	if c.Params.Has("PolicyName") && !c.Params.IsNull("PolicyName") {
		p, err := e.grantablePolicyLocked(c.str("PolicyName"))
		if err != nil {
			e.unlock()
			return c.argErr("PolicyName", err)
		}
		grant, shown = p.key(), p.Identity()
	}
	e.unlock()
	for _, u := range users {
		if !x.shouldProcess(u.sip) {
			continue
		}
		e.lock()
		u.grant = grant
		e.emitLocked(EventPolicyGranted, u.sip, map[string]any{"policy": shown, "effective": e.effectivePolicyLocked(u).Identity()})
		obj := e.userObjectLocked(u)
		e.unlock()
		if c.flag("PassThru") {
			x.emit(obj)
		}
	}
	return nil
}

// userError turns a resolution error into the cmdlet's error for the parameter.
func userError(c *Command, param string, err error) error {
	var nf *notFoundError
	if ok := asNotFound(err, &nf); ok {
		ce := c.notFound(param, nf.identity)
		ce.Err = err
		return ce
	}
	return c.argErr(param, err)
}

func asNotFound(err error, nf **notFoundError) bool {
	if e, ok := err.(*notFoundError); ok {
		*nf = e
		return true
	}
	return false
}
