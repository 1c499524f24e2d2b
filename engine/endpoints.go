package engine

import (
	"fmt"
	"strings"
)

// SignIn records an endpoint's sign-in (the first roaming-contacts SUBSCRIBE) and returns what it
// reads. A Lync 2013 sign-in runs the migration check (docs/BEHAVIOR.md B-2.1).
func (e *Engine) SignIn(userID, endpointID string, kind ClientKind) (View, error) {
	switch kind {
	case Lync2013, Lync2010, Mobile:
	default:
		return View{}, fmt.Errorf("unknown client kind %q (lync2013, lync2010 or mobile)", kind)
	}
	if strings.TrimSpace(endpointID) == "" {
		return View{}, fmt.Errorf("the endpoint id is empty")
	}
	e.lock()
	defer e.unlock()
	u, err := e.resolveLocked(userID)
	if err != nil {
		return View{}, err
	}
	ep := &endpoint{id: endpointID, kind: kind}
	u.endpoints[endpointID] = ep
	// The sign-in is traced before the migration check it triggers; the check cannot complete a
	// migration synchronously, so where the endpoint reads from is already settled here.
	ep.readsFrom = readsFor(kind, u.phase == phaseMigrated)
	e.emitLocked(EventSignIn, u.sip, map[string]any{"endpoint": endpointID, "client": string(kind), "reads": string(ep.readsFrom)})
	if kind == Lync2013 {
		e.signInCheckLocked(u)
	}
	return e.viewLocked(u, ep), nil
}

func readsFor(kind ClientKind, migrated bool) ReadsFrom {
	switch {
	case !migrated:
		return ReadsLync
	case kind == Lync2013:
		return ReadsExchange
	default:
		return ReadsReadOnly
	}
}

func (e *Engine) viewLocked(u *user, ep *endpoint) View {
	switch ep.readsFrom {
	case ReadsExchange:
		return View{ReadsFrom: ReadsExchange, List: ContactList{DeltaNum: u.deltaNum, Migrated: true}}
	case ReadsReadOnly:
		return View{ReadsFrom: ReadsReadOnly, List: u.mirror.list(u.deltaNum)}
	default:
		return View{ReadsFrom: ReadsLync, List: u.lync.list(u.deltaNum)}
	}
}

// SignOut ends an endpoint's session. An endpoint that owed a prompt has accepted it.
func (e *Engine) SignOut(userID, endpointID string) {
	e.lock()
	defer e.unlock()
	u, err := e.resolveLocked(userID)
	if err != nil {
		return
	}
	ep, ok := u.endpoints[endpointID]
	if !ok {
		return
	}
	delete(u.endpoints, endpointID)
	if ep.prompt == promptShown {
		e.emitLocked(EventPromptAccepted, u.sip, map[string]any{"endpoint": endpointID})
	}
	e.emitLocked(EventSignOut, u.sip, map[string]any{"endpoint": endpointID})
}

// ContactList is the user's authoritative list as served over SIP: the Lync store, or the mirror
// of the Exchange list for a migrated user.
func (e *Engine) ContactList(userID string) (ContactList, error) {
	e.lock()
	defer e.unlock()
	u, err := e.resolveLocked(userID)
	if err != nil {
		return ContactList{}, err
	}
	if u.phase == phaseMigrated {
		return u.mirror.list(u.deltaNum), nil
	}
	return u.lync.list(u.deltaNum), nil
}

// EndpointView is what a signed-in endpoint would get on a re-subscription now.
func (e *Engine) EndpointView(userID, endpointID string) (View, error) {
	e.lock()
	defer e.unlock()
	u, err := e.resolveLocked(userID)
	if err != nil {
		return View{}, err
	}
	ep, ok := u.endpoints[endpointID]
	if !ok {
		return View{}, fmt.Errorf("%s has no endpoint %q signed in", u.sip, endpointID)
	}
	return e.viewLocked(u, ep), nil
}

// sendDeltaLocked pushes d to every endpoint reading from `reads`, in endpoint-id order.
func (e *Engine) sendDeltaLocked(u *user, d Delta, reads ...ReadsFrom) {
	for _, id := range sortedEndpointIDs(u) {
		ep := u.endpoints[id]
		for _, r := range reads {
			if ep.readsFrom == r {
				dd := d
				e.notifyLocked(Notification{Kind: NotifyDelta, User: u.sip, Endpoint: id, Delta: &dd})
				break
			}
		}
	}
}

// bumpAndDiffLocked gives the change old→cur a new deltaNum and returns the delta (ok false if
// nothing changed, in which case deltaNum is untouched).
func (u *user) bumpAndDiff(old, cur lyncList) (Delta, bool) {
	d, ok := diff(old, cur)
	if !ok {
		return d, false
	}
	d.PrevDeltaNum = u.deltaNum
	u.deltaNum++
	d.DeltaNum = u.deltaNum
	return d, true
}
