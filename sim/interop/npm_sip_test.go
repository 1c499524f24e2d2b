package interop_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/shell"
)

// The npm `sip` stack (kirm/sip.js, installed by `npm ci` in sim/interop/npm; make test does it)
// speaking the Lync dialect over TCP: a second SIP implementation nobody on the project wrote.
var _ = Describe("the npm sip stack in the Lync dialect", func() {
	It("registers, subscribes with ms-ucs, writes by SERVICE and gets the BENOTIFY delta", func() {
		node, err := exec.LookPath("node")
		Expect(err).NotTo(HaveOccurred(), "node is not installed: the npm sip interop spec needs the Debian package nodejs")
		need(fileExists(filepath.Join("npm", "node_modules", "sip", "sip.js")), "nodejs/npm (then `npm ci` in sim/interop/npm; make test runs it)")

		f, err := shell.DefaultWorld()
		Expect(err).NotTo(HaveOccurred())
		w, err := sim.NewWorld(f.World, f.Start, f.Seed, sim.WorldOptions{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(w.Close)

		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, node, "lync.js", w.FrontEnd.TCPAddr(), "kenmyer@litwareinc.com")
		cmd.Dir = "npm"
		out, err := cmd.Output()
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		Expect(err).NotTo(HaveOccurred(), "node lync.js failed: %s\n%s", stderr, out)

		type answer struct {
			Status  int
			Headers map[string]any
			Body    string
		}
		var got struct {
			Register, Subscribe, Service, Unregister answer
			Benotify                                 []struct{ Event, Body string }
		}
		Expect(json.Unmarshal(out, &got)).To(Succeed(), "output: %s", out)
		Expect(got.Register.Status).To(Equal(200))
		Expect(got.Register.Headers["allow-events"]).To(ContainSubstring("vnd-microsoft-roaming-contacts"))
		Expect(got.Subscribe.Status).To(Equal(200))
		Expect(got.Subscribe.Headers["event"]).To(Equal("vnd-microsoft-roaming-contacts"))
		Expect(got.Subscribe.Body).To(ContainSubstring(`<contactList deltaNum="1">`))
		Expect(got.Service.Status).To(Equal(200))
		Expect(got.Benotify).To(HaveLen(1))
		Expect(got.Benotify[0].Event).To(Equal("vnd-microsoft-roaming-contacts"))
		Expect(got.Benotify[0].Body).To(ContainSubstring(`<addedContact uri="sip:node.test@litwareinc.com" name="Node Test"`))
		Expect(got.Unregister.Status).To(Equal(200))

		cs, err := w.Engine.LyncContacts("Ken Myer")
		Expect(err).NotTo(HaveOccurred())
		var uris []string
		for _, c := range cs {
			uris = append(uris, c.URI)
		}
		Expect(uris).To(ContainElement(HaveSuffix("node.test@litwareinc.com")))
		Expect(w.Sched.Settle()).To(Succeed())
		st, err := w.Engine.Status("Ken Myer")
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Endpoints).To(BeEmpty(), "REGISTER Expires: 0 signed it out")
	})
})
