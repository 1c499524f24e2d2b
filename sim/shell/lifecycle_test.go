package shell_test

import (
	"bytes"
	"context"
	"io"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/shell"
)

// stuckReader cancels the shell's context on its first read, then blocks like an idle terminal
// until released.
type stuckReader struct {
	cancel  context.CancelFunc
	release chan struct{}
}

func (r *stuckReader) Read([]byte) (int, error) {
	r.cancel()
	<-r.release
	return 0, io.EOF
}

var _ = Describe("leaving the shell", func() {
	It("stops waiting for a line when its context ends (Ctrl-C at the prompt)", func() {
		var out bytes.Buffer
		s := newShell(shell.Options{}, &out)
		ctx, cancel := context.WithCancel(context.Background())
		r := &stuckReader{cancel: cancel, release: make(chan struct{})}
		DeferCleanup(func() { close(r.release) })

		Expect(s.Serve(ctx, r)).To(MatchError(context.Canceled))
	})

	It("stops a long wait promptly when its context ends (Ctrl-C during wait 10000d)", func() {
		var out bytes.Buffer
		s := newShell(shell.Options{}, &out)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		Expect(s.Exec(ctx, "signin Ken Myer")).To(BeFalse())
		w := s.World()
		// Ctrl-C arrives while the clock passes the migration's completion.
		w.Trace.OnEvent = func(e sim.TraceEvent) {
			if e.Type == "migration.completed" {
				cancel()
			}
		}
		s.Exec(ctx, "wait 10000d")
		Expect(w.Sched.Now().Sub(w.Start)).To(BeNumerically("<", 24*time.Hour), "the wait stopped at the next event, not 10000 days later")
		Expect(out.String()).To(ContainSubstring("migration.completed"))
	})

	It("ends at the end of the input without an error, even in the middle of a confirmation", func() {
		out := transcript("signin Ken Myer\nwait 10m\nInvoke-CsUcsRollback -Identity \"Ken Myer\"", shell.Options{})
		Expect(out).To(HaveSuffix(`(default is "Y"): ` + "\n"))
	})
})
