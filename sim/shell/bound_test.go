package shell

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim"
)

var _ = Describe("the bound on a session's recording", func() {
	It("stops recording past the bound and says so, while the session goes on", func() {
		defer func(n int) { maxRecorded = n }(maxRecorded)
		maxRecorded = 3
		journal := filepath.Join(GinkgoT().TempDir(), "j.yaml")
		var out bytes.Buffer
		s, err := New(Options{Echo: true, Journal: journal}, &out)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		in := "signin Ken Myer\nwait 1m\nwait 1m\nwait 1m\nwait 1m\nundo\nsave " + filepath.Join(GinkgoT().TempDir(), "x.yaml") + "\ncheckpoint a\ntime\n"
		Expect(s.Serve(context.Background(), strings.NewReader(in))).To(Succeed())
		text := out.String()
		Expect(text).To(ContainSubstring("The session passed 3 recorded steps: save, undo, checkpoints and the journal stop here.\n"))
		Expect(text).To(ContainSubstring("undo: the session passed 3 recorded steps, so it can no longer be saved or gone back over\n"))
		Expect(text).To(ContainSubstring("save: the session passed 3 recorded steps"))
		Expect(text).To(ContainSubstring("checkpoint: the session passed 3 recorded steps"))
		Expect(text).To(ContainSubstring("> time\nMon 2026-01-05 09:04:00 UTC (start +4m)"))
		j, err := os.ReadFile(journal)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(j)).To(HaveSuffix("the session passed 3 steps: the journal stops here\n"))
	})
})

var _ = Describe("following the shell's world from another goroutine", func() {
	It("hears the events of the rebuilt world after undo, and not the replayed history", func() {
		var out bytes.Buffer
		s, err := New(Options{Echo: true}, &out)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		var mu sync.Mutex
		var heard []string
		stop := s.watch(func(e sim.TraceEvent) {
			mu.Lock()
			defer mu.Unlock()
			heard = append(heard, string(e.Type)+" "+e.User)
		})
		in := "signin Ken Myer\nsignin Pilar Ackerman\nundo\nsignin Pilar Ackerman lync2010\n"
		Expect(s.Serve(context.Background(), strings.NewReader(in))).To(Succeed())
		Expect(s.currentWorld()).To(BeIdenticalTo(s.World()))
		stop()
		Expect(s.Serve(context.Background(), strings.NewReader("signout Ken Myer\n"))).To(Succeed())
		mu.Lock()
		defer mu.Unlock()
		Expect(heard).To(Equal([]string{
			"signin sip:kenmyer@litwareinc.com", "migration.started sip:kenmyer@litwareinc.com", // the first world
			"signin sip:pilar@litwareinc.com", "migration.started sip:pilar@litwareinc.com",
			"signin sip:pilar@litwareinc.com", // the rebuilt one (Ken's sign-in replayed is not news); nothing after stop
		}))
	})
})
