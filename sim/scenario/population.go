package scenario

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ucssim/ucssim/engine"
)

// Populations (an extension, docs/SCENARIO-FORMAT.md "Populations"): many users described once, by
// patterns and mixes drawn from the seed, acted on by signInWave and checked by
// expect: {population: ...}.

// Population is one entry of `world.populations`. Its users are expanded into World.Users (after
// the listed users, in number order) with User.Population set; what is drawn from the seed
// (contact count, client, mailbox, policy, site, pool) is drawn when the world is built, so that
// `--seed` changes it.
type Population struct {
	Pos      Pos
	Name     string
	Count    int
	Names    string // display name pattern with {n} / {n:W}
	SIP      string // SIP address pattern
	Contacts []Bucket
	Groups   []string
	// The mixes, in file order; an empty mix means the default (lync2013, exchange2013, no
	// grant, world.site, world.pool).
	Clients   []Weighted
	Mailboxes []Weighted
	Policies  []Weighted // Value "" = no grant
	Sites     []Weighted
	Pools     []Weighted
}

// Bucket is one weighted contact-count range of a population: a user draws a bucket in proportion
// to Weight, then a count uniformly from [Min, Max].
type Bucket struct {
	Weight   int
	Min, Max int
}

// Weighted is a value of a mix and its weight.
type Weighted struct {
	Value  string
	Weight int
}

// Quota is a number of users or a percentage of a population (`share:`, `atLeast:`, `atMost:`).
type Quota struct {
	N       int
	Percent float64 // used when IsPercent
	// IsPercent says the quota is a percentage of the population's count.
	IsPercent bool
	Text      string // as written
}

// Of resolves the quota against a population of n users; a percentage rounds up (at least 80% of
// 9 is 8), capped at n.
func (q Quota) Of(n int) int {
	if !q.IsPercent {
		return min(q.N, n)
	}
	return min(int(math.Ceil(float64(n)*q.Percent/100-1e-9)), n)
}

// Wave is a `signInWave:` step.
type Wave struct {
	Population string        // the population's name, as world.populations spells it
	Over       time.Duration // the window
	Share      Quota         // default 100%
}

// PopulationNamed returns the population of that name (case-insensitive) and its 1-based index,
// or 0.
func (w *World) PopulationNamed(name string) (*Population, int) {
	for i := range w.Populations {
		if strings.EqualFold(w.Populations[i].Name, name) {
			return &w.Populations[i], i + 1
		}
	}
	return nil, 0
}

// Members lists the SIP addresses of the users of the population with that 1-based index, in
// number order.
func (w *World) Members(index int) []string {
	var out []string
	for _, u := range w.Users {
		if u.Population == index {
			out = append(out, u.SIP)
		}
	}
	return out
}

var (
	populationKeys = keysOf[populationDoc]()
	bucketKeys     = keysOf[bucketDoc]()
	patternRE      = regexp.MustCompile(`\{n(:([1-9]))?\}`)
)

// Expand writes pattern for user number n (1-based).
func Expand(pattern string, n int) string {
	return patternRE.ReplaceAllStringFunc(pattern, func(m string) string {
		if w := strings.TrimSuffix(strings.TrimPrefix(m, "{n:"), "}"); w != m && w != "{n" {
			width, _ := strconv.Atoi(w)
			return fmt.Sprintf("%0*d", width, n)
		}
		return strconv.Itoa(n)
	})
}

