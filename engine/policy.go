package engine

import (
	"fmt"
	"sort"
	"strings"
)

// Policy scopes, in the order Get-CsUserServicesPolicy lists them.
const (
	scopeGlobal = iota
	scopeSite
	scopeService
	scopeTag
)

const globalKey = "global"

// policy is one user services policy. name is the identity without its scope prefix, as it was
// written when the policy was created (the pool FQDN for a service policy).
type policy struct {
	scope      int
	name       string
	ucsAllowed bool
}

// key is the case-insensitive map key: global, site:x, service:userserver:x, tag:x.
func (p *policy) key() string { return policyKey(p.scope, p.name) }

func policyKey(scope int, name string) string {
	switch scope {
	case scopeGlobal:
		return globalKey
	case scopeSite:
		return "site:" + lower(name)
	case scopeService:
		return "service:userserver:" + lower(name)
	default:
		return "tag:" + lower(name)
	}
}

// Identity is what the shell prints: Global, Site:Redmond, Service:UserServer:fqdn, Tag:X.
func (p *policy) Identity() string {
	switch p.scope {
	case scopeGlobal:
		return "Global"
	case scopeSite:
		return "Site:" + p.name
	case scopeService:
		return "Service:UserServer:" + p.name
	default:
		return "Tag:" + p.name
	}
}

// parsePolicyIdentity reads a policy identity as administrators type it: global, site:X,
// service:UserServer:X or UserServer:X, tag:X or a bare X (a per-user policy). Prefixes are
// case-insensitive.
func parsePolicyIdentity(s string) (scope int, name string, err error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, "", fmt.Errorf("the policy identity is empty")
	}
	l := lower(t)
	cut := func(prefix string) (string, bool) {
		if strings.HasPrefix(l, prefix) {
			return t[len(prefix):], true
		}
		return "", false
	}
	if l == globalKey {
		return scopeGlobal, "", nil
	}
	if rest, ok := cut("service:userserver:"); ok {
		scope, name = scopeService, rest
	} else if rest, ok := cut("userserver:"); ok {
		scope, name = scopeService, rest
	} else if strings.HasPrefix(l, "service:") {
		return 0, "", fmt.Errorf("policy identity %q: a service policy is written UserServer:<pool fqdn>", s)
	} else if rest, ok := cut("site:"); ok {
		scope, name = scopeSite, rest
	} else if rest, ok := cut("tag:"); ok {
		scope, name = scopeTag, rest
	} else {
		scope, name = scopeTag, t
	}
	if name == "" {
		return 0, "", fmt.Errorf("policy identity %q has no name after its scope", s)
	}
	if strings.ContainsAny(name, ":\r\n\t*?") {
		return 0, "", fmt.Errorf("policy identity %q: the name may not contain ':', '*', '?' or control characters", s)
	}
	return scope, name, nil
}

// effectivePolicyLocked resolves a user's policy: per-user grant, pool (service), site, global.
func (e *Engine) effectivePolicyLocked(u *user) *policy {
	if u.grant != "" {
		if p, ok := e.policies[u.grant]; ok {
			return p
		}
	}
	if p, ok := e.policies[policyKey(scopeService, u.pool)]; ok {
		return p
	}
	if p, ok := e.policies[policyKey(scopeSite, u.site)]; ok {
		return p
	}
	return e.policies[globalKey]
}

// sortedPoliciesLocked lists policies as Get-CsUserServicesPolicy prints them.
func (e *Engine) sortedPoliciesLocked() []*policy {
	ps := make([]*policy, 0, len(e.policies))
	// order does not matter: sorted below
	for _, p := range e.policies {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].scope != ps[j].scope {
			return ps[i].scope < ps[j].scope
		}
		return ps[i].key() < ps[j].key()
	})
	return ps
}

// knownSiteLocked and knownPoolLocked validate New-CsUserServicesPolicy site and service scopes.
func (e *Engine) knownSiteLocked(name string) bool {
	if strings.EqualFold(name, e.cfg.Site) {
		return true
	}
	// order does not matter: a yes/no answer
	for _, u := range e.users {
		if strings.EqualFold(u.site, name) {
			return true
		}
	}
	return false
}

func (e *Engine) knownPoolLocked(fqdn string) bool {
	if strings.EqualFold(fqdn, e.cfg.Pool) || e.legacy[lower(fqdn)] {
		return true
	}
	// order does not matter: a yes/no answer
	for _, u := range e.users {
		if strings.EqualFold(u.pool, fqdn) {
			return true
		}
	}
	return false
}

// CreatePolicy is world set-up: it creates a policy (or sets the global one) and emits
// policy.created.
func (e *Engine) CreatePolicy(identity string, ucsAllowed bool) error {
	scope, name, err := parsePolicyIdentity(identity)
	if err != nil {
		return err
	}
	e.lock()
	defer e.unlock()
	if scope == scopeGlobal {
		e.policies[globalKey].ucsAllowed = ucsAllowed
		e.emitLocked(EventPolicySet, "", map[string]any{"identity": "Global", "ucsAllowed": ucsAllowed})
		return nil
	}
	k := policyKey(scope, name)
	if p, ok := e.policies[k]; ok {
		return wrapf(ErrPolicyExists, "policy %q already exists", p.Identity())
	}
	p := &policy{scope: scope, name: name, ucsAllowed: ucsAllowed}
	e.policies[k] = p
	e.emitLocked(EventPolicyCreated, "", map[string]any{"identity": p.Identity(), "ucsAllowed": ucsAllowed})
	return nil
}

func lower(s string) string { return strings.ToLower(s) }
