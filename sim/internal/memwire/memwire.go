// Package memwire is an in-process stream network: listeners and connections that behave like
// loopback TCP (addresses, deadlines, half-open reads, closing) but carry bytes between goroutines
// without kernel sockets. A world on the memory wire (`--wire memory`) runs the same sipgo parser
// and the same HTTP handlers over it as over loopback, so one process can hold more connections
// than its file-descriptor limit allows (docs/ARCHITECTURE.md D-9).
//
// Writes never block: each direction is a buffer that grows with what is written and is released
// once read, as a kernel socket buffer would absorb it (two peers that both write before reading
// must not deadlock). Addresses are 127.1.x.y:port, handed out in order, never reused within a
// Network, and never reach the kernel.
package memwire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// Network holds the listeners of one world's memory wire. It is safe for concurrent use.
type Network struct {
	mu        sync.Mutex
	listeners map[string]*Listener
	next      uint64 // addresses handed out so far
	closed    bool
}

// New returns an empty network.
func New() *Network { return &Network{listeners: map[string]*Listener{}} }

// backlog is how many dials may wait for Accept before Dial blocks (a listen queue).
const backlog = 512

// addrs per IP: ports 1024..65023.
const portsPerIP = 64000

// newAddrLocked hands out the next unused address.
func (n *Network) newAddrLocked() *net.TCPAddr {
	k := n.next
	n.next++
	ip := k / portsPerIP
	return &net.TCPAddr{IP: net.IPv4(127, 1+byte(ip>>16), byte(ip>>8), byte(ip)), Port: 1024 + int(k%portsPerIP)}
}

// Listen opens a listener on a fresh address of the network.
func (n *Network) Listen() (*Listener, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, errors.New("memwire: network closed")
	}
	l := &Listener{net: n, addr: n.newAddrLocked(), accept: make(chan *Conn, backlog), done: make(chan struct{})}
	n.listeners[l.addr.String()] = l
	return l, nil
}

// Dial connects to the listener at addr ("127.1.0.0:1024"); an address nobody listens on is
// refused like a closed loopback port.
func (n *Network) Dial(ctx context.Context, addr string) (net.Conn, error) {
	n.mu.Lock()
	l := n.listeners[addr]
	var local *net.TCPAddr
	if l != nil {
		local = n.newAddrLocked()
	}
	n.mu.Unlock()
	if l == nil {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED),
			Source: nil, Addr: addrOrNil(addr)}
	}
	client, server := Pipe(local, l.addr)
	select {
	case l.accept <- server:
		return client, nil
	case <-l.done:
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED), Addr: l.addr}
	case <-ctx.Done():
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: ctx.Err(), Addr: l.addr}
	}
}

func addrOrNil(s string) net.Addr {
	a, err := net.ResolveTCPAddr("tcp", s)
	if err != nil {
		return nil
	}
	return a
}

// Close closes every listener; connections already made stay open until their ends close them.
func (n *Network) Close() {
	n.mu.Lock()
	n.closed = true
	ls := make([]*Listener, 0, len(n.listeners))
	for _, l := range n.listeners { // order does not matter: each is closed
		ls = append(ls, l)
	}
	n.mu.Unlock()
	for _, l := range ls {
		_ = l.Close()
	}
}

// Listener is a net.Listener on a Network.
type Listener struct {
	net    *Network
	addr   *net.TCPAddr
	accept chan *Conn
	once   sync.Once
	done   chan struct{}
}

// Accept waits for the next Dial.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.accept:
		return c, nil
	case <-l.done:
		return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: l.addr, Err: net.ErrClosed}
	}
}

// Close stops accepting; later dials to its address are refused.
func (l *Listener) Close() error {
	l.once.Do(func() {
		close(l.done)
		l.net.mu.Lock()
		delete(l.net.listeners, l.addr.String())
		l.net.mu.Unlock()
	})
	return nil
}

// Addr is the listener's address.
func (l *Listener) Addr() net.Addr { return l.addr }

// Pipe returns the two ends of one connection: a's writes are b's reads and the other way round.
func Pipe(aAddr, bAddr *net.TCPAddr) (a, b *Conn) {
	ab, ba := newBuffer(), newBuffer()
	a = &Conn{local: aAddr, remote: bAddr, rd: ba, wr: ab, done: make(chan struct{}), rdl: newDeadline(), wrl: newDeadline()}
	b = &Conn{local: bAddr, remote: aAddr, rd: ab, wr: ba, done: make(chan struct{}), rdl: newDeadline(), wrl: newDeadline()}
	return a, b
}

// buffer is one direction of a connection.
type buffer struct {
	mu     sync.Mutex
	data   []byte
	eof    bool // the writer closed: reads drain data, then io.EOF
	gone   bool // the reader closed: writes fail
	signal chan struct{}
}

func newBuffer() *buffer { return &buffer{signal: make(chan struct{}, 1)} }

func (b *buffer) wake() {
	select {
	case b.signal <- struct{}{}:
	default:
	}
}

