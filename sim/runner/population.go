package runner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ucssim/ucssim/sim/scenario"
)

// popProbe is what repeated checks of one population expectation keep between instants: a wait
// (within/throughout) checks it at every event, and for thousands of users a full count each time
// made a wave quadratic.
type popProbe struct {
	members []string
	in      map[string]bool // lower-case SIP addresses, for event expectations
	witness int             // the member that failed the last probe: checked first next time
	events  int             // trace events already counted (event expectations)
	count   int             // of those, the population's events of the expected type
}

func (r *runner) probeOf(e *scenario.Expect) *popProbe {
	if p := r.probes[e]; p != nil {
		return p
	}
	p := &popProbe{members: r.w.Members(e.Population)}
	if r.probes == nil {
		r.probes = map[*scenario.Expect]*popProbe{}
	}
	r.probes[e] = p
	return p
}

// evaluatePopulation checks an `expect: {population: ...}` (docs/SCENARIO-FORMAT.md
// "Populations"): the user keys on each of the population's users, counting those that pass
// against atLeast/atMost (all of them when neither is given); with event:, the events of its users.
// With quick, a failing verdict may stop at the first user that fails (its counts are then not
// complete): the probe a wait runs at every event, followed by a full evaluation for the report.
func (r *runner) evaluatePopulation(e *scenario.Expect, quick bool) check {
	c := check{ok: true}
	p := r.probeOf(e)
	members := p.members
	if e.Event != "" {
		if p.in == nil {
			p.in = make(map[string]bool, len(members))
			for _, m := range members {
				p.in[strings.ToLower(m)] = true
			}
		}
		for _, ev := range r.w.Trace.Since(p.events) {
			p.events++
			if ev.Type == e.Event && p.in[strings.ToLower(ev.User)] {
				p.count++
			}
		}
		n := p.count
		what := "event " + e.Event.String() + " of population " + e.Population
		if e.Count != nil {
			c.add(what+" count", fmt.Sprint(*e.Count), fmt.Sprint(n), n == *e.Count)
		} else {
			c.add(what, "at least once", fmt.Sprint(n)+" times", n > 0)
		}
		return c
	}
	total := len(members)
	least, most := total, total
	want := "all " + fmt.Sprint(total)
	if e.AtLeast != nil {
		least = e.AtLeast.Of(total)
		want = "at least " + quotaText(*e.AtLeast, least)
	}
	if e.AtMost != nil {
		most = e.AtMost.Of(total)
		if e.AtLeast == nil {
			least = 0
			want = "at most " + quotaText(*e.AtMost, most)
		} else {
			want += ", at most " + quotaText(*e.AtMost, most)
		}
	}
	one := *e
	one.Population, one.AtLeast, one.AtMost = "", nil, nil
	start := 0
	if quick && least == total {
		// Every user must pass: the one that failed last time most likely still fails, so the
		// probe starts there (and wraps around).
		start = p.witness
	}
	// Short cut: stop as soon as the verdict is sure; the counts of what was seen are complete
	// only when the check fails and quick is false.
	passed, failed := 0, 0
	seen := map[string]int{}
	example := map[string]string{}
	var checks []string // what each user must show, e.g. "state: Migrated"
	for k := range members {
		i := (start + k) % total
		sip := members[i]
		one.User = sip
		u := r.evaluate(&one)
		if checks == nil {
			checks = u.expected
		}
		if u.ok {
			passed++
		} else {
			failed++
			p.witness = i
			k := strings.Join(u.seen, ", ")
			if seen[k] == 0 {
				example[k] = sip
			}
			seen[k]++
		}
		if passed > most || total-failed < least {
			break // fails: finish counting for the report below
		}
		if passed >= least && e.AtMost == nil {
			return c
		}
	}
	ok := passed >= least && passed <= most
	if !ok && passed+failed < total && !quick {
		passed, seen, example = r.countPopulation(&one, members)
	}
	c.add("population "+e.Population, want+" users with "+strings.Join(checks, ", "), describeCounts(passed, total, seen, example), ok)
	return c
}

// countPopulation evaluates every user, for a failure report.
func (r *runner) countPopulation(one *scenario.Expect, members []string) (passed int, seen map[string]int, example map[string]string) {
	seen, example = map[string]int{}, map[string]string{}
	for _, sip := range members {
		one.User = sip
		u := r.evaluate(one)
		if u.ok {
			passed++
			continue
		}
		k := strings.Join(u.seen, ", ")
		if seen[k] == 0 {
			example[k] = sip
		}
		seen[k]++
	}
	return passed, seen, example
}

func quotaText(q scenario.Quota, n int) string {
	if q.IsPercent {
		return fmt.Sprintf("%s (%d)", q.Text, n)
	}
	return fmt.Sprint(n)
}

// describeCounts says how many passed and, for the others, what was seen, most common first
// (at most five kinds, each with one user as an example).
func describeCounts(passed, total int, seen map[string]int, example map[string]string) string {
	kinds := make([]string, 0, len(seen))
	for k := range seen {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if seen[kinds[i]] != seen[kinds[j]] {
			return seen[kinds[i]] > seen[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	out := fmt.Sprintf("%d of %d pass", passed, total)
	for i, k := range kinds {
		if i == 5 {
			out += fmt.Sprintf("; %d more kinds", len(kinds)-5)
			break
		}
		out += fmt.Sprintf("; %d with %s (e.g. %s)", seen[k], k, example[k])
	}
	return out
}
