package ews_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
	"github.com/ucssim/ucssim/sim/vclock"
)

var trustKey = []byte("litwareinc server-to-server trust")

const (
	ken   = "kenmyer@litwareinc.com"
	pilar = "pilar@litwareinc.com"
	old   = "oldbox@litwareinc.com"
)

// world is a started mock with a virtual clock and a record of OnChange calls.
type world struct {
	sched   *vclock.Scheduler
	srv     *ews.Server
	base    string
	in      *ews.Insiders // in-process connections (the spec's callers that hold a unit)
	mu      sync.Mutex
	changes []string
}

type worldOpt func(*ews.Config)

func newWorld(opts ...worldOpt) *world {
	w := &world{sched: vclock.New(vclock.DefaultStart), in: ews.NewInsiders()}
	cfg := ews.Config{
		Clock: w.sched.Clock(), Sleeper: w.sched, Counter: w.sched.Tracker(), Insiders: w.in,
		TrustKey: trustKey, Seed: 42,
		OnChange: func(mb string, byServer bool) {
			w.mu.Lock()
			defer w.mu.Unlock()
			who := "client"
			if byServer {
				who = "server"
			}
			w.changes = append(w.changes, mb+" by "+who)
		},
	}
	for _, o := range opts {
		o(&cfg)
	}
	w.srv = ews.NewServer(cfg)
	w.srv.AddMailbox(ken, "Ken Myer", engine.MailboxExchange2013)
	w.srv.AddMailbox(pilar, "Pilar Ackerman", engine.MailboxExchange2013)
	w.srv.AddMailbox(old, "Old Box", engine.MailboxExchange2010)
	base, err := w.srv.Start("127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	w.base = base
	DeferCleanup(w.srv.Close)
	return w
}

func (w *world) Changes() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.changes...)
}

// engineClient is the Lync Server: Bearer under the trust key, tokens on the virtual clock.
func (w *world) engineClient() *ews.Client {
	return ews.NewClient(ews.ClientConfig{BaseURL: w.base, Token: func() string {
		return ews.SignToken(trustKey, "lync", w.sched.Now(), time.Hour)
	}})
}

// userClient is a Lync 2013 client or outside tool with Basic auth.
func (w *world) userClient(user string) *ews.Client {
	return ews.NewClient(ews.ClientConfig{BaseURL: w.base, Basic: user})
}

var ctx = context.Background()

// post sends a raw body to a path with headers, returning status, headers and body.
func post(base, path, body string, headers map[string]string) (int, http.Header, string) {
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return resp.StatusCode, resp.Header, string(data)
}

func basicHeader(user string) map[string]string {
	return map[string]string{"Authorization": "Basic " + b64(user+":pw")}
}

// envelope wraps an operation element (already in m:) in a SOAP request.
func envelope(header, op string) string {
	return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ` +
		`xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">` +
		`<soap:Header>` + header + `</soap:Header><soap:Body>` + op + `</soap:Body></soap:Envelope>`
}

// recorder keeps the bodies of requests and answers that pass through it.
type recorder struct {
	mu        sync.Mutex
	requests  [][]byte
	responses [][]byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	r.mu.Lock()
	r.requests = append(r.requests, body)
	r.responses = append(r.responses, data)
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) last() (req, resp []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests[len(r.requests)-1], r.responses[len(r.responses)-1]
}

// byName finds a group of a list by display name.
func byName(l engine.ImList, name string) engine.ImGroup {
	for _, g := range l.Groups {
		if g.DisplayName == name {
			return g
		}
	}
	Fail("no group " + name)
	return engine.ImGroup{}
}

func addresses(l engine.ImList) []string {
	var out []string
	for _, c := range l.Contacts {
		out = append(out, c.IMAddress)
	}
	return out
}

func code(err error) string { return engine.ExchangeCode(err) }

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func contextWithCancel() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
