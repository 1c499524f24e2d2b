package ews

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
)

const (
	pathEWS          = "/ews/exchange.asmx"
	pathAutodiscover = "/autodiscover/autodiscover.xml"
	// HeaderAnchor names the target mailbox (alias@domain).
	HeaderAnchor = "X-AnchorMailbox"
)

// caller is an authenticated principal.
type caller struct {
	name     string // Basic user (lower case), or "server"
	byServer bool
}

// exchange is one request in flight.
type exchange struct {
	s        *Server
	w        http.ResponseWriter
	r        *http.Request
	arrival  time.Time
	entry    JournalEntry
	recorded bool
	// held is the number of quiescence units the in-process caller holds (Insiders); 0 for a
	// guest. unit is the request's own unit: an in-process request is counted from arrival, a
	// guest's only once it is fully read, so a slow or silent outside client never holds the
	// clock (docs/ARCHITECTURE.md D-8). A guest's is released once its answer is decided, before
	// it is written to a reader that may never read it; an in-process one once it is written.
	held    int
	insider bool
	unit    func()
}

// count takes the request's quiescence unit if it has none yet.
func (x *exchange) count() {
	if x.unit == nil && x.s.cfg.Counter != nil {
		x.unit = x.s.cfg.Counter.Begin("ews.request")
	}
}

// release gives the unit back (idempotent).
func (x *exchange) release() {
	if x.unit != nil {
		x.unit()
	}
}

// record journals the request once, before its answer is written, so a caller that has its
// answer always finds it in the journal.
func (x *exchange) record() {
	if !x.recorded {
		x.recorded = true
		x.s.journalAdd(x.entry)
	}
	if !x.insider {
		x.release()
	}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	x := &exchange{s: s, w: w, r: r, arrival: s.cfg.Clock.Now()}
	held, insider := s.cfg.Insiders.held(r.RemoteAddr)
	x.held, x.insider = held, insider
	if insider {
		x.count()
	}
	defer x.release()
	x.entry.Time = x.arrival
	defer x.record()

	path := strings.ToLower(r.URL.Path)
	if path != pathEWS && path != pathAutodiscover {
		x.status(http.StatusNotFound)
		return
	}
	if path == pathAutodiscover {
		x.entry.Operation = "Autodiscover"
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		x.status(http.StatusMethodNotAllowed)
		return
	}
	if f, ok := s.effectiveFault("", x.arrival); ok && s.refuseByFault(x, f) {
		return
	}
	body, readErr := readBody(http.MaxBytesReader(w, r.Body, MaxBodyBytes), r.ContentLength, MaxBodyBytes)
	x.count()
	if ne := net.Error(nil); errors.As(readErr, &ne) && ne.Timeout() {
		x.entry.Result = "timed out"
		x.record()
		if s.cfg.OnTimeout != nil {
			s.cfg.OnTimeout(fmt.Sprintf("%s %s from %s: the request body did not arrive within %s", r.Method, r.URL.Path, r.RemoteAddr, s.cfg.ReadTimeout))
		}
		return
	}
	var tree *node
	var parseErr error
	if readErr == nil {
		tree, parseErr = parseXML(body)
		releaseBody(body)
	}
	if path == pathEWS && tree != nil {
		if op := soapOperation(tree); op != nil {
			x.entry.Operation = op.Local
		}
	}
	who, ok := s.authenticate(r, x.arrival)
	x.entry.Caller = who.name
	if !ok {
		x.unauthorized()
		return
	}
	if path == pathAutodiscover {
		s.serveAutodiscover(x, who, tree, readErr, parseErr)
		return
	}
	s.serveEWS(x, who, tree, readErr, parseErr)
}

// refuseByFault answers down and unauthorized faults; it reports whether it answered.
func (s *Server) refuseByFault(x *exchange, f Fault) bool {
	switch f.Kind {
	case engine.FaultDown:
		x.status(http.StatusServiceUnavailable)
		return true
	case engine.FaultUnauthorized:
		x.unauthorized()
		return true
	}
	return false
}

// hold parks a request under the slow fault until arrival + latency; false if the caller left.
func (s *Server) hold(x *exchange, f Fault) bool {
	if f.Kind != engine.FaultSlow || s.cfg.Sleeper == nil {
		return true
	}
	d := x.arrival.Add(f.Latency).Sub(s.cfg.Clock.Now())
	if d <= 0 {
		return true
	}
	units := x.held
	if x.unit != nil {
		units++
	}
	if err := s.cfg.Sleeper.Sleep(x.r.Context(), d, units); err != nil {
		x.entry.Result = "canceled"
		return false
	}
	return true
}

