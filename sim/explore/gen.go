package explore

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/scenario"
)

// LegacyPool is the Lync Server 2010 pool of generated worlds (Move-CsUser's other target).
const LegacyPool = "lync2010.litwareinc.com"

var (
	userNames = []string{"Ken Myer", "Pilar Ackerman", "Anne Wallace", "David Ahs", "Lisa Andrews", "Tom Perham", "Jo Berry", "Mary Chen"}
	// contactPool is what users add, remove and find in their starting lists.
	contactPool = []string{"eva.novak", "luis.reyes", "nina.singh", "paul.young", "ravi.kumar", "sofia.lopez", "omar.haas", "jun.ito"}
	endpoints   = []string{"desktop", "laptop", "phone"}
	tagPolicies = []string{"Tag:AllowUCS", "Tag:DenyUCS"}
)

// genWorld draws a small world: users with a few explicit contacts (so shrinking can drop them),
// mostly Exchange 2013 mailboxes, a Lync Server 2010 pool, and a short rollback hold so clock moves
// reach its end without simulating a week of registration refreshes.
func genWorld(rng *rand.Rand, users int) scenario.World {
	w := scenario.World{
		Pool:               engine.DefaultPool,
		Site:               scenario.DefaultSite,
		LegacyPools:        []string{LegacyPool},
		ServerToServerAuth: true,
		Migration: scenario.Migration{Duration: 10 * time.Minute, Hold: 2 * time.Hour, Remigration: "timer",
			DailyTask: time.Hour},
		Exchange: scenario.Exchange{MaxContacts: 1000, MaxGroups: 64},
	}
	if rng.IntN(4) == 0 {
		w.Migration.Remigration = "next-signin"
	}
	if rng.IntN(3) == 0 {
		w.Policies = append(w.Policies, scenario.Policy{Identity: tagPolicies[0], UcsAllowed: true})
	}
	n := 1 + rng.IntN(max(users, 1))
	for i := 0; i < n; i++ {
		name := userNames[i%len(userNames)]
		alias := strings.ToLower(strings.ReplaceAll(name, " ", ""))
		u := scenario.User{Name: name, SIP: "sip:" + alias + "@litwareinc.com", Mailbox: "exchange2013", Store: "lync", Contacts: []scenario.Contact{}}
		switch rng.IntN(12) {
		case 0:
			u.Mailbox = "exchange2010"
		case 1:
			u.Store = "exchange"
		}
		k := rng.IntN(4)
		for _, j := range rng.Perm(len(contactPool))[:k] {
			c := scenario.Contact{URI: "sip:" + contactPool[j] + "@litwareinc.com"}
			if rng.IntN(3) == 0 {
				c.Groups = []string{"Team"}
			}
			u.Contacts = append(u.Contacts, c)
		}
		w.Users = append(w.Users, u)
	}
	return w
}

// generator picks the next step from what the world shows now.
type generator struct {
	rng    *rand.Rand
	faults bool
	w      *sim.World
	spec   scenario.World
}

type choice struct {
	weight int
	make   func() scenario.Step
}

func (g *generator) pick(cs []choice) scenario.Step {
	total := 0
	for _, c := range cs {
		total += c.weight
	}
	n := g.rng.IntN(total)
	for _, c := range cs {
		if n < c.weight {
			return c.make()
		}
		n -= c.weight
	}
	return cs[len(cs)-1].make()
}

func (g *generator) user() scenario.User { return g.spec.Users[g.rng.IntN(len(g.spec.Users))] }

func (g *generator) contactURI() string {
	return "sip:" + contactPool[g.rng.IntN(len(contactPool))] + "@litwareinc.com"
}

// next draws one valid step for the world as it stands.
func (g *generator) next() scenario.Step {
	eps := g.w.Endpoints()
	on := map[string]bool{} // user|endpoint signed in
	var signedIn, prompting []sim.EndpointView
	for _, ep := range eps {
		if ep.SignedIn {
			on[ep.User+"|"+ep.Name] = true
			signedIn = append(signedIn, ep)
			if ep.View.Prompt {
				prompting = append(prompting, ep)
			}
		}
	}
	cs := []choice{
		{18, g.signIn(on)},
		{12, g.clock},
		{6, g.policy},
		{4, func() scenario.Step {
			u := g.user()
			return scenario.Step{Kind: scenario.StepOutlookAddContact, User: u.SIP, Contact: scenario.Contact{URI: g.contactURI()}}
		}},
		{4, g.rollback},
		{2, g.move},
	}
	if len(signedIn) > 0 {
		cs = append(cs,
			choice{8, func() scenario.Step {
				ep := signedIn[g.rng.IntN(len(signedIn))]
				return scenario.Step{Kind: scenario.StepSignOut, User: ep.User, Endpoint: ep.Name}
			}},
			choice{8, func() scenario.Step {
				ep := signedIn[g.rng.IntN(len(signedIn))]
				s := scenario.Step{Kind: scenario.StepAddContact, User: ep.User, Contact: scenario.Contact{URI: g.contactURI()}}
				if g.rng.IntN(3) == 0 {
					s.Contact.Groups = []string{"Team"}
				}
				return s
			}},
			choice{6, func() scenario.Step {
				ep := signedIn[g.rng.IntN(len(signedIn))]
				uri := g.contactURI()
				if v := ep.View.URIs(); len(v) > 0 && g.rng.IntN(3) > 0 {
					uri = "sip:" + strings.TrimPrefix(v[g.rng.IntN(len(v))], "sip:")
				}
				return scenario.Step{Kind: scenario.StepRemoveContact, User: ep.User, Contact: scenario.Contact{URI: uri}}
			}},
		)
	}
	if len(prompting) > 0 {
		cs = append(cs, choice{14, func() scenario.Step {
			ep := prompting[g.rng.IntN(len(prompting))]
			return scenario.Step{Kind: scenario.StepAcceptPrompt, User: ep.User, Endpoint: ep.Name}
		}})
	}
	if g.faults {
		cs = append(cs, choice{6, g.fault})
	}
	return g.pick(cs)
}