// Conn is one end of a memory connection; it satisfies net.Conn.
type Conn struct {
	local, remote *net.TCPAddr
	rd, wr        *buffer
	once          sync.Once
	done          chan struct{}
	rdl, wrl      *deadline
}

// Read reads what the peer wrote, waiting for it until the read deadline; io.EOF once the peer
// closed and everything was read.
func (c *Conn) Read(p []byte) (int, error) {
	for {
		if err := c.usable("read", c.rdl); err != nil {
			return 0, err
		}
		b := c.rd
		b.mu.Lock()
		if len(b.data) > 0 {
			n := copy(p, b.data)
			b.data = b.data[n:]
			if len(b.data) == 0 {
				b.data = nil // release the memory of a drained buffer
			}
			b.mu.Unlock()
			return n, nil
		}
		if b.eof {
			b.mu.Unlock()
			return 0, io.EOF
		}
		b.mu.Unlock()
		if len(p) == 0 {
			return 0, nil
		}
		select {
		case <-b.signal:
		case <-c.rdl.wait():
		case <-c.done:
		}
	}
}

// Write hands p to the peer at once; it fails once either end closed.
func (c *Conn) Write(p []byte) (int, error) {
	if err := c.usable("write", c.wrl); err != nil {
		return 0, err
	}
	b := c.wr
	b.mu.Lock()
	if b.gone {
		b.mu.Unlock()
		return 0, c.opErr("write", syscall.EPIPE)
	}
	b.data = append(b.data, p...)
	b.mu.Unlock()
	b.wake()
	return len(p), nil
}

// usable is nil while c is open and op's deadline dl has not passed, else the error op fails with.
func (c *Conn) usable(op string, dl *deadline) error {
	select {
	case <-c.done:
		return c.opErr(op, net.ErrClosed)
	default:
	}
	if dl.expired() {
		return c.opErr(op, os.ErrDeadlineExceeded)
	}
	return nil
}

// Close ends both directions: the peer reads what was written before, then io.EOF; its writes
// fail from now on.
func (c *Conn) Close() error {
	first := false
	c.once.Do(func() {
		first = true
		close(c.done)
		c.wr.mu.Lock()
		c.wr.eof = true
		c.wr.mu.Unlock()
		c.wr.wake()
		c.rd.mu.Lock()
		c.rd.gone = true
		c.rd.data = nil
		c.rd.mu.Unlock()
		c.rdl.stop()
		c.wrl.stop()
	})
	if !first {
		return c.opErr("close", net.ErrClosed)
	}
	return nil
}

// Closed tells whether this end was closed.
func (c *Conn) Closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

func (c *Conn) opErr(op string, err error) error {
	return &net.OpError{Op: op, Net: "tcp", Source: c.local, Addr: c.remote, Err: err}
}

// LocalAddr is this end's address.
func (c *Conn) LocalAddr() net.Addr { return c.local }

// RemoteAddr is the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.remote }

// SetDeadline sets both deadlines.
func (c *Conn) SetDeadline(t time.Time) error {
	c.rdl.set(t)
	c.wrl.set(t)
	return nil
}

// SetReadDeadline bounds (in wall time, as on a socket) how long Read waits; zero: no bound.
func (c *Conn) SetReadDeadline(t time.Time) error { c.rdl.set(t); return nil }

// SetWriteDeadline makes writes fail once t has passed (a write itself never waits).
func (c *Conn) SetWriteDeadline(t time.Time) error { c.wrl.set(t); return nil }

// String names the connection for logs.
func (c *Conn) String() string { return fmt.Sprintf("memwire %s->%s", c.local, c.remote) }

// deadline is a settable wall-clock deadline whose expiry can be waited on.
type deadline struct {
	mu    sync.Mutex
	at    time.Time
	timer *time.Timer
	fired chan struct{} // closed when the deadline passes; replaced when it is moved
}

func newDeadline() *deadline { return &deadline{fired: make(chan struct{})} }

func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil && !d.timer.Stop() {
		<-d.fired // the timer fired (or is firing): wait until the channel is closed
	}
	d.timer = nil
	closed := false
	select {
	case <-d.fired:
		closed = true
	default:
	}
	d.at = t
	if t.IsZero() {
		if closed {
			d.fired = make(chan struct{})
		}
		return
	}
	if dur := time.Until(t); dur <= 0 {
		if !closed {
			close(d.fired)
		}
		return
	}
	if closed {
		d.fired = make(chan struct{})
	}
	ch := d.fired
	d.timer = time.AfterFunc(time.Until(t), func() { close(ch) })
}

func (d *deadline) wait() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fired
}

func (d *deadline) expired() bool {
	select {
	case <-d.wait():
		return true
	default:
		return false
	}
}

func (d *deadline) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil && d.timer.Stop() {
		// Stopped before it fired: its channel will never close, so a later set must not wait for it
		// (sipgo may set a deadline on a connection the world has closed).
		d.timer = nil
	}
}