// populations decodes `world.populations` and expands their users after the listed ones.
func (d *decoder) populations(n *yaml.Node, w *World) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "populations: expected a list, got %s", describe(n))
		return
	}
	bySIP := map[string]string{}
	byName := map[string]string{}
	for _, u := range w.Users {
		bySIP[strings.ToLower(u.SIP)] = "world.users"
		if u.Name != "" {
			byName[strings.ToLower(u.Name)] = "world.users"
		}
	}
	total := len(w.Users)
	contacts := 0
	for _, u := range w.Users {
		contacts += u.Generated + len(u.Contacts)
	}
	for _, item := range n.Content {
		p, ok := d.population(item, w)
		if !ok {
			continue
		}
		if other, _ := w.PopulationNamed(p.Name); other != nil {
			d.errorf(item, "duplicate population %q (first at line %d)", p.Name, other.Pos.Line)
			continue
		}
		if byName[strings.ToLower(p.Name)] != "" {
			d.errorf(item, "population %q has the name of a user: give it another", p.Name)
			continue
		}
		if total+p.Count > MaxUsers {
			d.errorf(item, "population %s: the users add up to more than %d (the limit of world.users, populations included)", p.Name, MaxUsers)
			return
		}
		most := 0
		for _, b := range p.Contacts {
			most = max(most, b.Max)
		}
		if contacts+p.Count*most > MaxContacts {
			d.errorf(item, "population %s: the users' contacts could add up to more than %d (the limit of a world; count x the largest contact count)", p.Name, MaxContacts)
			return
		}
		total += p.Count
		contacts += p.Count * most
		w.Populations = append(w.Populations, p)
		index := len(w.Populations)
		for i := 1; i <= p.Count; i++ {
			u := User{Pos: p.Pos, Name: Expand(p.Names, i), SIP: NormalizeSIP(Expand(p.SIP, i)),
				Mailbox: engine.MailboxExchange2013, Store: engine.StoreLync, Groups: p.Groups, Population: index}
			if err := checkSIP(u.SIP); err != nil {
				d.errorf(item, "population %s: user %d: %v", p.Name, i, err)
				return
			}
			if first := bySIP[strings.ToLower(u.SIP)]; first != "" {
				d.errorf(item, "population %s: user %d has the SIP address %s of a user of %s", p.Name, i, u.SIP, first)
				return
			}
			if first := byName[strings.ToLower(u.Name)]; first != "" {
				d.errorf(item, "population %s: user %d has the name %q of a user of %s", p.Name, i, u.Name, first)
				return
			}
			bySIP[strings.ToLower(u.SIP)] = "population " + p.Name
			byName[strings.ToLower(u.Name)] = "population " + p.Name
			w.Users = append(w.Users, u)
		}
	}
}

func (d *decoder) population(n *yaml.Node, w *World) (Population, bool) {
	errs := len(d.errs)
	f := d.mapping(n, "a population", populationKeys)
	if f == nil || !d.require(f, "a population", "name", "count", "sip") {
		return Population{}, false
	}
	p := Population{Pos: pos(f.node), Contacts: []Bucket{{Weight: 1}}}
	p.Name, _ = d.nonEmpty(f.val["name"], "name")
	if c, ok := d.integer(f.val["count"], "count"); ok {
		if c < 1 {
			d.errorf(f.val["count"], "count must be at least 1")
		}
		p.Count = c
	}
	p.Names = p.Name + " {n}"
	if v := f.val["names"]; v != nil {
		p.Names, _ = d.pattern(v, "names")
	}
	p.SIP, _ = d.pattern(f.val["sip"], "sip")
	if v := f.val["contacts"]; v != nil {
		p.Contacts = d.buckets(v)
	}
	if v := f.val["groups"]; v != nil && d.countLimit(deref(v), "groups", MaxGroups) {
		p.Groups, _ = d.strList(v, "groups", true)
	}
	if v := f.val["clients"]; v != nil {
		p.Clients = d.mix(v, "clients", "client", engine.Names(engine.ClientKinds()))
	}
	if v := f.val["mailboxes"]; v != nil {
		p.Mailboxes = d.mix(v, "mailboxes", "mailbox", engine.Names(engine.MailboxKinds()))
	}
	if v := f.val["policies"]; v != nil {
		p.Policies = d.mix(v, "policies", "policy", nil)
		for i, m := range p.Policies {
			if strings.EqualFold(m.Value, "none") {
				p.Policies[i].Value = ""
			} else {
				p.Policies[i].Value = d.grantable(v, m.Value, w.Policies)
			}
		}
	}
	if v := f.val["sites"]; v != nil {
		p.Sites = d.mix(v, "sites", "site", nil)
	}
	if v := f.val["pools"]; v != nil {
		p.Pools = d.mix(v, "pools", "pool", append([]string{w.Pool}, w.LegacyPools...))
	}
	return p, len(d.errs) == errs
}

