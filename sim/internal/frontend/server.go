package frontend

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Allow is the Allow header of 405 answers and OPTIONS.
const Allow = "REGISTER, SUBSCRIBE, SERVICE, OPTIONS"

// Server is the SIP front end. It is safe for concurrent use.
type Server struct {
	cfg Config
	log *slog.Logger
	ua  *sipgo.UserAgent
	srv *sipgo.Server
	cli *sipgo.Client

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	tcp     net.Listener
	tls     net.Listener
	udp     net.PacketConn
	regs    map[endpointKey]*registration
	subs    map[dialogKey]*subscription
	roaming map[endpointKey]*subscription
	// perUser counts the registered endpoints of each user (MaxEndpointsPerUser).
	perUser map[string]int
	// gone holds the remote addresses of closed TCP connections, so a late request or
	// notification on one of them cannot resurrect its endpoints; goneOrder bounds it to the
	// MaxClosedConnections most recent.
	gone      map[string]bool
	goneOrder []string
}

// Bounds of the front end's memory under a flood (docs/ARCHITECTURE.md D-8).
const (
	// MaxEndpointsPerUser is how many endpoints one user may have registered at once, as the Lync
	// Server registrar's MaxEndpointsPerUser default; a REGISTER for one more gets 403.
	MaxEndpointsPerUser = 8
	// MaxClosedConnections is how many closed TCP connections the front end remembers.
	MaxClosedConnections = 1024
)

type endpointKey struct{ user, epid string }

// New builds a server; Start opens its sockets.
func New(cfg Config) (*Server, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	parser := sip.NewParser()
	parser.MaxMessageLength = cfg.MaxMessageLength
	ua, err := sipgo.NewUA(
		sipgo.WithUserAgent("RTC/5.0"),
		sipgo.WithUserAgentHostname(cfg.Pool),
		sipgo.WithUserAgentParser(parser),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(cfg.Logger)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(cfg.Logger), sip.WithTransactionLayerTerminateOnConnClose()),
	)
	if err != nil {
		return nil, fmt.Errorf("frontend: %w", err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(cfg.Logger))
	if err != nil {
		return nil, fmt.Errorf("frontend: %w", err)
	}
	cli, err := sipgo.NewClient(ua, sipgo.WithClientLogger(cfg.Logger))
	if err != nil {
		return nil, fmt.Errorf("frontend: %w", err)
	}
	s := &Server{
		cfg: cfg, log: cfg.Logger, ua: ua, srv: srv, cli: cli,
		regs:    map[endpointKey]*registration{},
		subs:    map[dialogKey]*subscription{},
		roaming: map[endpointKey]*subscription{},
		gone:    map[string]bool{},
		perUser: map[string]int{},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	srv.OnRegister(s.counted("REGISTER", s.onRegister))
	srv.OnSubscribe(s.counted("SUBSCRIBE", s.onSubscribe))
	srv.OnRequest(lyncwire.MethodService, s.counted("SERVICE", s.onService))
	srv.OnOptions(s.counted("OPTIONS", func(req *sip.Request, tx sip.ServerTransaction) {
		s.respond(tx, req, 200, "OK", nil, sip.NewHeader("Allow", Allow))
	}))
	srv.OnAck(func(*sip.Request, sip.ServerTransaction) {})
	srv.OnNoRoute(s.counted("other", func(req *sip.Request, tx sip.ServerTransaction) {
		s.respond(tx, req, 405, "Method Not Allowed", nil, sip.NewHeader("Allow", Allow),
			warning(s.cfg.Pool, fmt.Sprintf("method %s is not handled by this front end", req.Method)))
	}))
	return s, nil
}

// counted wraps a handler so the transaction counts for quiescence from arrival until answered,
// and refuses CR/LF in header values before the handler sees the request.
func (s *Server) counted(name string, h sipgo.RequestHandler) sipgo.RequestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		end := s.cfg.Counter.Begin("sip." + name)
		defer end()
		if tx == nil {
			return
		}
		if req.SipVersion != "SIP/2.0" {
			// RFC 3261 8.2.2.3 and 21.5.6
			s.respond(tx, req, 505, "Version Not Supported", nil, warning(s.cfg.Pool, fmt.Sprintf("SIP version %q is not SIP/2.0", req.SipVersion)))
			return
		}
		if unknown := unsupportedRequire(req); len(unknown) > 0 && req.Method != sip.ACK && req.Method != sip.CANCEL {
			// RFC 3261 8.2.2.3: 420 naming what the server does not support
			s.respond(tx, req, 420, "Bad Extension", nil, sip.NewHeader("Unsupported", strings.Join(unknown, ",")),
				warning(s.cfg.Pool, "unsupported Require: "+strings.Join(unknown, ", ")))
			return
		}
		if req.From() == nil || req.To() == nil || req.CallID() == nil || req.CSeq() == nil {
			s.respond(tx, req, 400, "Bad Request", nil, warning(s.cfg.Pool, "missing From, To, Call-ID or CSeq header"))
			return
		}
		if cs := req.CSeq(); !strings.EqualFold(string(cs.MethodName), string(req.Method)) {
			s.respond(tx, req, 400, "Bad Request", nil, warning(s.cfg.Pool, fmt.Sprintf("CSeq method %s does not match the request method %s", cs.MethodName, req.Method)))
			return
		}
		if bad := crlfHeader(req); bad != "" {
			s.respond(tx, req, 400, "Bad Request", nil, warning(s.cfg.Pool, "CR or LF in header "+bad))
			return
		}
		h(req, tx)
	}
}

