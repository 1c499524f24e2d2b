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
	return s.onEndpoint(ctx, args, scenario.StepSignOut, "signout", false)
}

func (s *Shell) accept(ctx context.Context, args []string) error {
	return s.onEndpoint(ctx, args, scenario.StepAcceptPrompt, "accept", true)
}

// onEndpoint runs `verb <user> [endpoint]` as a step of that kind on one endpoint of the user:
// the one named, else the one onlyEndpoint picks (prompted: showing a prompt).
func (s *Shell) onEndpoint(ctx context.Context, args []string, kind scenario.StepKind, verb string, prompted bool) error {
	sip, rest, err := s.resolveUser(args)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return fmt.Errorf("unexpected %q: usage %s <user> [endpoint]", strings.Join(rest[1:], " "), verb)
	}
	name := s.onlyEndpoint(sip, prompted)
	if len(rest) == 1 {
		name = rest[0]
	}
	return s.do(ctx, scenario.Step{Kind: kind, User: sip, Endpoint: name}, verb+" "+strings.Join(args, " "))
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