// pattern reads a name or SIP address pattern: it must hold {n} so that every user differs.
func (d *decoder) pattern(n *yaml.Node, key string) (string, bool) {
	s, ok := d.nonEmpty(n, key)
	if !ok {
		return "", false
	}
	if !patternRE.MatchString(s) {
		d.errorf(n, "%s: %q holds no {n} (the user's number) or {n:W} (zero-padded to W digits), so the users would all be the same", key, s)
		return "", false
	}
	if strings.Count(s, "{") != len(patternRE.FindAllString(s, -1)) {
		d.errorf(n, "%s: %q: only {n} and {n:W} (W 1 to 9) may stand in braces", key, s)
		return "", false
	}
	return s, true
}

// buckets reads a contact-count distribution: N, {uniform: [min, max]} or a list of buckets.
func (d *decoder) buckets(n *yaml.Node) []Bucket {
	n = deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		c, ok := d.integer(n, "contacts")
		if !ok || !d.atMost(n, "contacts", c, MaxContactsPerUser) {
			return nil
		}
		return []Bucket{{Weight: 1, Min: c, Max: c}}
	case yaml.MappingNode:
		f := d.mapping(n, "contacts", []string{"uniform"})
		if f == nil || !d.require(f, "contacts", "uniform") {
			return nil
		}
		lo, hi, ok := d.uniform(f.val["uniform"])
		if !ok {
			return nil
		}
		return []Bucket{{Weight: 1, Min: lo, Max: hi}}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			d.errorf(n, "contacts: give at least one bucket, e.g. [{weight: 70, contacts: 10}, {weight: 30, uniform: [50, 100]}]")
			return nil
		}
		if !d.countLimit(n, "contact buckets", maxBuckets) {
			return nil
		}
		var out []Bucket
		for _, item := range n.Content {
			f := d.mapping(item, "a contact bucket", bucketKeys)
			if f == nil || !d.require(f, "a contact bucket", "weight") {
				continue
			}
			b := Bucket{}
			b.Weight, _ = d.integer(f.val["weight"], "weight")
			if b.Weight < 1 || b.Weight > maxWeight {
				d.errorf(f.val["weight"], "weight must be 1 to %d", maxWeight)
			}
			switch {
			case f.has("contacts") == f.has("uniform"):
				d.errorf(f.node, "a contact bucket takes exactly one of contacts: N or uniform: [min, max]")
			case f.has("contacts"):
				if c, ok := d.integer(f.val["contacts"], "contacts"); ok && d.atMost(f.val["contacts"], "contacts", c, MaxContactsPerUser) {
					b.Min, b.Max = c, c
				}
			default:
				b.Min, b.Max, _ = d.uniform(f.val["uniform"])
			}
			out = append(out, b)
		}
		return out
	}
	d.errorf(n, "contacts: expected a number, {uniform: [min, max]} or a list of weighted buckets, got %s", describe(n))
	return nil
}

// maxBuckets bounds a population's contact buckets; maxWeight a weight.
const (
	maxBuckets = 100
	maxWeight  = 1_000_000
)

