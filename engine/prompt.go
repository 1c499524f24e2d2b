package engine

import "errors"

// promptState is where a log-off prompt (2165 after a migration, 2166 after a rollback) to one
// endpoint stands (docs/BEHAVIOR.md B-3.1, B-3.5).
type promptState uint8

const (
	promptNone  promptState = iota
	promptSent              // the NOTIFY is on its way; not yet known to have reached the client
	promptShown             // the client has it; signing out answers it (prompt.accepted)
)

// pendingPrompt is a prompt sent and not yet traced. Delivery reports come back in any order (one
// subscription's NOTIFY may be answered before another's); a user's prompt.shown events are traced
// in the order the prompts were sent, so the trace stays the same from run to run (D-5).
type pendingPrompt struct {
	ep       *endpoint
	diag     int
	reported bool
	err      error
}

// errNoListener is the fate of a notification when nothing listens (an engine without a front end).
var errNoListener = errors.New("no listener")

// promptLocked marks ep as prompted and queues the notification carrying the prompt: prompt.shown
// is traced once the listener reports it delivered; if it was not, the endpoint owes no answer.
func (e *Engine) promptLocked(u *user, ep *endpoint, n Notification, diag int) {
	if ep.prompt == promptNone {
		ep.prompt = promptSent // one already shown stays shown whatever becomes of this one
	}
	p := &pendingPrompt{ep: ep, diag: diag}
	u.prompts = append(u.prompts, p)
	n.report = func(err error) { e.promptReported(u, p, err) }
	e.notifyLocked(n)
}

// promptReported records the fate of a prompt and traces, in sending order, every prompt of the
// user whose fate is known. A prompt to an endpoint that signed out meanwhile is forgotten; one
// that did not reach its endpoint leaves it owing no answer (its notify.failed or notify.timeout
// says why).
func (e *Engine) promptReported(u *user, p *pendingPrompt, err error) {
	e.lock()
	defer e.unlock()
	if p.reported {
		return
	}
	p.reported, p.err = true, err
	for len(u.prompts) > 0 && u.prompts[0].reported {
		q := u.prompts[0]
		u.prompts = u.prompts[1:]
		if u.endpoints[q.ep.id] != q.ep {
			continue
		}
		if q.err != nil {
			if q.ep.prompt == promptSent {
				q.ep.prompt = promptNone
			}
			continue
		}
		q.ep.prompt = promptShown
		e.emitLocked(EventPromptShown, u.sip, map[string]any{"endpoint": q.ep.id, "diag": q.diag})
	}
}
