package ews

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
)

// authenticate checks Basic (a known user) or Bearer (signed under the trust key, unexpired).
func (s *Server) authenticate(r *http.Request, now time.Time) (caller, bool) {
	auth := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(auth, " ")
	cred = strings.TrimSpace(cred)
	switch strings.ToLower(scheme) {
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return caller{}, false
		}
		user, password, _ := strings.Cut(string(raw), ":")
		user = strings.ToLower(user)
		s.mu.Lock()
		mb := s.mailboxes[user]
		s.mu.Unlock()
		if mb == nil {
			return caller{name: user}, false
		}
		mb.mu.Lock()
		want := mb.password
		mb.mu.Unlock()
		if want != "" && subtle.ConstantTimeCompare([]byte(password), []byte(want)) != 1 {
			return caller{name: user}, false
		}
		return caller{name: user}, true
	case "bearer":
		s.mu.Lock()
		key := s.cfg.TrustKey
		s.mu.Unlock()
		if s.verified.check(key, cred, now) != nil {
			return caller{}, false
		}
		return caller{name: "server", byServer: true}, true
	}
	return caller{}, false
}

// target resolves the mailbox a request acts on (docs/PROTOCOLS.md 2.1).
func (s *Server) target(r *http.Request, who caller, env *node) (*mailbox, *ewsError) {
	imp := ""
	if sid := env.path("Header", "ExchangeImpersonation", "ConnectingSID"); sid != nil {
		for _, name := range []string{"SmtpAddress", "PrimarySmtpAddress", "PrincipalName"} {
			if v := sid.child(name).text(); v != "" {
				imp = strings.ToLower(v)
				break
			}
		}
		if imp == "" {
			return nil, faultErr(engine.CodeSchemaValidation, "ExchangeImpersonation/ConnectingSID names no SmtpAddress")
		}
	}
	anchor := strings.ToLower(strings.TrimSpace(r.Header.Get(HeaderAnchor)))
	var want string
	if who.byServer {
		switch {
		case imp != "" && anchor != "" && imp != anchor:
			return nil, faultErr(engine.CodeAccessDenied, fmt.Sprintf("ExchangeImpersonation (%s) and X-AnchorMailbox (%s) disagree", imp, anchor))
		case imp != "":
			want = imp
		case anchor != "":
			want = anchor
		default:
			return nil, faultErr(engine.CodeAccessDenied, "a Bearer caller must name the target mailbox (ExchangeImpersonation or X-AnchorMailbox)")
		}
	} else {
		if imp != "" && imp != who.name {
			return nil, faultErr(engine.CodeImpersonateDenied, fmt.Sprintf("%s may not impersonate %s", who.name, imp))
		}
		if anchor != "" && anchor != who.name {
			return nil, faultErr(engine.CodeAccessDenied, fmt.Sprintf("%s may not open the mailbox of %s", who.name, anchor))
		}
		want = who.name
	}
	s.mu.Lock()
	mb := s.mailboxes[want]
	s.mu.Unlock()
	if mb == nil {
		return nil, faultErr(engine.CodeNonExistentMailbox, fmt.Sprintf("no mailbox exists for %s", want))
	}
	mb.mu.Lock()
	kind := mb.kind
	mb.mu.Unlock()
	if kind != engine.MailboxExchange2013 {
		return mb, faultErr(engine.CodeNonExistentMailbox, fmt.Sprintf("%s has no Exchange 2013 mailbox (%s)", want, kind))
	}
	return mb, nil
}