func (d *decoder) uniform(n *yaml.Node) (lo, hi int, ok bool) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode || len(n.Content) != 2 {
		d.errorf(n, "uniform: expected [min, max], got %s", describe(n))
		return 0, 0, false
	}
	lo, ok1 := d.integer(n.Content[0], "uniform min")
	hi, ok2 := d.integer(n.Content[1], "uniform max")
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	if lo > hi {
		d.errorf(n, "uniform: min %d is more than max %d", lo, hi)
		return 0, 0, false
	}
	if !d.atMost(n.Content[1], "uniform max", hi, MaxContactsPerUser) {
		return 0, 0, false
	}
	return lo, hi, true
}

// mix reads {value: weight, ...} in file order; values, when given, are the allowed ones (any
// case, returned canonical). Weights may be 0 (a value switched off) but not all of them.
func (d *decoder) mix(n *yaml.Node, key, one string, values []string) []Weighted {
	n = deref(n)
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		d.errorf(n, "%s: expected a mapping of values to weights, e.g. {%s: 90, %s: 10}, got %s", key, first(values, "a"), second(values, "b"), describe(n))
		return nil
	}
	var out []Weighted
	sum := 0
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		name, ok := d.nonEmpty(k, key+" value")
		if !ok {
			continue
		}
		if values != nil {
			if name, ok = d.enum(k, one, values); !ok {
				continue
			}
		}
		if seen[strings.ToLower(name)] {
			d.errorf(k, "%s: %s is given twice", key, name)
			continue
		}
		seen[strings.ToLower(name)] = true
		wt, ok := d.integer(v, key+" weight")
		if !ok {
			continue
		}
		if wt > maxWeight {
			d.errorf(v, "%s weight: at most %d", key, maxWeight)
			continue
		}
		sum += wt
		out = append(out, Weighted{Value: name, Weight: wt})
	}
	if sum == 0 && len(out) > 0 {
		d.errorf(n, "%s: the weights add up to 0", key)
	}
	return out
}

func first(values []string, def string) string {
	if len(values) > 0 {
		return values[0]
	}
	return def
}

func second(values []string, def string) string {
	if len(values) > 1 {
		return values[1]
	}
	return def
}

// quota reads a whole number or a percentage (80%, 99.5%) of at most 100%.
func (d *decoder) quota(n *yaml.Node, key string) (Quota, bool) {
	s, ok := d.str(n, key)
	if !ok {
		return Quota{}, false
	}
	q := Quota{Text: s}
	if num, isPct := strings.CutSuffix(strings.TrimSpace(s), "%"); isPct {
		v, err := strconv.ParseFloat(num, 64)
		if err != nil || v < 0 || v > 100 || math.IsNaN(v) {
			d.errorf(n, "%s: %q is not a percentage from 0%% to 100%%", key, s)
			return Quota{}, false
		}
		q.IsPercent, q.Percent = true, v
		return q, true
	}
	v, ok := d.integer(n, key)
	if !ok {
		return Quota{}, false
	}
	q.N = v
	return q, true
}

// resolvePopulation finds a population by name and returns its name as world.populations spells it.
func (d *decoder) resolvePopulation(n *yaml.Node, name string, w *World) string {
	if p, _ := w.PopulationNamed(name); p != nil {
		return p.Name
	}
	var names []string
	for _, p := range w.Populations {
		names = append(names, p.Name)
	}
	d.errorf(n, "unknown population %q: not in world.populations%s", name, didYouMean(name, names))
	return ""
}

// wave decodes a `signInWave:` step.
func (d *decoder) wave(f *fields, w *World, now *time.Time, s *Step) {
	if name, ok := d.nonEmpty(f.val["signInWave"], "signInWave"); ok {
		s.Wave.Population = d.resolvePopulation(f.val["signInWave"], name, w)
	}
	s.Wave.Share = Quota{IsPercent: true, Percent: 100, Text: "100%"}
	if !f.has("over") {
		d.errorf(f.node, "signInWave needs over: <duration>, the window the sign-ins spread over")
	} else if dur, ok := d.duration(f.val["over"], "over", true); ok {
		s.Wave.Over = dur
		*now = now.Add(dur)
	}
	if v := f.val["share"]; v != nil {
		s.Wave.Share, _ = d.quota(v, "share")
	}
	optional(f, "error", &s.Error, d.str)
}

