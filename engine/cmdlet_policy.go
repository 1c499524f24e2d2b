package engine

import (
	"fmt"
	"strings"
)

// New-CsUserServicesPolicy -Identity X [-UcsAllowed $b]
func (e *Engine) newPolicy(c *Command) (*Result, error) {
	scope, name, err := parsePolicyIdentity(c.str("Identity"))
	if err != nil {
		return nil, c.argErr("Identity", err)
	}
	allowed := true
	if b, ok := c.Params.Bool("UcsAllowed"); ok {
		allowed = b
	} else if c.Params.IsNull("UcsAllowed") {
		return nil, c.argError("UcsAllowed", "UcsAllowed cannot be $Null")
	}
	e.lock()
	defer e.unlock()
	switch {
	case scope == scopeGlobal:
		return nil, c.argErr("Identity", wrapf(ErrPolicyExists, "the global policy always exists and cannot be created; use Set-CsUserServicesPolicy -Identity global"))
	case scope == scopeSite && !e.knownSiteLocked(name):
		return nil, c.argError("Identity", "cannot create policy \"Site:%s\": there is no site %q", name, name)
	case scope == scopeService && !e.knownPoolLocked(name):
		return nil, c.argError("Identity", "cannot create policy \"Service:UserServer:%s\": there is no pool %q", name, name)
	}
	if p, dup := e.policies[policyKey(scope, name)]; dup {
		return nil, c.argErr("Identity", wrapf(ErrPolicyExists, "a policy with identity %q already exists", p.Identity()))
	}
	p := &policy{scope: scope, name: name, ucsAllowed: allowed}
	e.policies[p.key()] = p
	e.emitLocked(EventPolicyCreated, "", map[string]any{"identity": p.Identity(), "ucsAllowed": allowed})
	return &Result{Records: []Record{policyRecord(p)}}, nil
}

func policyRecord(p *policy) Record {
	return Record{{"Identity", p.Identity()}, {"UcsAllowed", boolText(p.ucsAllowed)}}
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

// Set-CsUserServicesPolicy [-Identity X] -UcsAllowed $b (no Identity: global)
func (e *Engine) setPolicy(c *Command) (*Result, error) {
	identity := "global"
	if c.Params.Has("Identity") {
		if c.Params.IsNull("Identity") {
			return nil, c.argError("Identity", "Identity cannot be $Null")
		}
		identity = c.str("Identity")
	}
	if c.Params.IsNull("UcsAllowed") {
		return nil, c.argError("UcsAllowed", "UcsAllowed cannot be $Null")
	}
	e.lock()
	defer e.unlock()
	p, err := e.findPolicyLocked(c, "Identity", identity)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	allowed, given := c.Params.Bool("UcsAllowed")
	if !given {
		return res, nil
	}
	if p.ucsAllowed && !allowed {
		res.Warnings = append(res.Warnings, fmt.Sprintf("Changing %s to UcsAllowed False does not move contacts out of the unified contact store: users already migrated keep their contacts in Exchange until you run Invoke-CsUcsRollback.", p.Identity()))
	}
	p.ucsAllowed = allowed
	e.emitLocked(EventPolicySet, "", map[string]any{"identity": p.Identity(), "ucsAllowed": allowed})
	return res, nil
}

// Get-CsUserServicesPolicy [-Identity X | -Filter pattern]
func (e *Engine) getPolicy(c *Command) (*Result, error) {
	if c.Params.Has("Identity") && c.Params.Has("Filter") {
		return nil, c.argError("Filter", "parameter set cannot be resolved: use either -Identity or -Filter")
	}
	for _, p := range []string{"Identity", "Filter"} {
		if c.Params.IsNull(p) {
			return nil, c.argError(p, "%s cannot be $Null", p)
		}
	}
	e.lock()
	defer e.unlock()
	res := &Result{}
	if c.Params.Has("Identity") {
		p, err := e.findPolicyLocked(c, "Identity", c.str("Identity"))
		if err != nil {
			return nil, err
		}
		res.Records = append(res.Records, policyRecord(p))
		return res, nil
	}
	filter := "*"
	if c.Params.Has("Filter") {
		filter = c.str("Filter")
		if filter == "" {
			return nil, c.argError("Filter", "the filter is empty")
		}
	}
	for _, p := range e.sortedPoliciesLocked() {
		if globMatch(lower(filter), lower(p.Identity())) {
			res.Records = append(res.Records, policyRecord(p))
		}
	}
	return res, nil
}

// globMatch is PowerShell's -like for '*' and '?', on already lower-cased text.
func globMatch(pattern, s string) bool {
	p, t := []rune(pattern), []rune(s)
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			pi, mark = star+1, mark+1
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// Remove-CsUserServicesPolicy -Identity X: global is reset to its defaults; a granted per-user
// policy is removed with a warning and its users fall back.
func (e *Engine) removePolicy(c *Command) (*Result, error) {
	e.lock()
	defer e.unlock()
	p, err := e.findPolicyLocked(c, "Identity", c.str("Identity"))
	if err != nil {
		return nil, err
	}
	res := &Result{}
	if p.scope == scopeGlobal {
		p.ucsAllowed = true
		res.Warnings = append(res.Warnings, "The global policy cannot be removed; its settings were reset to the defaults (UcsAllowed True).")
		e.emitLocked(EventPolicyRemoved, "", map[string]any{"identity": "Global", "reset": true})
		return res, nil
	}
	var granted []string
	for _, k := range e.sortedUserKeysLocked() {
		if u := e.users[k]; u.grant == p.key() {
			granted = append(granted, u.sip)
			u.grant = ""
		}
	}
	delete(e.policies, p.key())
	if len(granted) > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("Policy %s was assigned to %s; they now fall back to their site or global policy.", p.Identity(), strings.Join(granted, ", ")))
	}
	e.emitLocked(EventPolicyRemoved, "", map[string]any{"identity": p.Identity(), "unassigned": len(granted)})
	return res, nil
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

// Grant-CsUserServicesPolicy -Identity <user> -PolicyName X|$Null
func (e *Engine) grantPolicy(c *Command) (*Result, error) {
	e.lock()
	defer e.unlock()
	u, err := e.resolveLocked(c.str("Identity"))
	if err != nil {
		return nil, c.argErr("Identity", err)
	}
	grant, shown := "", any(nil)
	if !c.Params.IsNull("PolicyName") {
		p, err := e.grantablePolicyLocked(c.str("PolicyName"))
		if err != nil {
			return nil, c.argErr("PolicyName", err)
		}
		grant, shown = p.key(), p.Identity()
	}
	u.grant = grant
	e.emitLocked(EventPolicyGranted, u.sip, map[string]any{"policy": shown, "effective": e.effectivePolicyLocked(u).statusName()})
	return &Result{}, nil
}
