package frontend

import (
	"sort"

	"github.com/ucssim/ucssim/engine"
)

// EndpointState is what the front end holds for one endpoint: its registration, whether the
// engine signed it in (first roaming-contacts SUBSCRIBE), and its roaming-contacts subscription.
// `ucssim explore` checks it against the engine and the clients (the one-truth invariant).
type EndpointState struct {
	User, Epid string
	Registered bool
	SignedIn   bool
	Kind       engine.ClientKind // as answered at sign-in
	Subscribed bool              // a live roaming-contacts subscription
}

// EndpointStates lists every endpoint the front end knows, sorted by user and epid.
func (s *Server) EndpointStates() []EndpointState {
	s.mu.Lock()
	defer s.mu.Unlock()
	byKey := map[endpointKey]*EndpointState{}
	get := func(k endpointKey) *EndpointState {
		if st := byKey[k]; st != nil {
			return st
		}
		st := &EndpointState{User: k.user, Epid: k.epid}
		byKey[k] = st
		return st
	}
	for k, r := range s.regs {
		st := get(k)
		st.Registered = true
		st.SignedIn, st.Kind = r.signedIn, r.kind
	}
	for k, sub := range s.roaming {
		if !sub.dropped {
			get(k).Subscribed = true
		}
	}
	out := make([]EndpointState, 0, len(byKey))
	for _, st := range byKey {
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].User != out[j].User {
			return out[i].User < out[j].User
		}
		return out[i].Epid < out[j].Epid
	})
	return out
}