// populationExpect reads the population keys of an `expect:` map.
func (d *decoder) populationExpect(f *fields, w *World, x *Expect) {
	v := f.val["population"]
	if v == nil {
		for _, k := range []string{"atLeast", "atMost"} {
			if f.has(k) {
				d.errorf(f.key[k], "%s needs population: (it counts the population's users that pass)", k)
			}
		}
		return
	}
	if f.has("user") {
		d.errorf(f.key["population"], "population and user cannot be used together: check one user or a whole population")
	}
	if name, ok := d.nonEmpty(v, "population"); ok {
		x.Population = d.resolvePopulation(v, name, w)
	}
	for _, k := range []string{"contacts", "has", "lacks", "holdUntil"} {
		if f.has(k) {
			d.errorf(f.key[k], "%q cannot be checked over a population (its users differ); check one user with user:", k)
		}
	}
	if f.has("event") && (f.has("atLeast") || f.has("atMost")) {
		d.errorf(f.key["event"], "atLeast and atMost count users; with event: use count:")
	}
	if !f.has("event") && len(f.order) == 1+b2i(f.has("atLeast"))+b2i(f.has("atMost")) {
		d.errorf(f.node, "expect checks nothing: add one of state, contactsIn, prompt, clientReads, attempts, effectivePolicy")
	}
	optional(f, "atLeast", &x.AtLeast, d.quota)
	optional(f, "atMost", &x.AtMost, d.quota)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// listedUsers are the users written in world.users (not those of a population).
func listedUsers(users []User) []User {
	var out []User
	for _, u := range users {
		if u.Population == 0 {
			out = append(out, u)
		}
	}
	return out
}

// encodePopulations writes world.populations back as a file gives it.
func encodePopulations(ps []Population) *yaml.Node {
	out := &yaml.Node{Kind: yaml.SequenceNode}
	for _, p := range ps {
		n := mapNode()
		put(n, "name", str(p.Name))
		put(n, "count", intNode(p.Count))
		put(n, "names", str(p.Names))
		put(n, "sip", str(p.SIP))
		switch {
		case len(p.Contacts) == 1 && p.Contacts[0].Min == p.Contacts[0].Max:
			put(n, "contacts", intNode(p.Contacts[0].Min))
		case len(p.Contacts) == 1:
			u := flowMap()
			put(u, "uniform", rangeNode(p.Contacts[0]))
			put(n, "contacts", u)
		default:
			bs := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
			for _, b := range p.Contacts {
				bn := flowMap()
				put(bn, "weight", intNode(b.Weight))
				if b.Min == b.Max {
					put(bn, "contacts", intNode(b.Min))
				} else {
					put(bn, "uniform", rangeNode(b))
				}
				bs.Content = append(bs.Content, bn)
			}
			put(n, "contacts", bs)
		}
		if len(p.Groups) > 0 {
			put(n, "groups", flowList(p.Groups))
		}
		for _, m := range []struct {
			key string
			mix []Weighted
		}{{"clients", p.Clients}, {"mailboxes", p.Mailboxes}, {"policies", p.Policies}, {"sites", p.Sites}, {"pools", p.Pools}} {
			if len(m.mix) == 0 {
				continue
			}
			mn := flowMap()
			for _, w := range m.mix {
				v := w.Value
				if v == "" {
					v = "none"
				}
				put(mn, v, intNode(w.Weight))
			}
			put(n, m.key, mn)
		}
		out.Content = append(out.Content, n)
	}
	return out
}

func rangeNode(b Bucket) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	n.Content = []*yaml.Node{intNode(b.Min), intNode(b.Max)}
	return n
}

func quotaNode(q Quota) *yaml.Node {
	if q.IsPercent {
		return str(q.Text)
	}
	return intNode(q.N)
}
