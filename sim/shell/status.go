package shell

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/ucssim/ucssim/engine"
)

// status prints one row per user: where the contacts are and what the endpoints show.
func (s *Shell) status(args []string) error {
	users := s.world.Engine.Users()
	if len(args) > 0 {
		sip, rest, err := s.resolveUser(args)
		if err != nil {
			return err
		}
		if len(rest) > 0 {
			return fmt.Errorf("unexpected %q: usage status [user]", strings.Join(rest, " "))
		}
		users = []string{sip}
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "User\tState\tIn\tContacts\tAttempts\tHold until\tPolicy\tPool\tEndpoints")
	for _, sip := range users {
		st, err := s.world.Engine.Status(sip)
		if err != nil {
			return err
		}
		count := "?"
		if n, err := s.contactCount(sip); err == nil {
			count = fmt.Sprint(n)
		}
		hold := "-"
		if !st.HoldUntil.IsZero() {
			hold = st.HoldUntil.UTC().Format("Mon 2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", st.Name, st.State, st.ContactsIn, count, st.Attempts, hold, st.EffectivePolicy, st.Pool, endpoints(st.Endpoints))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	s.printf("%s", b.String())
	return nil
}

// contactCount counts the contacts of the authoritative store, as the scenario expectations do.
func (s *Shell) contactCount(sip string) (int, error) {
	uris, err := s.world.Contacts(sip)
	return len(uris), err
}

// endpoints renders signed-in endpoints: `desktop lync2013 reads exchange PROMPT`.
func endpoints(eps []engine.EndpointStatus) string {
	if len(eps) == 0 {
		return "-"
	}
	parts := make([]string, len(eps))
	for i, ep := range eps {
		p := fmt.Sprintf("%s %s reads %s", ep.ID, ep.Kind, ep.ReadsFrom)
		if ep.Prompt {
			p += " PROMPT:log-off"
		}
		parts[i] = p
	}
	return strings.Join(parts, "; ")
}
