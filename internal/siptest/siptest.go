// Package siptest writes the raw SIP requests of specs that play an outside client over a bare
// socket (hostile and guest clients, the CLI's signal specs): Ken's requests in the Lync dialect,
// byte for byte as each spec sends them, so that the message layout lives in one place.
package siptest

import (
	"fmt"
	"strings"
)

// Request is a request without a body from Ken (sip:kenmyer@litwareinc.com): a REGISTER goes to
// the domain, anything else to Ken himself.
type Request struct {
	Method    string // REGISTER, SUBSCRIBE, ...
	Transport string // TCP, UDP or TLS, as the Via header names it (the Contact says it in lower case)
	Local     string // the sender's address, for Via and Contact
	Branch    string // the Via branch after the z9hG4bK magic cookie
	Tag       string // the From tag
	CallID    string
	Epid      string // the endpoint ID of the From header
	Extra     string // header lines, each ending in CRLF, put before Content-Length
}

// String is the request as it goes on the wire, CRLF line ends and Content-Length: 0.
func (r Request) String() string {
	ruri := "sip:kenmyer@litwareinc.com"
	if r.Method == "REGISTER" {
		ruri = "sip:litwareinc.com"
	}
	return fmt.Sprintf("%s %s SIP/2.0\r\nVia: SIP/2.0/%s %s;branch=z9hG4bK%s\r\nMax-Forwards: 70\r\n"+
		"From: <sip:kenmyer@litwareinc.com>;tag=%s;epid=%s\r\nTo: <sip:kenmyer@litwareinc.com>\r\nCall-ID: %s\r\n"+
		"CSeq: 1 %s\r\nContact: <sip:%s;transport=%s>\r\n%sContent-Length: 0\r\n\r\n",
		r.Method, ruri, r.Transport, r.Local, r.Branch, r.Tag, r.Epid, r.CallID, r.Method, r.Local,
		strings.ToLower(r.Transport), r.Extra)
}
