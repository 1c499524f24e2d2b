package scenario

import (
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/engine"
	"go.yaml.in/yaml/v3"
)

// NormalizeSIP returns "sip:alias@domain" for an address written with or without "sip:".
func NormalizeSIP(s string) string {
	if len(s) >= 4 && strings.EqualFold(s[:4], "sip:") {
		return "sip:" + s[4:]
	}
	return "sip:" + s
}

func checkSIP(s string) error {
	addr := NormalizeSIP(s)[4:]
	alias, domain, ok := strings.Cut(addr, "@")
	if !ok || alias == "" || domain == "" || strings.ContainsAny(addr, " \t<>\"") || strings.Contains(domain, "@") {
		return fmt.Errorf("bad SIP address %q (expected sip:alias@domain)", s)
	}
	return nil
}

func (d *decoder) users(n *yaml.Node, policies []Policy) []User {
	items, ok := d.list(n, "users")
	if !ok {
		return nil
	}
	var out []User
	bySIP := map[string]*yaml.Node{}
	byName := map[string]*yaml.Node{}
	for _, item := range items {
		f := d.mapping(item, "a user", userKeys)
		if f == nil {
			continue
		}
		u := User{Pos: pos(f.node), Mailbox: "exchange2013", Store: "lync"}
		ok := d.require(f, "a user", "sip")
		if v := f.val["sip"]; v != nil {
			if s, good := d.nonEmpty(v, "sip"); good {
				if err := checkSIP(s); err != nil {
					d.errorf(v, "%v", err)
					ok = false
				} else {
					u.SIP = NormalizeSIP(s)
					k := strings.ToLower(u.SIP)
					if first := bySIP[k]; first != nil {
						d.errorf(v, "duplicate user sip %q (first at line %d)", u.SIP, first.Line)
						ok = false
					} else {
						bySIP[k] = v
					}
				}
			} else {
				ok = false
			}
		}
		if v := f.val["name"]; v != nil {
			if s, good := d.nonEmpty(v, "name"); good {
				u.Name = s
				k := strings.ToLower(s)
				if first := byName[k]; first != nil {
					d.errorf(v, "duplicate user name %q (first at line %d)", s, first.Line)
				} else {
					byName[k] = v
				}
			}
		}
		if v := f.val["mailbox"]; v != nil {
			u.Mailbox = enumOf(d, v, "mailbox", engine.MailboxKinds())
		}
		if v := f.val["store"]; v != nil {
			u.Store = enumOf(d, v, "store", engine.Stores())
			if u.Store == engine.StoreExchange && u.Mailbox != engine.MailboxExchange2013 && u.Mailbox != "" {
				d.errorf(v, "store: exchange needs mailbox: exchange2013 (this user has %s)", u.Mailbox)
			}
		}
		if v := f.val["policy"]; v != nil {
			if s, good := d.nonEmpty(v, "policy"); good {
				u.Policy = d.grantable(v, s, policies)
			}
		}
		if v := f.val["contacts"]; v != nil {
			d.userContacts(v, &u)
		}
		if v := f.val["password"]; v != nil {
			if s, good := d.nonEmpty(v, "password"); good {
				if len(s) > MaxPasswordBytes || strings.ContainsAny(s, "\r\n") {
					d.errorf(v, "password: at most %d bytes on one line", MaxPasswordBytes)
				} else {
					u.Password = s
				}
			}
		}
		if v := f.val["groups"]; v != nil && d.countLimit(deref(v), "groups", MaxGroups) {
			u.Groups, _ = d.strList(v, "groups", true)
		}
		// A user with other errors is still kept so that steps naming it do not report a
		// second, misleading "unknown user".
		if ok {
			out = append(out, u)
		}
	}
	return out
}

// grantable checks that a user's start policy is a per-user policy of world.policies.
func (d *decoder) grantable(n *yaml.Node, id string, policies []Policy) string {
	scope, name := policyScope(id)
	switch scope {
	case "global", "site", "service":
		d.errorf(n, "policy %q cannot be granted to a user: only per-user policies (from world.policies) can", id)
		return ""
	case "":
		d.errorf(n, "bad policy identity %q", id)
		return ""
	}
	var names []string
	for _, p := range policies {
		pscope, pname := policyScope(p.Identity)
		if pscope != "tag" {
			continue
		}
		if strings.EqualFold(pname, name) {
			return p.Identity
		}
		names = append(names, pname)
	}
	d.errorf(n, "unknown policy %q: not a per-user policy of world.policies (only global exists by default)%s", id, didYouMean(name, names))
	return ""
}

func (d *decoder) userContacts(n *yaml.Node, u *User) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		if g, ok := d.integer(n, "contacts"); ok && g > MaxContactsPerUser {
			d.errorf(n, "contacts: %d is more than %d (the limit per user)", g, MaxContactsPerUser)
		} else {
			u.Generated = g
		}
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "contacts: expected a number or a list of contacts, got %s", describe(n))
		return
	}
	u.Contacts = []Contact{}
	if !d.countLimit(n, "contacts for one user", MaxContactsPerUser) {
		return
	}
	seen := map[string]*yaml.Node{}
	for _, item := range n.Content {
		f := d.mapping(item, "a contact", contactKeys)
		if f == nil || !d.require(f, "a contact", "uri") {
			continue
		}
		var c Contact
		uri, ok := d.nonEmpty(f.val["uri"], "uri")
		if ok {
			if err := checkSIP(uri); err != nil {
				d.errorf(f.val["uri"], "%v", err)
				ok = false
			} else if k := strings.ToLower(NormalizeSIP(uri)); seen[k] != nil {
				d.errorf(f.val["uri"], "duplicate contact %q (first at line %d)", uri, seen[k].Line)
				ok = false
			} else {
				seen[k] = f.val["uri"]
			}
			c.URI = uri
		}
		if v := f.val["name"]; v != nil {
			c.Name, _ = d.str(v, "name")
		}
		if v := f.val["groups"]; v != nil && d.countLimit(deref(v), "groups", MaxGroups) {
			c.Groups, _ = d.strList(v, "groups", true)
		}
		if ok {
			u.Contacts = append(u.Contacts, c)
		}
	}
}
