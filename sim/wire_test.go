package sim_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/scenario"
)

// usersWorld is a world of n users with a few contacts each, their lists in Exchange (so that
// Lync 2013 clients read them over EWS as well as SIP).
func usersWorld(n int, opt sim.WorldOptions) *sim.World {
	GinkgoHelper()
	f, err := usersFile(n, "contacts: 3, store: exchange")
	Expect(err).NotTo(HaveOccurred())
	return worldOf(f, opt)
}

var _ = Describe("The memory wire (docs/ARCHITECTURE.md D-9)", func() {
	ctx := context.Background()
	const n = 30

	signInAll := func(w *sim.World) {
		GinkgoHelper()
		for i := range n {
			Expect(w.SignIn(ctx, fmt.Sprintf("sip:user%d@litwareinc.com", i), "pc", engine.Lync2013)).To(Succeed())
		}
		Expect(w.Sched.Advance(15 * time.Minute)).To(Succeed()) // every list migrates; clients re-read over EWS
		for i := range n {
			st, err := w.Engine.Status(fmt.Sprintf("sip:user%d@litwareinc.com", i))
			Expect(err).NotTo(HaveOccurred())
			Expect(st.State).To(Equal(engine.Migrated))
		}
	}

	It("signs users in and migrates them without opening a file descriptor, where loopback opens some", func() {
		loop := usersWorld(n, sim.WorldOptions{})
		before := sim.CountResources()
		signInAll(loop)
		fds := sim.CountResources().FDs - before.FDs
		Expect(fds).To(BeNumerically(">=", n), "control: on loopback each endpoint holds sockets")
		// two per endpoint for its SIP connection (both ends in this process); the clients' EWS
		// requests share one pool of kept-alive connections instead of two descriptors each
		Expect(fds).To(BeNumerically("<", 3*n), "Lync 2013 clients hold an EWS connection each")

		mem := usersWorld(n, sim.WorldOptions{Wire: sim.WireMemory})
		Expect(mem.FrontEnd.TCPAddr()).To(HavePrefix("127.1."), "an in-process address, not a kernel port")
		Expect(mem.FrontEnd.UDPAddr()).To(BeEmpty())
		before = sim.CountResources()
		signInAll(mem)
		Expect(sim.CountResources().FDs).To(BeNumerically("<=", before.FDs))
	})

	It("leaves no goroutine behind once a memory world is closed", func() {
		// a first world starts what a process starts once (timers, pools), so that only what a
		// world leaves behind is counted
		usersWorld(1, sim.WorldOptions{Wire: sim.WireMemory}).Close()
		before := sim.CountResources()
		w := usersWorld(5, sim.WorldOptions{Wire: sim.WireMemory})
		for i := range 5 {
			Expect(w.SignIn(ctx, fmt.Sprintf("sip:user%d@litwareinc.com", i), "pc", engine.Lync2013)).To(Succeed())
		}
		w.Close()
		after, ok := sim.WaitResources(before, 10*time.Second) // a bound, not a wait: it returns as soon as they are gone
		Expect(ok).To(BeTrue(), "before %+v, after %+v", before, after)
	})

	DescribeTable("refuses what it cannot carry, naming why",
		func(opt sim.WorldOptions, why string) {
			f, err := scenario.Parse("inline.yaml", []byte(strings.TrimLeft(twoUsers, "\n")))
			Expect(err).NotTo(HaveOccurred())
			_, err = sim.NewWorld(f.World, f.Start, f.Seed, opt)
			Expect(err).To(MatchError(ContainSubstring(why)))
		},
		Entry("TLS", sim.WorldOptions{Wire: sim.WireMemory, TLS: true}, "carries no TLS"),
		Entry("a fixed port", sim.WorldOptions{Wire: sim.WireMemory, SIPTCP: "127.0.0.1:5060"}, "no listen addresses"),
		Entry("an unknown wire", sim.WorldOptions{Wire: "pigeon"}, `unknown wire "pigeon"`),
	)
})
