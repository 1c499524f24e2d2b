package frontend_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os/exec"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/sim/internal/frontend"
	"github.com/ucssim/ucssim/sim/vclock"
)

var _ = Describe("interop with SIPp", func() {
	It("registers and subscribes to roaming contacts over TCP with the scenario in testdata, exit code 0", func() {
		path, err := exec.LookPath("sipp")
		Expect(err).NotTo(HaveOccurred(), "sipp is not installed: install the Debian package sip-tester (apt-get install -y sip-tester); .ci/run does this in CI")

		sched := vclock.New(vclock.DefaultStart)
		eng := enginetest.NewFakeEngine()
		eng.AddUser(kenURI, "pat@litwareinc.com", "lee@litwareinc.com")
		srv, err := frontend.New(frontend.Config{Engine: eng, Counter: sched.Tracker(), Scheduler: sched, Clock: sched.Clock()})
		Expect(err).NotTo(HaveOccurred())
		Expect(srv.Start("127.0.0.1:0", "")).To(Succeed())
		eng.SetListener(srv)
		DeferCleanup(srv.Close)
		host, port, err := net.SplitHostPort(srv.TCPAddr())
		Expect(err).NotTo(HaveOccurred())

		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var out bytes.Buffer
		cmd := exec.CommandContext(ctx, path, "-sf", "testdata/sipp/register-subscribe.xml",
			"-t", "t1", "-m", "1", "-s", "ken", "-i", "127.0.0.1", "-p", "0",
			"-timeout", "15", "-timeout_error", "-nostdin", "-trace_err", "-error_file", GinkgoT().TempDir()+"/errors.log",
			host+":"+port)
		cmd.Stdout, cmd.Stderr = &out, &out
		err = cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			Fail("sipp exited with code " + exit.String() + ":\n" + out.String())
		}
		Expect(err).NotTo(HaveOccurred(), out.String())
		// signed in once by the SUBSCRIBE, signed out when sipp closed its connection
		Eventually(eng.Calls).WithTimeout(2 * time.Second).WithPolling(10 * time.Millisecond).Should(Equal([]string{
			"SignIn sip:ken@litwareinc.com 51bb0e5c01 lync2013", "SignOut sip:ken@litwareinc.com 51bb0e5c01"}))
	})
})
