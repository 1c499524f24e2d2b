package shell

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/scenario"
)

// resolveUser takes the user from the front of args: the longest run of words that names a user
// (so `signin Ken Myer mobile` works unquoted), and returns its SIP address and the other words.
func (s *Shell) resolveUser(args []string) (string, []string, error) {
	if len(args) == 0 {
		return "", nil, errors.New("which user? give a display name, SIP address or user principal name")
	}
	for k := len(args); k >= 1; k-- {
		if sip, err := s.world.Engine.ResolveUser(strings.Join(args[:k], " ")); err == nil {
			return sip, args[k:], nil
		}
	}
	_, err := s.world.Engine.ResolveUser(args[0])
	if len(args) > 1 {
		_, err = s.world.Engine.ResolveUser(strings.Join(args, " "))
	}
	return "", nil, err
}

// orList spells choices as "a, b or c".
func orList(choices []string) string {
	if len(choices) < 2 {
		return strings.Join(choices, "")
	}
	return strings.Join(choices[:len(choices)-1], ", ") + " or " + choices[len(choices)-1]
}

// The user verbs run as the scenario steps signIn, signOut and acceptPrompt (record.go).

func (s *Shell) signIn(ctx context.Context, args []string) error {
	sip, rest, err := s.resolveUser(args)
	if err != nil {
		return err
	}
	kind, name := engine.Lync2013, "desktop"
	if len(rest) > 0 {
		k, err := engine.ParseClientKind(rest[0])
		if err != nil {
			return fmt.Errorf("client %q is not %s", rest[0], orList(engine.Names(engine.ClientKinds())))
		}
		kind, rest = k, rest[1:]
	}
	if len(rest) > 0 {
		name, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		return fmt.Errorf("unexpected %q: usage signin <user> [lync2013|lync2010|mobile] [endpoint]", strings.Join(rest, " "))
	}
	st := scenario.Step{Kind: scenario.StepSignIn, User: sip, Client: kind, Endpoint: name}
	return s.do(ctx, st, "signin "+strings.Join(args, " "))
}

func (s *Shell) signOut(ctx context.Context, args []string) error {
	sip, rest, err := s.resolveUser(args)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return fmt.Errorf("unexpected %q: usage signout <user> [endpoint]", strings.Join(rest[1:], " "))
	}
	name := s.onlyEndpoint(sip, false)
	if len(rest) == 1 {
		name = rest[0]
	}
	return s.do(ctx, scenario.Step{Kind: scenario.StepSignOut, User: sip, Endpoint: name}, "signout "+strings.Join(args, " "))
}

func (s *Shell) accept(ctx context.Context, args []string) error {
	sip, rest, err := s.resolveUser(args)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return fmt.Errorf("unexpected %q: usage accept <user> [endpoint]", strings.Join(rest[1:], " "))
	}
	name := s.onlyEndpoint(sip, true)
	if len(rest) == 1 {
		name = rest[0]
	}
	return s.do(ctx, scenario.Step{Kind: scenario.StepAcceptPrompt, User: sip, Endpoint: name}, "accept "+strings.Join(args, " "))
}

// onlyEndpoint names the endpoint a verb means when none is given: the user's only signed-in one,
// or (prompted) the one showing the log-off prompt, or else "desktop" as in scenario files. The
// step then names it, so that a saved session does the same.
func (s *Shell) onlyEndpoint(sip string, prompted bool) string {
	var on []sim.EndpointView
	for _, ep := range s.world.Endpoints() {
		if ep.User == sip && ep.SignedIn {
			on = append(on, ep)
		}
	}
	if len(on) == 1 {
		return on[0].Name
	}
	if prompted {
		for _, ep := range on {
			if ep.View.Prompt {
				return ep.Name
			}
		}
	}
	return "desktop"
}
