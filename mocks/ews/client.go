package ews

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ucssim/ucssim/engine"
)

// ClientConfig configures a Client: Basic (a Lync 2013 client or outside tool, own mailbox only)
// or Token (the Lync Server engine, any mailbox through impersonation).
type ClientConfig struct {
	BaseURL string       // "http://127.0.0.1:port"
	HTTP    *http.Client // nil: a client of its own
	Basic   string       // user alias@domain
	// Password of the Basic user; "" sends "ucssim" (the mock accepts any password unless the
	// world gives the user one).
	Password string
	Token    func() string
	// Insiders, with HTTP nil, makes the client's connections in-process ones whose caller holds
	// Held quiescence units while it waits (the one-unit convention: 1). Nothing is sent on the
	// wire for it.
	Insiders *Insiders
	Held     int
}

// Client speaks EWS to the mock (or any server with the same shapes). It implements
// engine.Exchange. Safe for concurrent use.
type Client struct {
	cfg    ClientConfig
	http   *http.Client
	mu     sync.Mutex
	ewsURL string
}

var _ engine.Exchange = (*Client)(nil)

// NewClient returns a client of the server at cfg.BaseURL.
func NewClient(cfg ClientConfig) *Client {
	hc := cfg.HTTP
	if hc == nil {
		hc = &http.Client{}
		if cfg.Insiders != nil {
			hc.Transport = cfg.Insiders.Transport(cfg.Held)
		}
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	cfg.BaseURL = base
	return &Client{cfg: cfg, http: hc, ewsURL: base + "/EWS/Exchange.asmx"}
}

// EWSURL is where EWS requests go: BaseURL's /EWS/Exchange.asmx until Autodiscover finds one.
func (c *Client) EWSURL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ewsURL
}

func (c *Client) authorize(req *http.Request) {
	switch {
	case c.cfg.Token != nil:
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token())
	case c.cfg.Basic != "":
		pw := c.cfg.Password
		if pw == "" {
			pw = "ucssim"
		}
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(c.cfg.Basic+":"+pw)))
	}
}

// maxAnswerBytes bounds the answer a client reads.
const maxAnswerBytes = 64 << 20

// readBody reads r to the end as io.ReadAll does, into a buffer of the announced size (a
// Content-Length, or -1; bounded by limit) so that a body arrives in one allocation, or none:
// the buffer comes from a pool, and releaseBody gives it back.
func readBody(r io.Reader, size, limit int64) ([]byte, error) {
	if size <= 0 || size > limit {
		return io.ReadAll(r)
	}
	b := bodyBuffer(size + 1) // one spare byte: the read that sees EOF needs room
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// bodyClasses are the capacities of pooled body buffers; a larger body gets a buffer of its own.
var bodyClasses = [...]int64{4 << 10, 32 << 10, 256 << 10}

var bodyPools [len(bodyClasses)]sync.Pool // of *[]byte

func bodyClass(n int64) int {
	for i, c := range bodyClasses {
		if n <= c {
			return i
		}
	}
	return -1
}

// bodyBuffer is an empty buffer with room for n bytes.
func bodyBuffer(n int64) []byte {
	i := bodyClass(n)
	if i < 0 {
		return make([]byte, 0, n)
	}
	if p, ok := bodyPools[i].Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return make([]byte, 0, bodyClasses[i])
}

// releaseBody recycles a buffer from readBody once nothing refers to its bytes (parseXML copies
// what its tree keeps).
func releaseBody(b []byte) {
	if i := bodyClass(int64(cap(b))); i >= 0 && int64(cap(b)) == bodyClasses[i] {
		bodyPools[i].Put(&b)
	}
}

// post sends body and returns the parsed answer, or a *engine.TransportError.
func (c *Client) post(ctx context.Context, op, url, contentType string, body []byte) (*node, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, 0, &engine.TransportError{Operation: op, Err: err}
	}
	req.Header.Set("Content-Type", contentType)
	c.authorize(req)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, &engine.TransportError{Operation: op, Err: err}
	}
	defer resp.Body.Close()
	data, err := readBody(io.LimitReader(resp.Body, maxAnswerBytes), resp.ContentLength, maxAnswerBytes)
	if err != nil {
		return nil, resp.StatusCode, &engine.TransportError{Operation: op, StatusCode: resp.StatusCode, Err: err}
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusInternalServerError {
		return nil, resp.StatusCode, &engine.TransportError{Operation: op, StatusCode: resp.StatusCode,
			Err: fmt.Errorf("HTTP %d", resp.StatusCode)}
	}
	doc, err := parseXML(data)
	releaseBody(data)
	if err != nil {
		return nil, resp.StatusCode, &engine.TransportError{Operation: op, StatusCode: resp.StatusCode,
			Err: fmt.Errorf("answer is not XML: %w", err)}
	}
	return doc, resp.StatusCode, nil
}

