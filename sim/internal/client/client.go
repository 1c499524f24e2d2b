package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/ucssim/ucssim/engine"
)

// Client is one simulated endpoint. Its methods are safe for concurrent use; a client signs in
// at most once at a time.
type Client struct {
	cfg    Config
	alias  string // alias@domain: the mailbox
	domain string
	ua     *sipgo.UserAgent
	sipc   *sipgo.Client
	srv    *sipgo.Server

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// ops serialises the user-facing operations (sign-in, edits, sign-out).
	ops sync.Mutex

	mu        sync.Mutex
	closed    bool
	signedIn  bool
	readsFrom engine.ReadsFrom
	deltaNum  int
	groups    map[int]engine.Group
	contacts  map[string]engine.Contact
	exchange  engine.ImList
	prompt    bool
	prompts   []string

	regCallID string
	regTag    string
	regCSeq   uint32
	regCancel func()
	gruu      string // granted by the REGISTER answer
	roaming   *dialog
	mailbox   Mailbox
	rereading bool
	dirty     bool
	// retryCancel cancels an armed re-read after a failed read from Exchange.
	retryCancel func()

	// connMu guards conn, the connection to the front end when Config.Dial makes it (wire.go).
	connMu sync.Mutex
	conn   *watchedConn
}

// dialog is the client's side of its roaming-contacts subscription.
type dialog struct {
	callID, localTag, remoteTag string
	cseq                        uint32
	cancel                      func()
}

// New builds a client; SignIn connects it.
func New(cfg Config) (*Client, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	parser := sip.NewParser()
	parser.MaxMessageLength = lyncwire.MaxMessageLength
	ua, err := sipgo.NewUA(
		sipgo.WithUserAgent(userAgent(cfg.Kind)),
		sipgo.WithUserAgentParser(parser),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(cfg.Logger)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(cfg.Logger), sip.WithTransactionLayerTerminateOnConnClose()),
	)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	sipc, err := sipgo.NewClient(ua, sipgo.WithClientLogger(cfg.Logger))
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(cfg.Logger))
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	alias := strings.TrimPrefix(cfg.User, "sip:")
	_, domain, _ := strings.Cut(alias, "@")
	c := &Client{cfg: cfg, alias: alias, domain: domain, ua: ua, sipc: sipc, srv: srv,
		groups: map[int]engine.Group{}, contacts: map[string]engine.Contact{}}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	srv.OnNotify(c.onNotify)
	srv.OnRequest(lyncwire.MethodBENOTIFY, c.onNotify)
	srv.OnNoRoute(func(req *sip.Request, tx sip.ServerTransaction) {
		if tx != nil {
			_ = tx.Respond(sip.NewResponseFromRequest(req, 405, "Method Not Allowed", nil))
		}
	})
	return c, nil
}

func userAgent(k engine.ClientKind) string {
	switch k {
	case engine.Lync2013:
		return "UCCAPI/15.0.4481.1000 OC/15.0.4481.1000 (Microsoft Lync)"
	case engine.Mobile:
		return "UCCAPI/4.0.7577.0 (Microsoft Lync 2010 Mobile)"
	}
	return "UCCAPI/4.0.7577.0 OC/4.0.7577.0 (Microsoft Lync 2010)"
}

// SIPError is a SIP request the front end refused.
type SIPError struct {
	Method  string
	Status  int
	Reason  string
	Diag    int    // ms-diagnostics code, 0 if none
	Warning string // the server's precise reason, if given
}

func (e *SIPError) Error() string {
	s := fmt.Sprintf("%s refused: %d %s", e.Method, e.Status, e.Reason)
	if e.Diag != 0 {
		s += fmt.Sprintf(" (ms-diagnostics %d)", e.Diag)
	}
	if e.Warning != "" {
		s += ": " + e.Warning
	}
	return s
}

// ErrPromptShowing is returned by edits while the log-off prompt shows.
var ErrPromptShowing = errors.New("client: the log-off prompt is showing; accept it (sign out and in) first")

// ErrNotSignedIn is returned by operations that need a signed-in client.
var ErrNotSignedIn = errors.New("client: not signed in")

// do sends one request to the front end and waits for its final answer, counting it for
// quiescence meanwhile. A non-2xx answer is a *SIPError.
func (c *Client) do(ctx context.Context, req *sip.Request) (*sip.Response, error) {
	end := c.cfg.Counter.Begin("client.sip." + req.Method.String())
	defer end()
	req.SetDestination(c.cfg.Server)
	req.SetTransport("TCP")
	if err := c.connect(ctx); err != nil {
		return nil, fmt.Errorf("client %s: %s: %w", c.cfg.Endpoint, req.Method, err)
	}
	res, err := c.sipc.Do(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("client %s: %s: %w", c.cfg.Endpoint, req.Method, err)
	}
	if !res.IsSuccess() {
		return res, responseError(req.Method.String(), res)
	}
	return res, nil
}

func responseError(method string, res *sip.Response) *SIPError {
	e := &SIPError{Method: method, Status: res.StatusCode, Reason: res.Reason, Diag: lyncwire.DiagnosticsCode(res)}
	if w := res.GetHeader("Warning"); w != nil {
		v := w.Value()
		if i := strings.IndexByte(v, '"'); i >= 0 {
			v = strings.Trim(v[i:], "\"")
		}
		e.Warning = v
	}
	return e
}

// newRequest builds an out-of-dialog request from the user to target.
func (c *Client) newRequest(method sip.RequestMethod, target sip.Uri, callID, tag string, cseq uint32) *sip.Request {
	req := sip.NewRequest(method, target)
	from := &sip.FromHeader{Address: c.userURI(), Params: sip.NewParams()}
	from.Params.Add("tag", tag)
	from.Params.Add("epid", c.cfg.Endpoint)
	to := &sip.ToHeader{Address: c.userURI(), Params: sip.NewParams()}
	cid := sip.CallIDHeader(callID)
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(&cid)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: cseq, MethodName: method})
	req.AppendHeader(sip.NewHeader("User-Agent", userAgent(c.cfg.Kind)))
	return req
}

func (c *Client) userURI() sip.Uri {
	alias, _, _ := strings.Cut(c.alias, "@")
	return sip.Uri{Scheme: "sip", User: alias, Host: c.domain}
}

func (c *Client) contactHeader() sip.Header {
	return sip.NewHeader("Contact", fmt.Sprintf(`<sip:%s@127.0.0.1;transport=tcp>;methods="INVITE, MESSAGE, INFO, SUBSCRIBE, OPTIONS, BYE, CANCEL, NOTIFY, ACK, REFER, BENOTIFY";proxy=replace;+sip.instance="<urn:uuid:%s>"`,
		c.userURI().User, instanceUUID(c.alias, c.cfg.Endpoint)))
}

// Close signs nothing out explicitly: it closes the TCP connection, which the front end treats as
// a sign-out of the endpoint.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.stopTimersLocked()
	c.signedIn = false
	c.mu.Unlock()
	c.cancel()
	err := c.ua.Close()
	c.wg.Wait()
	return err
}

func (c *Client) stopTimersLocked() {
	if c.retryCancel != nil {
		c.retryCancel()
		c.retryCancel = nil
	}
	if c.regCancel != nil {
		c.regCancel()
		c.regCancel = nil
	}
	if c.roaming != nil && c.roaming.cancel != nil {
		c.roaming.cancel()
		c.roaming.cancel = nil
	}
}
