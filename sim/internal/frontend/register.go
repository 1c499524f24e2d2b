package frontend

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ucssim/ucssim/engine"
)

// registration is one registered endpoint of a user.
type registration struct {
	key       endpointKey
	source    string // remote address the REGISTER came from (the TCP connection)
	transport string
	expires   time.Time
	cancel    func()
	// signedIn is set once the engine's SignIn ran for this endpoint (first roaming-contacts
	// SUBSCRIBE); kind and readsFrom are what it answered.
	signedIn  bool
	kind      engine.ClientKind
	readsFrom engine.ReadsFrom
}

func (r *registration) stop() {
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
}

// identify finds the user (To) and endpoint (From epid) of a request. On failure it answered
// the request and returns ok=false.
func (s *Server) identify(req *sip.Request, tx sip.ServerTransaction, needEpid bool) (key endpointKey, ok bool) {
	to, from := req.To(), req.From()
	if to == nil || from == nil {
		s.refuse(tx, req, 400, "Bad Request", "missing To or From header")
		return key, false
	}
	if to.Address.User == "" || to.Address.Host == "" {
		s.refuse(tx, req, 400, "Bad Request", "To is not sip:alias@domain")
		return key, false
	}
	user, err := s.cfg.Engine.ResolveUser(userURI(to.Address))
	if err != nil {
		why := err.Error()
		if errors.Is(err, engine.ErrUnknownUser) {
			why = fmt.Sprintf("user %s is not homed on this pool", userURI(to.Address))
		}
		s.refuseErr(tx, req, why, err)
		return key, false
	}
	key.user = user
	if epid, has := from.Params.Get("epid"); has && epid != "" {
		if len(epid) > MaxEpidLength {
			s.refuse(tx, req, 400, "Bad Request", fmt.Sprintf("From epid is longer than %d bytes", MaxEpidLength))
			return key, false
		}
		key.epid = epid
	} else if derived := s.derivedEpid(req, user); derived != "" {
		// A standard SIP user agent sends no epid: name its endpoint after its +sip.instance,
		// the registration on the same connection, or its Contact.
		key.epid = derived
	} else if needEpid {
		s.refuse(tx, req, 400, "Bad Request", "From header has no epid parameter")
		return key, false
	}
	return key, true
}

func (s *Server) onRegister(req *sip.Request, tx sip.ServerTransaction) {
	key, ok := s.identify(req, tx, true)
	if !ok {
		return
	}
	if host := strings.ToLower(req.Recipient.Host); !s.servesHost(host, key.user) {
		s.refuse(tx, req, 404, "Not Found", fmt.Sprintf("domain %s is not served by %s", host, s.cfg.Pool))
		return
	}
	secs, has, err := expiresOf(req)
	if err != nil {
		s.refuse(tx, req, 400, "Bad Request", err.Error())
		return
	}
	contact := req.Contact()
	if !has && contact != nil {
		if v, ok := contact.Params.Get("expires"); ok {
			if _, err := fmt.Sscanf(v, "%d", &secs); err != nil || secs < 0 {
				s.refuse(tx, req, 400, "Bad Request", fmt.Sprintf("Contact expires=%q is not a number of seconds", v))
				return
			}
			has = true
		}
	}
	if has && secs == 0 {
		s.unregister(key, nil)
		s.respond(tx, req, 200, "OK", nil, sip.NewHeader("Expires", "0"))
		return
	}
	if contact == nil {
		s.refuse(tx, req, 400, "Bad Request", "REGISTER has no Contact header")
		return
	}
	granted := int(s.cfg.RegisterExpiry / time.Second)
	if has && secs < granted {
		granted = secs
	}
	s.mu.Lock()
	if s.closed || s.gone[req.Source()] {
		s.mu.Unlock()
		s.refuse(tx, req, 503, "Service Unavailable", "connection is closing")
		return
	}
	reg := s.regs[key]
	if reg == nil {
		if s.perUser[key.user] >= MaxEndpointsPerUser {
			s.mu.Unlock()
			s.refuse(tx, req, 403, "Forbidden", fmt.Sprintf("%s already has %d registered endpoints (MaxEndpointsPerUser)", key.user, MaxEndpointsPerUser))
			return
		}
		reg = &registration{key: key}
		s.regs[key] = reg
		s.perUser[key.user]++
	}
	reg.stop()
	reg.source, reg.transport = req.Source(), req.Transport()
	reg.expires = s.cfg.Clock.Now().Add(time.Duration(granted) * time.Second)
	reg.cancel = s.cfg.Scheduler.At(reg.expires, "sip.registration.expiry", func() { s.unregister(key, reg) })
	s.mu.Unlock()

	instance, _ := contact.Params.Get("+sip.instance")
	value := fmt.Sprintf("<%s>;expires=%d", contact.Address.String(), granted)
	if instance != "" {
		value += ";+sip.instance=" + quote(instance)
	}
	value += ";gruu=" + quoteString(fmt.Sprintf("%s;opaque=user:epid:%s;gruu", key.user, key.epid))
	s.respond(tx, req, 200, "OK", nil,
		sip.NewHeader("Contact", value),
		sip.NewHeader("Expires", fmt.Sprint(granted)),
		// One value per Supported line and no spaces in Allow-Events: pidgin-sipe compares each
		// Supported header value whole and splits Allow-Events on "," without trimming.
		sip.NewHeader("Supported", "adhoclist"),
		sip.NewHeader("Supported", "msrtc-event-categories"),
		sip.NewHeader("Allow-Events", allowEvents),
	)
}