// mailboxFor is the mailbox a call acts on: the given one, or the Basic user's own.
func (c *Client) mailboxFor(mailbox string) string {
	if mailbox == "" {
		return c.cfg.Basic
	}
	return stripSip(mailbox)
}

// soapRequest builds the envelope: impersonation (and X-AnchorMailbox) only when acting for
// another user than the Basic caller.
func (c *Client) soapRequest(mailbox string, op string, body func(w *xmlWriter), opAttrs ...string) []byte {
	var w xmlWriter
	w.b.Grow(1024) // the envelope alone is over 600 bytes
	w.raw(xmlDecl)
	w.open("soap:Envelope", "xmlns:soap", NSSoap, "xmlns:m", NSMessages, "xmlns:t", NSTypes)
	w.open("soap:Header")
	w.empty("t:RequestServerVersion", "Version", "Exchange2013")
	if mb := c.mailboxFor(mailbox); mb != "" && (c.cfg.Token != nil || !strings.EqualFold(mb, c.cfg.Basic)) {
		w.open("t:ExchangeImpersonation")
		w.open("t:ConnectingSID")
		w.elem("t:SmtpAddress", mb)
		w.close("t:ConnectingSID")
		w.close("t:ExchangeImpersonation")
	}
	w.close("soap:Header")
	w.open("soap:Body")
	w.open("m:"+op, opAttrs...)
	if body != nil {
		body(&w)
	}
	w.close("m:" + op)
	w.close("soap:Body")
	w.close("soap:Envelope")
	return w.bytes()
}

// call sends one EWS operation and returns its response element (m:<op>Response), having turned
// faults into *engine.ExchangeError.
func (c *Client) call(ctx context.Context, mailbox, op string, body func(w *xmlWriter), opAttrs ...string) (*node, error) {
	doc, status, err := c.post(ctx, op, c.EWSURL(), "text/xml; charset=utf-8", c.soapRequest(mailbox, op, body, opAttrs...))
	if err != nil {
		return nil, err
	}
	resp := soapOperation(doc)
	if resp == nil {
		return nil, &engine.TransportError{Operation: op, StatusCode: status, Err: fmt.Errorf("answer has no SOAP body element")}
	}
	if resp.Local == "Fault" {
		return nil, faultError(op, resp)
	}
	if status != http.StatusOK {
		return nil, &engine.TransportError{Operation: op, StatusCode: status, Err: fmt.Errorf("HTTP %d without a SOAP fault", status)}
	}
	if resp.Local != op+"Response" {
		return nil, &engine.TransportError{Operation: op, StatusCode: status, Err: fmt.Errorf("answer element %s, want %sResponse", resp.Local, op)}
	}
	return resp, nil
}

func faultError(op string, f *node) *engine.ExchangeError {
	d := f.child("detail")
	code := d.child("ResponseCode").text()
	if code == "" {
		code = f.child("faultcode").text()
		if i := strings.LastIndexByte(code, ':'); i >= 0 {
			code = code[i+1:]
		}
	}
	msg := d.child("Message").text()
	if msg == "" {
		msg = f.child("faultstring").text()
	}
	return &engine.ExchangeError{Operation: op, Code: code, Message: msg, BackOff: backOff(d.child("MessageXml"))}
}

func backOff(mx *node) time.Duration {
	for _, v := range mx.children("Value") {
		if v.attr("Name") == "BackOffMilliseconds" {
			if ms, err := strconv.ParseInt(v.text(), 10, 64); err == nil && ms > 0 {
				return time.Duration(ms) * time.Millisecond
			}
		}
	}
	return 0
}

// checkMessage turns a ResponseClass="Error" message into *engine.ExchangeError.
func checkMessage(op string, m *node) error {
	if m.attr("ResponseClass") == "Success" && m.child("ResponseCode").text() == "NoError" {
		return nil
	}
	code := m.child("ResponseCode").text()
	if code == "" {
		code = "ErrorInternalServerError"
	}
	return &engine.ExchangeError{Operation: op, Code: code, Message: m.child("MessageText").text(), BackOff: backOff(m.child("MessageXml"))}
}

// ucsCall is call plus the ResponseClass check of an unwrapped UCS answer.
func (c *Client) ucsCall(ctx context.Context, mailbox, op string, body func(w *xmlWriter)) (*node, error) {
	resp, err := c.call(ctx, mailbox, op, body)
	if err != nil {
		return nil, err
	}
	if err := checkMessage(op, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

func writeItemID(w *xmlWriter, elem string, id engine.ItemID) {
	if id.ChangeKey != "" {
		w.empty(elem, "Id", id.ID, "ChangeKey", id.ChangeKey)
		return
	}
	w.empty(elem, "Id", id.ID)
}

func readItemID(n *node) engine.ItemID {
	return engine.ItemID{ID: n.attr("Id"), ChangeKey: n.attr("ChangeKey")}
}
