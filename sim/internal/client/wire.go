package client

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
)

// sipgo's client dials with a concrete net.Dialer, so a client on another wire (Config.Dial) makes
// its connection itself and hands it to its own sipgo transport as if it had accepted it: sipgo
// keeps it in its connection pool under the front end's address, reads it with the same parser,
// and sends every later request and answer over it, as it would over a TCP connection it dialed.

// connect makes sure a connection made by Config.Dial is open before a request goes out; without
// Dial sipgo dials TCP itself. A connection the front end closed is replaced by a new one, as
// sipgo re-dials a closed TCP connection.
func (c *Client) connect(ctx context.Context) error {
	if c.cfg.Dial == nil {
		return nil
	}
	c.connMu.Lock()
	defer c.connMu.Unlock()
	if c.conn != nil && !c.conn.closed.Load() {
		return nil
	}
	raw, err := c.cfg.Dial(ctx, c.cfg.Server)
	if err != nil {
		return err
	}
	conn := &watchedConn{Conn: raw}
	h := &handover{conn: conn, taken: make(chan struct{})}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		_ = c.srv.ServeTCP(h)
	}()
	// sipgo pools the connection before it asks for the next one: once it asks, requests find it.
	<-h.taken
	c.conn = conn
	return nil
}

// watchedConn remembers that it was closed (by sipgo when the peer hung up, or by Close).
type watchedConn struct {
	net.Conn
	closed atomic.Bool
}

func (w *watchedConn) Close() error {
	w.closed.Store(true)
	return w.Conn.Close()
}

// handover is a listener that accepts one connection, then reports being closed.
type handover struct {
	conn  net.Conn
	once  sync.Once
	taken chan struct{}
	given bool
}

func (h *handover) Accept() (net.Conn, error) {
	if !h.given {
		h.given = true
		return h.conn, nil
	}
	h.once.Do(func() { close(h.taken) })
	return nil, net.ErrClosed
}

func (h *handover) Close() error   { return nil }
func (h *handover) Addr() net.Addr { return h.conn.LocalAddr() }
