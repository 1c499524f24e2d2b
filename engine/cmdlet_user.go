package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ucssim/ucssim/engine/pwsh"
)

func init() {
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Get-CsUser", Params: []pwsh.ParamSpec{
			{Name: "Identity", Position: 0, Type: "UserIdParameter", FromPipeline: true, Help: helpUserIdentity + " Without it, every user is returned."},
			named("Credential", "PSCredential", "Alternate credentials (accepted)."),
			named("DomainController", "Fqdn", helpDC),
			named("Filter", "String", "A condition over the user's Lync properties, as Where-Object writes it: {RegistrarPool -eq \"atl-cs-001.litwareinc.com\"}, with -eq -ne -like -notlike -match -gt -lt, -and, -or, -not."),
			named("LdapFilter", "String", "An LDAP filter over the user's directory attributes (displayName, sAMAccountName, userPrincipalName, msRTCSIP-PrimaryUserAddress, department, title): \"(displayName=Ken*)\", \"&(...)(...)\", \"|(...)(...)\"."),
			sw("OnLyncServer", "Only users homed on Lync Server 2010 or 2013 pools (all simulated users)."),
			sw("OnOfficeCommunicationServer", "Only users homed on Office Communications Server 2007 pools (none in the simulator)."),
			named("OU", "OUIdParameter", "Only users in this organizational unit or container (its distinguished name), e.g. \"cn=Users,dc=litwareinc,dc=com\"."),
			named("ResultSize", "Unlimited", "The most users to return (a whole number from 0, or Unlimited)."),
			sw("UnassignedUser", "Only users enabled for Lync Server but not assigned to a registrar pool (none in the simulator)."),
		}},
		run: (*Engine).getUser, module: "Lync", help: helpGetUser,
	})
}

// userObjectLocked is the user as Get-CsUser shows it: the product's properties that matter for
// the unified contact store, in the product's order.
func (e *Engine) userObjectLocked(u *user) *pwsh.Object {
	var grant any
	if u.grant != "" {
		if p, ok := e.policies[u.grant]; ok {
			grant = p.name // Get-CsUser shows the per-user policy by name, without tag:
		}
	}
	return &pwsh.Object{TypeName: "Microsoft.Rtc.Management.ADConnect.Schema.OCSADUser", Kind: "user", Props: []pwsh.Prop{
		{Name: "Identity", Value: u.dn()},
		{Name: "VoicePolicy", Value: nil},
		{Name: "ConferencingPolicy", Value: nil},
		{Name: "ClientPolicy", Value: nil},
		{Name: "UserServicesPolicy", Value: grant},
		{Name: "RegistrarPool", Value: u.pool},
		{Name: "Enabled", Value: true},
		{Name: "SipAddress", Value: u.sip},
		{Name: "LineURI", Value: ""},
		{Name: "EnterpriseVoiceEnabled", Value: false},
		{Name: "DisplayName", Value: u.name},
		{Name: "SamAccountName", Value: u.samAccountName()},
		{Name: "UserPrincipalName", Value: u.upn},
	}}
}

// Get-CsUser [-Identity <user>] [-Filter {...}] [-LdapFilter ...] [-OU ...] [-ResultSize n]
func (e *Engine) getUser(x *invocation) error {
	c := x.cmd
	if c.Params.Has("Filter") && c.Params.Has("LdapFilter") {
		return c.argError("LdapFilter", "Parameter set cannot be resolved using the specified named parameters: -Filter and -LdapFilter cannot be used together.")
	}
	limit := -1
	if rs, ok := c.Params.String("ResultSize"); ok && !strings.EqualFold(rs, "Unlimited") {
		n, err := strconv.Atoi(rs)
		if err != nil || n < 0 {
			return c.argError("ResultSize", "Cannot bind parameter 'ResultSize'. Cannot convert value \"%s\" to type \"Microsoft.Rtc.Management.ADConnect.Core.Unlimited\": give a whole number from 0 to 2147483647, or Unlimited.", rs)
		}
		limit = n
	}
	var filter *pwsh.Filter
	if v := c.Params.Value("Filter"); v != nil {
		if v.Kind == pwsh.ScriptBlock && v.Block != nil {
			filter = v.Block
		} else {
			f, perr := pwsh.ParseFilter(c.str("Filter"), v.Col+1)
			if perr != nil {
				return c.argError("Filter", "The filter %q is not valid: %s", c.str("Filter"), perr.Msg)
			}
			filter = f
		}
	}
	var ldap *ldapFilter
	if s, ok := c.Params.String("LdapFilter"); ok {
		f, err := parseLDAP(s)
		if err != nil {
			return c.argError("LdapFilter", "The LDAP filter %q is not valid: %v", s, err)
		}
		ldap = f
	}
	e.lock()
	var users []*user
	if id, ok := c.Params.String("Identity"); ok {
		var err error
		if users, err = e.resolveManyLocked(id); err != nil {
			e.unlock()
			return userError(c, "Identity", err)
		}
	} else {
		for _, k := range e.sortedUserKeysLocked() {
			users = append(users, e.users[k])
		}
	}
	ou, hasOU := c.Params.String("OU")
	var out []*pwsh.Object
	for _, u := range users {
		switch {
		case hasOU && !strings.HasSuffix(lower(u.dn()), ","+lower(strings.TrimSpace(ou))):
			continue
		case c.flag("UnassignedUser") && u.pool != "":
			continue
		case c.flag("OnOfficeCommunicationServer"):
			continue
		case ldap != nil && !ldap.match(u.ldapAttrs()):
			continue
		}
		obj := e.userObjectLocked(u)
		if filter != nil {
			ok, err := filter.Eval(pwsh.Env{This: obj, Var: x.r.sess.Var})
			if err != nil {
				e.unlock()
				return c.argErr("Filter", err)
			}
			if !ok {
				continue
			}
		}
		out = append(out, obj)
	}
	e.unlock()
	for i, o := range out {
		if limit >= 0 && i >= limit {
			break
		}
		x.emit(o)
	}
	return nil
}

