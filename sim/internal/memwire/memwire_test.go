package memwire_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/internal/memwire"
)

var _ = Describe("The memory wire", func() {
	var n *memwire.Network
	BeforeEach(func() {
		n = memwire.New()
		DeferCleanup(n.Close)
	})

	It("connects a dial to the listener at that address, both ends seeing the other's address", func() {
		l, err := n.Listen()
		Expect(err).NotTo(HaveOccurred())
		c, err := n.Dial(context.Background(), l.Addr().String())
		Expect(err).NotTo(HaveOccurred())
		defer c.Close()
		s, err := l.Accept()
		Expect(err).NotTo(HaveOccurred())
		defer s.Close()
		Expect(s.RemoteAddr().String()).To(Equal(c.LocalAddr().String()))
		Expect(c.RemoteAddr().String()).To(Equal(l.Addr().String()))
		Expect(c.LocalAddr().String()).NotTo(Equal(l.Addr().String()))
	})

	It("lets a deadline be set on a closed connection, as sipgo does after the world closes it", func() {
		l, err := n.Listen()
		Expect(err).NotTo(HaveOccurred())
		c, err := n.Dial(context.Background(), l.Addr().String())
		Expect(err).NotTo(HaveOccurred())
		Expect(c.SetReadDeadline(time.Now().Add(time.Hour))).To(Succeed())
		Expect(c.Close()).To(Succeed())
		done := make(chan error, 1)
		go func() { done <- c.SetReadDeadline(time.Now().Add(time.Hour)) }()
		Eventually(done).Should(Receive(BeNil()), "SetReadDeadline after Close must not wait for a timer Close stopped")
	})

	It("refuses a dial to an address nobody listens on, like a closed loopback port", func() {
		l, err := n.Listen()
		Expect(err).NotTo(HaveOccurred())
		addr := l.Addr().String()
		Expect(l.Close()).To(Succeed())
		_, err = n.Dial(context.Background(), addr)
		Expect(err).To(MatchError(syscall.ECONNREFUSED))
		_, err = l.Accept()
		Expect(err).To(MatchError(net.ErrClosed))
	})

	It("never blocks a writer: both ends may write everything before either reads", func() {
		a, b := memwire.Pipe(&net.TCPAddr{IP: net.IPv4(127, 1, 0, 0), Port: 1}, &net.TCPAddr{IP: net.IPv4(127, 1, 0, 0), Port: 2})
		big := []byte(strings.Repeat("x", 1<<20))
		Expect(a.Write(big)).To(Equal(len(big)))
		Expect(b.Write(big)).To(Equal(len(big)))
		Expect(a.Close()).To(Succeed())
		got, err := io.ReadAll(b)
		Expect(err).NotTo(HaveOccurred(), "the peer reads what was written before the close, then EOF")
		Expect(got).To(Equal(big))
		_, err = b.Write([]byte("late"))
		Expect(err).To(MatchError(syscall.EPIPE))
	})

	It("hands out distinct addresses, more than one IP's worth of ports", func() {
		seen := map[string]bool{}
		for range 70000 {
			l, err := n.Listen()
			Expect(err).NotTo(HaveOccurred())
			seen[l.Addr().String()] = true
			Expect(l.Close()).To(Succeed())
		}
		Expect(seen).To(HaveLen(70000))
	})

	It("carries net/http: a server on a memory listener answers a client dialing through the network", func() {
		l, err := n.Listen()
		Expect(err).NotTo(HaveOccurred())
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			_, _ = w.Write([]byte("echo " + string(body)))
		})}
		go func() { _ = srv.Serve(l) }()
		defer srv.Close()
		hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			return n.Dial(ctx, addr)
		}}}
		for i := range 3 { // the second and third reuse the kept-alive connection
			res, err := hc.Post("http://"+l.Addr().String()+"/", "text/plain", strings.NewReader("hello"))
			Expect(err).NotTo(HaveOccurred(), "request %d", i)
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			Expect(string(body)).To(Equal("echo hello"))
		}
		hc.CloseIdleConnections()
	})
})
