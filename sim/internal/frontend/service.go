package frontend

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"

	"github.com/emiago/sipgo/sip"

	"github.com/ucssim/ucssim/engine"
)

func (s *Server) onService(req *sip.Request, tx sip.ServerTransaction) {
	key, ok := s.identify(req, tx, false)
	if !ok {
		return
	}
	if !strings.EqualFold(userURI(req.From().Address), userURI(req.To().Address)) {
		s.refuse(tx, req, 403, "Forbidden", "SERVICE only on one's own contact list: From and To must be the same user")
		return
	}
	// The writer's own delta goes out only after this answer (docs/PROTOCOLS.md 1.5).
	held := s.hold(key)
	defer s.release(held)
	res := s.service(key, req)
	res.send(s, tx, req)
}

// serviceAnswer is the outcome of a SERVICE request, decided without touching the transaction
// (the fuzz target drives it directly).
type serviceAnswer struct {
	code   int
	reason string
	why    string // Warning text of an error answer
	diag   sip.Header
	body   []byte
}

func (a serviceAnswer) send(s *Server, tx sip.ServerTransaction, req *sip.Request) {
	var hdrs []sip.Header
	if a.diag != nil {
		hdrs = append(hdrs, a.diag)
	}
	if a.code >= 300 {
		s.refuse(tx, req, a.code, a.reason, a.why, hdrs...)
		return
	}
	if a.body != nil {
		hdrs = append(hdrs, sip.NewHeader("Content-Type", lyncwire.ContentTypeSOAP))
	}
	s.respond(tx, req, a.code, a.reason, a.body, hdrs...)
}

func (s *Server) service(key endpointKey, req *sip.Request) serviceAnswer {
	ct := req.GetHeader("Content-Type")
	if ct == nil || !strings.EqualFold(strings.TrimSpace(strings.SplitN(ct.Value(), ";", 2)[0]), lyncwire.ContentTypeSOAP) {
		return serviceAnswer{code: 400, reason: "Bad Request", why: "Content-Type must be " + lyncwire.ContentTypeSOAP}
	}
	if len(req.Body()) > lyncwire.MaxServiceBody {
		return serviceAnswer{code: 413, reason: "Request Entity Too Large",
			why: fmt.Sprintf("SERVICE body of %d bytes exceeds %d", len(req.Body()), lyncwire.MaxServiceBody)}
	}
	op, err := lyncwire.ParseServiceOp(req.Body())
	if err != nil {
		return serviceAnswer{code: 400, reason: "Bad Request", why: err.Error()}
	}
	result, err := s.cfg.Engine.Apply(key.user, key.epid, op)
	if err != nil {
		var r *engine.Refusal
		if errors.As(err, &r) {
			a := serviceAnswer{code: r.Status, reason: statusText(r.Status), why: r.Reason}
			if r.Diag != 0 {
				a.diag = lyncwire.Diagnostics(r.Diag, r.Reason)
			}
			return a
		}
		code, reason := answerFor(err)
		return serviceAnswer{code: code, reason: reason, why: err.Error()}
	}
	a := serviceAnswer{code: 200, reason: "OK"}
	if op.Kind == engine.OpAddGroup {
		a.body = lyncwire.EncodeAddGroupResult(result.GroupID)
	}
	return a
}

func statusText(code int) string {
	switch code {
	case 400:
		return "Bad Request"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 409:
		return "Conflict"
	}
	return "Request Failed"
}

// answerFor is the SIP answer to an engine error, decided by the error's kind (errors.Is/As on the
// engine's sentinels and *engine.Refusal), never by its text, and never by resolving the user again.
func answerFor(err error) (code int, reason string) {
	var r *engine.Refusal
	switch {
	case errors.As(err, &r):
		return r.Status, statusText(r.Status)
	case errors.Is(err, engine.ErrUnknownUser):
		return 404, "Not Found"
	case errors.Is(err, engine.ErrAmbiguousUser):
		return 485, "Ambiguous"
	}
	return 500, "Server Internal Error"
}

// refuseErr answers a request with the SIP answer of an engine error (answerFor) and why.
func (s *Server) refuseErr(tx sip.ServerTransaction, req *sip.Request, why string, err error) {
	code, reason := answerFor(err)
	s.refuse(tx, req, code, reason, why)
}
