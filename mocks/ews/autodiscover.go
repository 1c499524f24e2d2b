package ews

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ucssim/ucssim/engine"
)

// serveAutodiscover answers POX autodiscover (docs/PROTOCOLS.md 2.9).
func (s *Server) serveAutodiscover(x *exchange, who caller, doc *node, readErr, parseErr error) {
	if readErr != nil || parseErr != nil || doc == nil || doc.Local != "Autodiscover" || doc.Space != NSAutodiscoverRequest {
		x.entry.Result = "ErrorCode 600"
		x.writeXML(http.StatusOK, "text/xml; charset=utf-8", autodiscoverError(x, "600", "Invalid Request",
			"the body is not an Outlook POX Autodiscover request"))
		return
	}
	addr := strings.ToLower(doc.path("Request", "EMailAddress").text())
	x.entry.Mailbox = addr
	if f, ok := s.effectiveFault(addr, x.arrival); ok {
		if s.refuseByFault(x, f) || !s.hold(x, f) {
			return
		}
	}
	s.mu.Lock()
	mb := s.mailboxes[addr]
	s.mu.Unlock()
	var kind engine.MailboxKind
	display := addr
	if mb != nil {
		mb.mu.Lock()
		kind, display = mb.kind, mb.display
		mb.mu.Unlock()
	}
	switch {
	case addr == "":
		x.entry.Result = "ErrorCode 600"
		x.writeXML(http.StatusOK, "text/xml; charset=utf-8", autodiscoverError(x, "600", "Invalid Request", "EMailAddress is missing"))
		return
	case !who.byServer && addr != who.name:
		x.entry.Result = "ErrorCode 500"
		x.writeXML(http.StatusOK, "text/xml; charset=utf-8", autodiscoverError(x, "500", "The e-mail address cannot be found.",
			fmt.Sprintf("%s may not discover the settings of %s", who.name, addr)))
		return
	case mb == nil || kind != engine.MailboxExchange2013:
		x.entry.Result = "ErrorCode 500"
		x.writeXML(http.StatusOK, "text/xml; charset=utf-8", autodiscoverError(x, "500", "The e-mail address cannot be found.",
			fmt.Sprintf("%s has no Exchange 2013 mailbox", addr)))
		return
	}
	ewsURL := "http://" + x.r.Host + "/EWS/Exchange.asmx"
	if base := s.BaseURL(); base != "" {
		ewsURL = base + "/EWS/Exchange.asmx"
	}
	var w xmlWriter
	w.raw(xmlDecl)
	w.open("Autodiscover", "xmlns", NSAutodiscoverResponse)
	w.open("Response", "xmlns", NSAutodiscoverOutlookResp)
	w.open("User")
	w.elem("DisplayName", display)
	w.elem("AutoDiscoverSMTPAddress", addr)
	w.close("User")
	w.open("Account")
	w.elem("AccountType", "email")
	w.elem("Action", "settings")
	for _, typ := range []string{"EXCH", "EXPR"} {
		w.open("Protocol")
		w.elem("Type", typ)
		w.elem("EwsUrl", ewsURL)
		w.close("Protocol")
	}
	w.close("Account")
	w.close("Response")
	w.close("Autodiscover")
	x.entry.Result = "NoError"
	x.writeXML(http.StatusOK, "text/xml; charset=utf-8", w.bytes())
}

func autodiscoverError(x *exchange, code, msg, debug string) []byte {
	var w xmlWriter
	w.raw(xmlDecl)
	w.open("Autodiscover", "xmlns", NSAutodiscoverResponse)
	w.open("Response")
	w.open("Error", "Time", x.arrival.UTC().Format("15:04:05.0000000"), "Id", strconv.FormatInt(x.arrival.Unix()%1000000000, 10))
	w.elem("ErrorCode", code)
	w.elem("Message", msg)
	w.elem("DebugData", debug)
	w.close("Error")
	w.close("Response")
	w.close("Autodiscover")
	return w.bytes()
}
