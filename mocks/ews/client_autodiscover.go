package ews

import (
	"context"
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/engine"
)

// Autodiscover posts a POX autodiscover request for email (default: the Basic user) and returns
// the EXCH EwsUrl, which later calls use.
func (c *Client) Autodiscover(ctx context.Context, email string) (string, error) {
	if email == "" {
		email = c.cfg.Basic
	}
	var w xmlWriter
	w.raw(xmlDecl)
	w.open("Autodiscover", "xmlns", NSAutodiscoverRequest)
	w.open("Request")
	w.elem("EMailAddress", stripSip(email))
	w.elem("AcceptableResponseSchema", NSAutodiscoverOutlookResp)
	w.close("Request")
	w.close("Autodiscover")
	doc, _, err := c.post(ctx, "Autodiscover", c.cfg.BaseURL+"/autodiscover/autodiscover.xml", "text/xml", w.bytes())
	if err != nil {
		return "", err
	}
	resp := doc.child("Response")
	if e := resp.child("Error"); e != nil {
		return "", &engine.ExchangeError{Operation: "Autodiscover", Code: e.child("ErrorCode").text(),
			Message: strings.TrimSpace(e.child("Message").text() + " " + e.child("DebugData").text())}
	}
	var url string
	for _, p := range resp.path("Account").children("Protocol") {
		if p.child("Type").text() == "EXCH" {
			url = p.child("EwsUrl").text()
		}
	}
	if url == "" {
		return "", &engine.TransportError{Operation: "Autodiscover", StatusCode: 200, Err: fmt.Errorf("answer names no EXCH EwsUrl")}
	}
	c.mu.Lock()
	c.ewsURL = url
	c.mu.Unlock()
	return url, nil
}
