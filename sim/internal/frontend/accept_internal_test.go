package frontend

import (
	"errors"
	"fmt"
	"net"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// flakyListener fails its first Accepts with err, then accepts from the real listener.
type flakyListener struct {
	net.Listener
	failures int
	err      error
}

func (l *flakyListener) Accept() (net.Conn, error) {
	if l.failures > 0 {
		l.failures--
		return nil, l.err
	}
	return l.Listener.Accept()
}

var _ = Describe("The front end's stream listener", func() {
	listen := func(failures int, err error) (*trackingListener, net.Listener) {
		inner, lerr := net.Listen("tcp", "127.0.0.1:0")
		Expect(lerr).NotTo(HaveOccurred())
		DeferCleanup(inner.Close)
		tl := &trackingListener{Listener: &flakyListener{Listener: inner, failures: failures, err: err},
			onOpen: func(string) {}, onClose: func(string) {}, inUse: func(string) bool { return false },
			wrap: func(c net.Conn) net.Conn { return c }}
		return tl, inner
	}

	DescribeTable("keeps accepting after the errors a listener recovers from",
		func(err error) {
			tl, inner := listen(3, err)
			client, derr := net.Dial("tcp", inner.Addr().String())
			Expect(derr).NotTo(HaveOccurred())
			DeferCleanup(client.Close)
			c, aerr := tl.Accept()
			Expect(aerr).NotTo(HaveOccurred(), "sipgo's accept loop would have ended here, and the front end with it")
			Expect(c.RemoteAddr().String()).To(Equal(client.LocalAddr().String()))
			Expect(c.Close()).To(Succeed())
		},
		Entry("out of file descriptors", &net.OpError{Op: "accept", Net: "tcp", Err: fmt.Errorf("accept4: %w", syscall.EMFILE)}),
		Entry("the system's file table full", syscall.ENFILE),
		Entry("a connection aborted before it was accepted", syscall.ECONNABORTED),
	)

	It("ends at once when the listener is closed or broken for good", func() {
		tl, _ := listen(1, net.ErrClosed)
		_, err := tl.Accept()
		Expect(errors.Is(err, net.ErrClosed)).To(BeTrue())
		tl, _ = listen(1, errors.New("listener broken"))
		_, err = tl.Accept()
		Expect(err).To(MatchError("listener broken"))
	})
})
