package ews

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// Insiders records the connections that in-process callers (the engine's EWS client, the
// simulated Lync 2013 clients) dial to the server, and how many quiescence units each caller
// holds while it waits for an answer (the one-unit convention: 1). A request on any other
// connection is an outside client's (a guest's, docs/ARCHITECTURE.md D-8): it holds nothing, and nothing
// on the wire can claim otherwise. The world creates one and gives it to both the Server and its
// in-process Clients.
type Insiders struct {
	mu    sync.Mutex
	local map[string]int // local address of an in-process connection -> units its caller holds
	dial  func(ctx context.Context, network, addr string) (net.Conn, error)
}

// UseDial makes the transports dial with dial instead of a TCP dialer (the in-process memory
// wire). Call it before the first Transport.
func (in *Insiders) UseDial(dial func(ctx context.Context, network, addr string) (net.Conn, error)) {
	in.mu.Lock()
	in.dial = dial
	in.mu.Unlock()
}

// NewInsiders returns an empty registry.
func NewInsiders() *Insiders { return &Insiders{local: map[string]int{}} }

// Transport is an HTTP transport whose connections count as in-process, their callers holding
// held units each.
func (in *Insiders) Transport(held int) *http.Transport {
	var d net.Dialer
	in.mu.Lock()
	dial := in.dial
	in.mu.Unlock()
	if dial == nil {
		dial = d.DialContext
	}
	return &http.Transport{
		MaxIdleConnsPerHost: 16,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			local := c.LocalAddr().String()
			in.mu.Lock()
			in.local[local] = held
			in.mu.Unlock()
			return &insiderConn{Conn: c, forget: func() {
				in.mu.Lock()
				delete(in.local, local)
				in.mu.Unlock()
			}}, nil
		},
	}
}

// held is the number of units the caller on the connection from remote holds; 0 for a guest.
func (in *Insiders) held(remote string) (int, bool) {
	if in == nil {
		return 0, false
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	n, ok := in.local[remote]
	return n, ok
}

// Len is the number of open in-process connections.
func (in *Insiders) Len() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.local)
}

type insiderConn struct {
	net.Conn
	once   sync.Once
	forget func()
}

func (c *insiderConn) Close() error {
	c.once.Do(c.forget)
	return c.Conn.Close()
}
