package memwire_test

import (
	"net"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/nettest"

	"github.com/ucssim/ucssim/sim/internal/memwire"
)

func TestMemwire(t *testing.T) {
	// The memory connection must behave as a net.Conn in every respect the standard library and
	// sipgo rely on (deadlines, concurrent use, close while blocked): x/net's conformance test.
	t.Run("net.Conn conformance (golang.org/x/net/nettest)", func(t *testing.T) {
		nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
			a, b := memwire.Pipe(&net.TCPAddr{IP: net.IPv4(127, 1, 0, 0), Port: 1}, &net.TCPAddr{IP: net.IPv4(127, 1, 0, 0), Port: 2})
			return a, b, func() { _ = a.Close(); _ = b.Close() }, nil
		})
	})
	RegisterFailHandler(Fail)
	RunSpecs(t, "Memwire Suite")
}