// respond answers inside the handler (the server transaction ends when it returns).
func (s *Server) respond(tx sip.ServerTransaction, req *sip.Request, code int, reason string, body []byte, hdrs ...sip.Header) *sip.Response {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	symmetric(res, req)
	res.AppendHeader(sip.NewHeader("Server", "RTC/5.0"))
	for _, h := range hdrs {
		res.AppendHeader(h)
	}
	res.SetBody(body)
	if err := tx.Respond(res); err != nil {
		s.log.Warn("frontend: respond failed", "status", code, "method", req.Method, "error", err)
	}
	return res
}

// symmetric sends a response back where its request came from, on the same connection or to the
// datagram's source (RFC 3261 18.2.2 for streams, RFC 3581 4 for datagrams), never to the Via's
// host: it may be a name (a DNS lookup) or an address off loopback.
func symmetric(res *sip.Response, req *sip.Request) {
	res.SetDestination(req.Source())
	res.SetTransport(req.Transport())
}

// refuse answers an error with the precise reason in a Warning header.
func (s *Server) refuse(tx sip.ServerTransaction, req *sip.Request, code int, reason, why string, hdrs ...sip.Header) {
	s.log.Debug("frontend: refused", "method", req.Method, "status", code, "why", why)
	s.respond(tx, req, code, reason, nil, append(hdrs, warning(s.cfg.Pool, why))...)
}

// Start listens on tcpAddr and udpAddr ("127.0.0.1:0" in tests; "" skips a transport).
func (s *Server) Start(tcpAddr, udpAddr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("frontend: server closed")
	}
	if s.tcp != nil || s.udp != nil {
		return errors.New("frontend: already started")
	}
	if tcpAddr != "" {
		l, err := net.Listen("tcp", tcpAddr)
		if err != nil {
			return fmt.Errorf("frontend: listen tcp %s: %w", tcpAddr, err)
		}
		s.serveStreamLocked(l)
	}
	if udpAddr != "" {
		c, err := net.ListenPacket("udp", udpAddr)
		if err != nil {
			if s.tcp != nil {
				_ = s.tcp.Close()
				s.tcp = nil
			}
			return fmt.Errorf("frontend: listen udp %s: %w", udpAddr, err)
		}
		s.udp = newCheckedPacketConn(c, s.cfg.Pool, s.cfg.MaxMessageLength)
		s.wg.Add(1)
		go func() { defer s.wg.Done(); _ = s.srv.ServeUDP(s.udp) }()
	}
	return nil
}

// StartListener serves SIP over a stream listener made elsewhere (the in-process memory wire of
// `--wire memory`) exactly as over TCP: same framing, parser and handlers; TCPAddr is then its
// address. It stands in for Start.
func (s *Server) StartListener(l net.Listener) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("frontend: server closed")
	}
	if s.tcp != nil || s.udp != nil {
		return errors.New("frontend: already started")
	}
	s.serveStreamLocked(l)
	return nil
}

func (s *Server) serveStreamLocked(l net.Listener) {
	s.tcp = s.track(l)
	s.wg.Add(1)
	go func() { defer s.wg.Done(); _ = s.srv.ServeTCP(s.tcp) }()
}

// StartTLS listens for SIP over TLS on addr (Lync's default transport, port 5061) with cfg's
// certificate; it may be called once, beside Start.
func (s *Server) StartTLS(addr string, cfg *tls.Config) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("frontend: server closed")
	}
	if s.tls != nil {
		return errors.New("frontend: TLS already started")
	}
	if cfg == nil || len(cfg.Certificates) == 0 {
		return errors.New("frontend: TLS needs a certificate")
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("frontend: listen tls %s: %w", addr, err)
	}
	s.tls = s.track(tls.NewListener(l, cfg))
	s.wg.Add(1)
	go func() { defer s.wg.Done(); _ = s.srv.ServeTLS(s.tls) }()
	return nil
}

