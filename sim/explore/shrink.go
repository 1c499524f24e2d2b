package explore

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ucssim/ucssim/sim/scenario"
)

// shrinker reduces a failing scenario while the same invariant still fails.
type shrinker struct {
	ctx    context.Context
	opt    Options
	target string
	budget int
	best   *scenario.File
}

// Shrink returns a smaller scenario that still violates invariant: it cuts the steps after the
// violation, drops chunks of steps and then single steps, shortens waits and fault windows,
// simplifies faults, clients and cmdlets, and drops users, contacts and policies nothing needs.
// Every candidate is a whole run of a fresh world; at most Options.ShrinkBudget are tried.
func Shrink(ctx context.Context, f *scenario.File, invariant string, opt Options) *scenario.File {
	opt.defaults()
	s := &shrinker{ctx: ctx, opt: opt, target: invariant, budget: opt.ShrinkBudget, best: f}
	if !s.try(f) { // not reproducible on its own: hand it back as it is
		return f
	}
	for changed := true; changed && s.budget > 0 && ctx.Err() == nil; {
		changed = s.dropChunks()
		changed = s.simplifySteps() || changed
		changed = s.shrinkWorld() || changed
	}
	return s.best
}

// try runs a candidate; if it still violates the target it becomes the best, cut after the
// violating step, with every step's `error:` as this run saw it.
func (s *shrinker) try(c *scenario.File) bool {
	if s.budget <= 0 || s.ctx.Err() != nil {
		return false
	}
	s.budget--
	if s.target == scenario.InvDeterministic {
		if v := checkDeterministic(s.ctx, c, s.opt); v != nil {
			s.best = c
			return true
		}
		return false
	}
	ran, v, _, err := replay(s.ctx, c, s.opt, s.target)
	if err != nil || v == nil {
		return false
	}
	ran.Steps = ran.Steps[:v.step+1]
	s.best = ran
	return true
}

func (s *shrinker) withSteps(steps []scenario.Step) *scenario.File {
	c := *s.best
	c.Steps = steps
	return &c
}

// dropChunks removes runs of steps, halving the run length down to single steps.
func (s *shrinker) dropChunks() bool {
	changed := false
	for size := len(s.best.Steps) / 2; size >= 1; size /= 2 {
		for start := 0; start+size <= len(s.best.Steps) && s.budget > 0; {
			steps := slices.Concat(s.best.Steps[:start], s.best.Steps[start+size:])
			if len(steps) > 0 && s.try(s.withSteps(steps)) {
				changed = true
				continue // the same start now holds the next steps
			}
			start += size
		}
	}
	return changed
}

// simplifySteps makes single steps simpler: shorter waits and fault windows, plainer faults,
// the default client and endpoint, cmdlets without -Force.
func (s *shrinker) simplifySteps() bool {
	changed := false
	for i := 0; i < len(s.best.Steps) && s.budget > 0; i++ {
		for _, alt := range simpler(s.best.Steps[i]) {
			steps := slices.Clone(s.best.Steps)
			steps[i] = alt
			if s.try(s.withSteps(steps)) {
				changed = true
				break
			}
		}
	}
	return changed
}

func simpler(st scenario.Step) []scenario.Step {
	var out []scenario.Step
	alt := func(f func(*scenario.Step)) {
		c := st
		f(&c)
		out = append(out, c)
	}
	switch st.Kind {
	case scenario.StepWait:
		if st.Wait > time.Second {
			alt(func(c *scenario.Step) { c.Wait = time.Second })
			if h := half(st.Wait); h > time.Second {
				alt(func(c *scenario.Step) { c.Wait = h })
			}
			alt(func(c *scenario.Step) { c.Wait = st.Wait - time.Second })
		}
	case scenario.StepFault:
		if st.Fault.For > time.Second {
			alt(func(c *scenario.Step) { c.Fault.For = half(st.Fault.For) })
		}
		if st.Fault.Kind != "down" {
			alt(func(c *scenario.Step) { c.Fault.Kind, c.Fault.BackOff, c.Fault.Latency = "down", 0, 0 })
		}
		if st.Fault.User != "" {
			alt(func(c *scenario.Step) { c.Fault.User = "" })
		}
	case scenario.StepSignIn:
		if st.Client != "lync2013" && st.Client != "" {
			alt(func(c *scenario.Step) { c.Client = "lync2013" })
		}
		if st.Endpoint != "desktop" && st.Endpoint != "" {
			alt(func(c *scenario.Step) { c.Endpoint = "desktop" })
		}
	case scenario.StepSignOut, scenario.StepAcceptPrompt:
		if st.Endpoint != "desktop" && st.Endpoint != "" {
			alt(func(c *scenario.Step) { c.Endpoint = "desktop" })
		}
	case scenario.StepAddContact:
		if len(st.Contact.Groups) > 0 {
			alt(func(c *scenario.Step) { c.Contact.Groups = nil })
		}
	case scenario.StepRun:
		if strings.Contains(st.Command, " -Force") {
			alt(func(c *scenario.Step) { c.Command = strings.Replace(st.Command, " -Force", "", 1) })
		}
	}
	return out
}

// shrinkWorld drops users no step names, then contacts one at a time, then policies.
func (s *shrinker) shrinkWorld() bool {
	changed := false
	for i := 0; i < len(s.best.World.Users) && s.budget > 0; i++ {
		u := s.best.World.Users[i]
		if len(s.best.World.Users) == 1 || mentioned(s.best, u) {
			continue
		}
		c := *s.best
		c.World.Users = slices.Delete(slices.Clone(c.World.Users), i, i+1)
		if s.try(&c) {
			changed = true
			i--
		}
	}
	for i := 0; i < len(s.best.World.Users) && s.budget > 0; i++ {
		for j := 0; j < len(s.best.World.Users[i].Contacts) && s.budget > 0; j++ {
			c := *s.best
			c.World.Users = slices.Clone(c.World.Users)
			c.World.Users[i].Contacts = slices.Delete(slices.Clone(c.World.Users[i].Contacts), j, j+1)
			if s.try(&c) {
				changed = true
				j--
			}
		}
		if s.best.World.Users[i].Store == "exchange" && s.budget > 0 {
			c := *s.best
			c.World.Users = slices.Clone(c.World.Users)
			c.World.Users[i].Store = "lync"
			if s.try(&c) {
				changed = true
			}
		}
	}
	for i := 0; i < len(s.best.World.Policies) && s.budget > 0; i++ {
		c := *s.best
		c.World.Policies = slices.Delete(slices.Clone(c.World.Policies), i, i+1)
		if s.try(&c) {
			changed = true
			i--
		}
	}
	if s.best.World.Migration.Remigration != "timer" && s.budget > 0 {
		c := *s.best
		c.World.Migration.Remigration = "timer"
		if s.try(&c) {
			changed = true
		}
	}
	return changed
}

// mentioned reports whether a step names the user (by SIP address, display name in a cmdlet).
func mentioned(f *scenario.File, u scenario.User) bool {
	for _, st := range f.Steps {
		if strings.EqualFold(st.User, u.SIP) || strings.EqualFold(st.Fault.User, u.SIP) ||
			(st.Kind == scenario.StepRun && strings.Contains(st.Command, `"`+u.Name+`"`)) {
			return true
		}
	}
	return false
}

// half is d/2 in whole seconds, at least 1s: shrunk files keep readable durations.
func half(d time.Duration) time.Duration {
	return max((d / 2).Truncate(time.Second), time.Second)
}