// ldapAttrs are the directory attributes an -LdapFilter can test.
func (u *user) ldapAttrs() map[string]string {
	return map[string]string{
		"displayname": u.name, "cn": u.name, "name": u.name, "samaccountname": u.samAccountName(),
		"userprincipalname": u.upn, "msrtcsip-primaryuseraddress": u.sip, "mail": u.mailboxAddr(),
		"distinguishedname": u.dn(), "objectclass": "user", "department": "", "title": "", "l": "",
	}
}

// ldapFilter is an RFC 4515 filter: (attr=value) with * wildcards, &, |, !.
type ldapFilter struct {
	op        byte // '=', '&', '|', '!'
	attr, val string
	sub       []*ldapFilter
}

func parseLDAP(s string) (*ldapFilter, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("the filter is empty")
	}
	if s[0] != '(' {
		s = "(" + s + ")"
	}
	f, rest, err := ldapItem(s)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(rest) != "" {
		return nil, fmt.Errorf("unexpected %q after the filter", rest)
	}
	return f, nil
}

// ldapItem reads "(...)" from the start of s.
func ldapItem(s string) (*ldapFilter, string, error) {
	if s == "" || s[0] != '(' {
		return nil, s, fmt.Errorf("expected '(' at %q", s)
	}
	s = s[1:]
	if s == "" {
		return nil, s, fmt.Errorf("missing ')'")
	}
	switch s[0] {
	case '&', '|', '!':
		f := &ldapFilter{op: s[0]}
		s = strings.TrimSpace(s[1:])
		for s != "" && s[0] == '(' {
			sub, rest, err := ldapItem(s)
			if err != nil {
				return nil, s, err
			}
			f.sub = append(f.sub, sub)
			s = strings.TrimSpace(rest)
		}
		if s == "" || s[0] != ')' {
			return nil, s, fmt.Errorf("missing ')'")
		}
		if len(f.sub) == 0 || (f.op == '!' && len(f.sub) != 1) {
			return nil, s, fmt.Errorf("%c needs filters in parentheses", f.op)
		}
		return f, s[1:], nil
	}
	end := strings.IndexByte(s, ')')
	if end < 0 {
		return nil, s, fmt.Errorf("missing ')'")
	}
	attr, val, ok := strings.Cut(s[:end], "=")
	if !ok || strings.TrimSpace(attr) == "" {
		return nil, s, fmt.Errorf("%q is not attribute=value", s[:end])
	}
	return &ldapFilter{op: '=', attr: lower(strings.TrimSpace(attr)), val: val}, s[end+1:], nil
}

func (f *ldapFilter) match(attrs map[string]string) bool {
	switch f.op {
	case '&':
		for _, s := range f.sub {
			if !s.match(attrs) {
				return false
			}
		}
		return true
	case '|':
		for _, s := range f.sub {
			if s.match(attrs) {
				return true
			}
		}
		return false
	case '!':
		return !f.sub[0].match(attrs)
	}
	v, ok := attrs[f.attr]
	if !ok || v == "" {
		return false
	}
	if f.val == "*" {
		return true
	}
	return pwsh.Like(f.val, v, true)
}