func (g *generator) signIn(on map[string]bool) func() scenario.Step {
	return func() scenario.Step {
		u := g.user()
		var free []string
		for _, e := range endpoints {
			if !on[u.SIP+"|"+e] {
				free = append(free, e)
			}
		}
		if len(free) == 0 {
			return g.clock()
		}
		s := scenario.Step{Kind: scenario.StepSignIn, User: u.SIP, Endpoint: free[g.rng.IntN(len(free))]}
		switch n := g.rng.IntN(10); {
		case n < 6:
			s.Client = "lync2013"
		case n < 8:
			s.Client = "lync2010"
		default:
			s.Client = "mobile"
		}
		return s
	}
}

func (g *generator) policy() scenario.Step {
	scopes := []string{"global", "site:" + g.spec.Site, "UserServer:" + g.spec.Pool, tagPolicies[0], tagPolicies[1]}
	id := scopes[g.rng.IntN(len(scopes))]
	b := []string{"$True", "$False"}[g.rng.IntN(2)]
	var line string
	switch g.rng.IntN(5) {
	case 0:
		line = fmt.Sprintf(`New-CsUserServicesPolicy -Identity "%s" -UcsAllowed %s`, id, b)
	case 1, 2:
		line = fmt.Sprintf(`Set-CsUserServicesPolicy -Identity "%s" -UcsAllowed %s`, id, b)
	case 3:
		name := `"` + strings.TrimPrefix(tagPolicies[g.rng.IntN(2)], "Tag:") + `"`
		if g.rng.IntN(4) == 0 {
			name = "$Null"
		}
		line = fmt.Sprintf(`Grant-CsUserServicesPolicy -Identity "%s" -PolicyName %s`, g.user().Name, name)
	default:
		line = fmt.Sprintf(`Remove-CsUserServicesPolicy -Identity "%s"`, id)
	}
	return scenario.Step{Kind: scenario.StepRun, Command: line}
}

func (g *generator) rollback() scenario.Step {
	line := fmt.Sprintf(`Invoke-CsUcsRollback -Identity "%s" -Confirm:$False`, g.user().Name)
	if g.rng.IntN(3) == 0 {
		line += " -Force"
	}
	return scenario.Step{Kind: scenario.StepRun, Command: line}
}

func (g *generator) move() scenario.Step {
	target := LegacyPool
	if g.rng.IntN(3) == 0 {
		target = g.spec.Pool
	}
	return scenario.Step{Kind: scenario.StepRun, Command: fmt.Sprintf(`Move-CsUser -Identity "%s" -Target "%s" -Confirm:$False`, g.user().Name, target)}
}

func (g *generator) fault() scenario.Step {
	kinds := []engine.FaultKind{"down", "busy", "slow", "unauthorized"}
	fors := []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour}
	f := scenario.Fault{Kind: kinds[g.rng.IntN(len(kinds))], For: fors[g.rng.IntN(len(fors))]}
	switch f.Kind {
	case "busy":
		f.BackOff = []time.Duration{time.Second, 30 * time.Second}[g.rng.IntN(2)]
	case "slow":
		f.Latency = []time.Duration{5 * time.Second, 2 * time.Minute}[g.rng.IntN(2)]
	}
	if g.rng.IntN(2) == 0 {
		f.User = g.user().SIP
	}
	return scenario.Step{Kind: scenario.StepFault, Fault: f}
}

// clock moves time: most often to just before, at or just after an instant that matters
// (a migration's commit, a hold's end, the daily task, a fault window's end), else by a plain wait.
func (g *generator) clock() scenario.Step {
	now := g.w.Sched.Now()
	instants := g.instants(now)
	if len(instants) > 0 && g.rng.IntN(4) > 0 {
		at := instants[g.rng.IntN(len(instants))].Add(time.Duration(g.rng.IntN(3)-1) * time.Second)
		if d := at.Sub(now); d > 0 {
			return scenario.Step{Kind: scenario.StepWait, Wait: d}
		}
	}
	waits := []time.Duration{time.Second, 10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute}
	return scenario.Step{Kind: scenario.StepWait, Wait: waits[g.rng.IntN(len(waits))]}
}

// instants lists the future instants that matter, read from the trace and the engine.
func (g *generator) instants(now time.Time) []time.Time {
	var out []time.Time
	add := func(t time.Time) {
		if t.After(now) {
			out = append(out, t)
		}
	}
	for _, e := range g.w.Trace.Events() {
		switch e.Type {
		case "migration.started":
			if s, ok := e.Details["commitAt"].(string); ok {
				if t, err := time.Parse(time.RFC3339, s); err == nil {
					add(t)
				}
			}
		case "fault.started":
			if s, ok := e.Details["for"].(string); ok {
				if d, err := scenario.ParseDuration(s); err == nil {
					add(e.Time.Add(d))
				}
			}
		}
	}
	for _, sip := range g.w.Engine.Users() {
		if st, err := g.w.Engine.Status(sip); err == nil && !st.HoldUntil.IsZero() {
			add(st.HoldUntil)
		}
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).Add(g.spec.Migration.DailyTask)
	if !day.After(now) {
		day = day.Add(24 * time.Hour)
	}
	add(day)
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}