func (x *exchange) status(code int) {
	x.entry.Result = "HTTP " + strconv.Itoa(code)
	x.record()
	x.w.WriteHeader(code)
}

func (x *exchange) unauthorized() {
	h := x.w.Header()
	h.Add("WWW-Authenticate", `Basic realm="ucssim"`)
	h.Add("WWW-Authenticate", "Bearer")
	x.status(http.StatusUnauthorized)
}

func (x *exchange) writeXML(code int, contentType string, body []byte) {
	x.w.Header().Set("Content-Type", contentType)
	x.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	x.record()
	x.w.WriteHeader(code)
	x.w.Write(body) //nolint:errcheck // the client may have gone
}

func (x *exchange) fault(e *ewsError) {
	x.entry.Result = e.Code
	x.writeXML(http.StatusInternalServerError, "text/xml; charset=utf-8", writeFault(e))
}

// soapOperation is the first element child of soap:Body, or nil.
func soapOperation(env *node) *node {
	if env.Local != "Envelope" || env.Space != NSSoap {
		return nil
	}
	body := env.child("Body")
	if body == nil || len(body.Children) == 0 {
		return nil
	}
	return body.Children[0]
}

func (s *Server) serveEWS(x *exchange, who caller, env *node, readErr, parseErr error) {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(readErr, &mbe):
		x.fault(faultErr(engine.CodeInvalidRequest, fmt.Sprintf("the request body exceeds %d bytes", MaxBodyBytes)))
		return
	case readErr != nil:
		x.fault(faultErr(engine.CodeSchemaValidation, "the request body could not be read: "+readErr.Error()))
		return
	case parseErr != nil:
		x.fault(faultErr(engine.CodeSchemaValidation, "the request is not well-formed XML: "+parseErr.Error()))
		return
	}
	if env.Local != "Envelope" || env.Space != NSSoap {
		x.fault(faultErr(engine.CodeSchemaValidation, fmt.Sprintf("the root element is {%s}%s, not a SOAP 1.1 Envelope", env.Space, env.Local)))
		return
	}
	op := soapOperation(env)
	if op == nil {
		x.fault(faultErr(engine.CodeSchemaValidation, "the SOAP Body has no operation element"))
		return
	}
	if op.Space != NSMessages {
		x.fault(faultErr(engine.CodeSchemaValidation, fmt.Sprintf("the operation element %s is in namespace %q, not %s", op.Local, op.Space, NSMessages)))
		return
	}
	h, known := operations[op.Local]
	if !known {
		x.fault(faultErr(engine.CodeInvalidRequest, fmt.Sprintf("the operation %s is not offered by this server", op.Local)))
		return
	}
	mb, e := s.target(x.r, who, env)
	if mb != nil {
		x.entry.Mailbox = mb.smtp
	}
	if e != nil {
		x.fault(e)
		return
	}
	if op.Local == "SetImListMigrationCompleted" && !who.byServer {
		x.fault(faultErr(engine.CodeAccessDenied, "only the Lync Server may call SetImListMigrationCompleted"))
		return
	}
	f, faulted := s.effectiveFault(mb.smtp, x.arrival)
	if faulted {
		if s.refuseByFault(x, f) {
			return
		}
		if !s.hold(x, f) {
			return
		}
		if f.Kind == engine.FaultBusy {
			x.fault(&ewsError{Code: engine.CodeServerBusy, Fault: true, BackOff: f.BackOff,
				Message: "the server cannot service this request right now; try again later"})
			return
		}
	}
	if backOff, ok := s.budgets.spend(s.cfg.Throttling, who.name, mb.smtp, x.arrival); !ok {
		x.fault(&ewsError{Code: engine.CodeServerBusy, Fault: true, BackOff: backOff,
			Message: "the server cannot service this request right now; try again later"})
		return
	}
	c := &call{s: s, mb: mb, op: op, byServer: who.byServer, now: s.cfg.Clock.Now()}
	w := getWriter()
	defer putWriter(w) // writeXML has handed the bytes to the connection by then
	beginEnvelope(w)
	mb.mu.Lock()
	code, changed, fe := h(c, w)
	mb.mu.Unlock()
	if fe != nil {
		x.fault(fe)
		return
	}
	endEnvelope(w)
	if changed && s.cfg.OnChange != nil {
		s.cfg.OnChange(mb.smtp, who.byServer)
	}
	if changed && !x.insider && s.cfg.OnGuestChange != nil {
		s.cfg.OnGuestChange(mb.smtp, who.name, op.Local)
	}
	x.entry.Result = code
	x.writeXML(http.StatusOK, "text/xml; charset=utf-8", w.bytes())
}
