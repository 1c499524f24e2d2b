package scenario

import (
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// DefaultPool is the Front End pool FQDN when `world.pool` is not given.
const DefaultPool = "atl-cs-001.litwareinc.com"

// DefaultSite is the site name when `world.site` is not given.
const DefaultSite = "Redmond"

var (
	worldKeys     = keysOf[worldDoc]()
	migrationKeys = keysOf[migrationDoc]()
	exchangeKeys  = keysOf[exchangeDoc]()
	policyKeys    = keysOf[policyDoc]()
	userKeys      = keysOf[userDoc]()
	contactKeys   = keysOf[contactDoc]()

	remigrationValues = []string{"timer", "next-signin"}
)

// fqdnPattern is what a pool name must look like: dot-separated DNS labels (letters, digits,
// inner hyphens, at most 63 each), at least two of them, the last not all digits.
const fqdnPattern = `^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`

var fqdnRE = regexp.MustCompile(fqdnPattern)

// pool checks a pool FQDN at n.
func (d *decoder) pool(n *yaml.Node, key, s string) bool {
	if len(s) > 253 || !fqdnRE.MatchString(s) {
		d.errorf(n, "%s %q is not a fully qualified domain name (e.g. atl-cs-001.litwareinc.com)", key, s)
		return false
	}
	return true
}

func defaultWorld() World {
	return World{
		Pool:               DefaultPool,
		Site:               DefaultSite,
		ServerToServerAuth: true,
		Migration: Migration{
			Duration:    10 * time.Minute,
			Hold:        168 * time.Hour,
			Remigration: "timer",
			DailyTask:   time.Hour,
		},
		Exchange: Exchange{MaxContacts: 1000, MaxGroups: 64},
	}
}

func (d *decoder) world(n *yaml.Node, w *World) {
	f := d.mapping(n, "world", worldKeys)
	if f == nil {
		return
	}
	if v := f.val["pool"]; v != nil {
		if s, ok := d.nonEmpty(v, "pool"); ok && d.pool(v, "pool", s) {
			w.Pool = s
		}
	}
	if v := f.val["legacyPools"]; v != nil {
		w.LegacyPools, _ = d.strList(v, "legacyPools", true)
		for i, p := range w.LegacyPools {
			at := deref(v)
			if at.Kind == yaml.SequenceNode && i < len(at.Content) {
				at = at.Content[i]
			}
			d.pool(at, "legacyPools item", p)
		}
	}
	if v := f.val["site"]; v != nil {
		if s, ok := d.nonEmpty(v, "site"); ok {
			w.Site = s
		}
	}
	if v := f.val["serverToServerAuth"]; v != nil {
		if b, ok := d.boolean(v, "serverToServerAuth"); ok {
			w.ServerToServerAuth = b
		}
	}
	if v := f.val["migration"]; v != nil {
		d.migration(v, &w.Migration)
	}
	if v := f.val["exchange"]; v != nil {
		d.exchange(v, &w.Exchange)
	}
	if v := f.val["policies"]; v != nil && d.countLimit(deref(v), "policies", MaxPolicies) {
		w.Policies = d.policies(v)
	}
	if v := f.val["users"]; v != nil && d.countLimit(deref(v), "users", MaxUsers) {
		w.Users = d.users(v, w.Policies)
		d.checkContactTotal(w.Users)
	}
	if v := f.val["populations"]; v != nil {
		d.populations(v, w)
	}
}

func (d *decoder) migration(n *yaml.Node, m *Migration) {
	f := d.mapping(n, "world.migration", migrationKeys)
	if f == nil {
		return
	}
	d.durations(f, false, durationKey{"duration", &m.Duration}, durationKey{"perContact", &m.PerContact},
		durationKey{"jitter", &m.Jitter}, durationKey{"hold", &m.Hold})
	if v := f.val["remigration"]; v != nil {
		if s, ok := d.enum(v, "remigration", remigrationValues); ok {
			m.Remigration = s
		}
	}
	if v := f.val["dailyTask"]; v != nil {
		if s, ok := d.str(v, "dailyTask"); ok {
			if off, err := parseTimeOfDay(s); err != nil {
				d.errorf(v, "%v", err)
			} else {
				m.DailyTask = off
			}
		}
	}
}

func (d *decoder) exchange(n *yaml.Node, x *Exchange) {
	f := d.mapping(n, "world.exchange", exchangeKeys)
	if f == nil {
		return
	}
	if v := f.val["maxContacts"]; v != nil {
		if i, ok := d.integer(v, "maxContacts"); ok && d.atMost(v, "maxContacts", i, MaxExchangeLimit) {
			x.MaxContacts = i
		}
	}
	if v := f.val["maxGroups"]; v != nil {
		if i, ok := d.integer(v, "maxGroups"); ok && d.atMost(v, "maxGroups", i, MaxExchangeLimit) {
			x.MaxGroups = i
		}
	}
	if v := f.val["throttling"]; v != nil {
		d.throttling(v, &x.Throttling)
	}
}

// policyScope classifies an identity: "global", "tag" (per-user, with or without tag:),
// "site", "service" (UserServer:), or "" for an unknown scope prefix.
func policyScope(identity string) (scope, name string) {
	if strings.EqualFold(identity, "global") {
		return "global", "global"
	}
	prefix, rest, ok := strings.Cut(identity, ":")
	if !ok {
		return "tag", identity
	}
	switch strings.ToLower(prefix) {
	case "tag":
		return "tag", rest
	case "site":
		return "site", rest
	case "userserver":
		return "service", rest
	}
	return "", identity
}

func (d *decoder) policies(n *yaml.Node) []Policy {
	items, ok := d.list(n, "policies")
	if !ok {
		return nil
	}
	var out []Policy
	seen := map[string]*yaml.Node{}
	for _, item := range items {
		f := d.mapping(item, "a policy", policyKeys)
		if f == nil || !d.require(f, "a policy", "identity") {
			continue
		}
		p := Policy{Pos: pos(f.node), UcsAllowed: true}
		id, ok := d.nonEmpty(f.val["identity"], "identity")
		if ok {
			scope, name := policyScope(id)
			switch {
			case scope == "global":
				d.errorf(f.val["identity"], "policy \"global\" always exists and is not created in world.policies; change it with a step: run: Set-CsUserServicesPolicy -Identity global -UcsAllowed $False")
				ok = false
			case scope == "":
				d.errorf(f.val["identity"], "bad policy identity %q (per-user name, tag:<name>, site:<name> or UserServer:<pool fqdn>)", id)
				ok = false
			case strings.TrimSpace(name) == "":
				d.errorf(f.val["identity"], "policy identity %q has no name after the scope", id)
				ok = false
			}
			if ok {
				k := scope + ":" + strings.ToLower(name)
				if first := seen[k]; first != nil {
					d.errorf(f.val["identity"], "duplicate policy %q (first at line %d)", id, first.Line)
					ok = false
				} else {
					seen[k] = f.val["identity"]
				}
			}
			p.Identity = id
		}
		if v := f.val["ucsAllowed"]; v != nil {
			b, good := d.boolean(v, "ucsAllowed")
			p.UcsAllowed = b
			ok = ok && good
		}
		if ok {
			out = append(out, p)
		}
	}
	return out
}

func pos(n *yaml.Node) Pos { return Pos{Line: n.Line, Col: n.Column} }