// derivedEpid names the endpoint of a request without epid (a standard SIP user agent): from
// the Contact's +sip.instance (RFC 5626), else the endpoint this user registered over the same
// connection, else the Contact URI. "" when the request has none of them.
func (s *Server) derivedEpid(req *sip.Request, user string) string {
	c := req.Contact()
	if c != nil {
		if inst, ok := c.Params.Get("+sip.instance"); ok && strings.Trim(inst, `"<>`) != "" {
			return epidOf(strings.Trim(inst, `"<>`))
		}
	}
	if req.Method != sip.REGISTER {
		s.mu.Lock()
		found := ""
		for k, r := range s.regs {
			if k.user == user && r.source == req.Source() {
				if found != "" {
					found = "" // several endpoints on one connection: ambiguous
					break
				}
				found = k.epid
			}
		}
		s.mu.Unlock()
		if found != "" {
			return found
		}
	}
	if c != nil && c.Address.Host != "" {
		u := c.Address
		return epidOf(strings.ToLower(u.User + "@" + u.Host + ":" + fmt.Sprint(u.Port)))
	}
	return ""
}

// epidOf is a stable 10-hex-digit endpoint id, the length Lync clients use.
func epidOf(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:5])
}

// quote puts a parameter value in double quotes unless sipgo kept them; what is inside is
// escaped as a quoted-string.
func quote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	return quoteString(v)
}

// quoteString renders v as an RFC 3261 quoted-string: a double quote, backslash or control
// character from the wire (an epid, an instance id) is a quoted-pair and cannot end the value.
// CR and LF never get here: requests holding them are refused.
func quoteString(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\r' || c == '\n':
			b.WriteByte(' ')
		case c < 0x20 || c == 0x7f:
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// servesHost reports whether a REGISTER Request-URI host is this pool: the user's domain, the
// pool FQDN, or an address literal (outside tools address the socket).
func (s *Server) servesHost(host, user string) bool {
	if host == strings.ToLower(s.cfg.Pool) || host == "localhost" {
		return true
	}
	if _, domain, ok := strings.Cut(user, "@"); ok && strings.EqualFold(domain, host) {
		return true
	}
	return net.ParseIP(strings.Trim(host, "[]")) != nil
}

// unregister removes an endpoint, ends its subscriptions without NOTIFY and signs it out of the
// engine if it had signed in. With only set, it acts only if that registration is still current
// (a stale expiry timer does nothing).
func (s *Server) unregister(key endpointKey, only *registration) {
	s.mu.Lock()
	reg := s.regs[key]
	if reg == nil || (only != nil && reg != only) {
		s.mu.Unlock()
		return
	}
	delete(s.regs, key)
	if s.perUser[key.user]--; s.perUser[key.user] <= 0 {
		delete(s.perUser, key.user)
	}
	reg.stop()
	for _, sub := range s.subs {
		if sub.key == key {
			s.removeSubLocked(sub)
		}
	}
	signed := reg.signedIn
	s.mu.Unlock()
	if signed {
		s.cfg.Engine.SignOut(key.user, key.epid)
	}
}

// hasEndpointOn reports whether an endpoint is registered, or a subscription lives, over the
// TCP connection from remote.
func (s *Server) hasEndpointOn(remote string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.regs {
		if r.source == remote {
			return true
		}
	}
	for _, sub := range s.subs {
		if sub.source == remote {
			return true
		}
	}
	return false
}

// connectionOpened forgets an earlier closed connection from the same address (ports are reused).
func (s *Server) connectionOpened(remote string) {
	s.mu.Lock()
	delete(s.gone, remote)
	s.mu.Unlock()
}

// connectionClosed signs out every endpoint registered over a closed TCP connection.
func (s *Server) connectionClosed(remote string) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.gone[remote] = true
	s.goneOrder = append(s.goneOrder, remote)
	for len(s.goneOrder) > MaxClosedConnections {
		delete(s.gone, s.goneOrder[0])
		s.goneOrder = s.goneOrder[1:]
	}
	var keys []endpointKey
	for k, r := range s.regs {
		if r.source == remote {
			keys = append(keys, k)
		}
	}
	for _, sub := range s.subs {
		if sub.source == remote {
			s.removeSubLocked(sub)
		}
	}
	s.mu.Unlock()
	for _, k := range keys {
		s.unregister(k, nil)
	}
}