// TLSAddr is the TLS listening address, or "" if not listening.
func (s *Server) TLSAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tls == nil {
		return ""
	}
	return s.tls.Addr().String()
}

// TCPAddr is the TCP listening address, or "" if not listening.
func (s *Server) TCPAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tcp == nil {
		return ""
	}
	return s.tcp.Addr().String()
}

// UDPAddr is the UDP listening address, or "" if not listening.
func (s *Server) UDPAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.udp == nil {
		return ""
	}
	return s.udp.LocalAddr().String()
}

// Close stops listening, drops every registration and subscription without telling the engine
// (the world is being torn down) and releases the quiescence units of unsent notifications.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	var errs []error
	if s.tcp != nil {
		errs = append(errs, ignoreClosed(s.tcp.Close()))
	}
	if s.udp != nil {
		errs = append(errs, ignoreClosed(s.udp.Close()))
	}
	if s.tls != nil {
		errs = append(errs, ignoreClosed(s.tls.Close()))
	}
	for _, r := range s.regs {
		r.stop()
	}
	for _, sub := range s.subs {
		s.dropLocked(sub)
	}
	s.regs, s.subs, s.roaming = map[endpointKey]*registration{}, map[dialogKey]*subscription{}, map[endpointKey]*subscription{}
	s.perUser = map[string]int{}
	s.mu.Unlock()
	s.cancel()
	errs = append(errs, ignoreClosed(s.ua.Close()))
	s.wg.Wait()
	return errors.Join(errs...)
}

func ignoreClosed(err error) error {
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// track wraps a stream listener: messages are framed and checked (framing.go) and a closed
// connection signs its endpoints out.
func (s *Server) track(l net.Listener) *trackingListener {
	return &trackingListener{Listener: l, onOpen: s.connectionOpened, onClose: s.connectionClosed,
		idle: s.cfg.IdleTimeout, inUse: s.hasEndpointOn,
		wrap: func(c net.Conn) net.Conn { return newFramedConn(c, s.cfg.Pool, s.cfg.MaxMessageLength) }}
}

// trackingListener reports when an accepted TCP connection closes, so the endpoints registered
// over it can be signed out, and closes connections that stay silent for idle without a
// registered endpoint.
type trackingListener struct {
	net.Listener
	onOpen, onClose func(remote string)
	wrap            func(net.Conn) net.Conn
	idle            time.Duration
	inUse           func(remote string) bool
}

// Accept waits out the errors a listener recovers from (out of file descriptors, a connection
// aborted before it was accepted), backing off as net/http's server does: sipgo's accept loop
// ends at the first error, and one bad moment would stop the front end accepting for good.
func (l *trackingListener) Accept() (net.Conn, error) {
	var c net.Conn
	for delay := time.Duration(0); ; {
		var err error
		c, err = l.Listener.Accept()
		if err == nil {
			break
		}
		if !acceptRecovers(err) {
			return nil, err
		}
		delay = min(max(2*delay, 5*time.Millisecond), time.Second)
		time.Sleep(delay) // wall time: the kernel's resources, not the simulation's clock
	}
	l.onOpen(c.RemoteAddr().String())
	return &trackedConn{Conn: l.wrap(c), onClose: l.onClose, idle: l.idle, inUse: l.inUse}, nil
}

// acceptRecovers tells a listener's passing trouble from its end (closed, or broken for good).
func acceptRecovers(err error) bool {
	for _, errno := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED} {
		if errors.Is(err, errno) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

type trackedConn struct {
	net.Conn
	once    sync.Once
	onClose func(remote string)
	idle    time.Duration
	inUse   func(remote string) bool
}

// Read waits at most idle (wall time) for data unless an endpoint is registered over the
// connection (a registered client may stay quiet between requests); the timeout ends the
// connection.
func (c *trackedConn) Read(b []byte) (int, error) {
	for {
		if c.idle > 0 {
			if err := c.Conn.SetReadDeadline(time.Now().Add(c.idle)); err != nil {
				return 0, err
			}
		}
		n, err := c.Conn.Read(b)
		var ne net.Error
		if n == 0 && errors.As(err, &ne) && ne.Timeout() && c.inUse(c.RemoteAddr().String()) {
			continue
		}
		return n, err
	}
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.onClose(c.RemoteAddr().String()) })
	return err
}
