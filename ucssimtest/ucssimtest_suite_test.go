package ucssimtest_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/ucssimtest"
)

func TestUcssimtest(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "ucssimtest suite")
}

// recorder is a TB that records what the helpers ask of a test.
type recorder struct {
	fatal    string
	cleanups []func()
}

func (r *recorder) Helper()                        {}
func (r *recorder) Cleanup(f func())               { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Fatalf(format string, a ...any) { r.fatal = fmt.Sprintf(format, a...) }
func (r *recorder) end() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

var _ = Describe("Check", func() {
	It("passes a scenario that holds and returns its result", func() {
		res := ucssimtest.Check(GinkgoT(), "testdata/rollback.yaml")
		Expect(res.Passed).To(BeTrue())
		Expect(string(res.Trace)).To(ContainSubstring(`"type":"rollback.completed"`))
	})

	It("fails the test with ucssim's report: position, note, expected, seen", func() {
		t := &recorder{}
		ucssimtest.Check(t, "testdata/failing.yaml")
		Expect(t.fatal).To(HavePrefix("ucssim: scenario failed\nFAIL Expects the migration too early  testdata/failing.yaml  "))
		Expect(t.fatal).To(ContainSubstring("    at testdata/failing.yaml:8:5: expect\n    note:     migration takes 10 minutes, so this cannot hold\n    expected: within 5m0s: state: Migrated\n    seen:     state: Migrating (last seen at 2026-01-05T09:05:00Z)\n"))
		t.end()
	})

	It("fails the test naming every problem of an invalid file", func() {
		t := &recorder{}
		Expect(ucssimtest.Check(t, "testdata/nope.yaml")).To(BeNil())
		Expect(t.fatal).To(ContainSubstring("nope.yaml"))
		t = &recorder{}
		res, err := ucssimtest.RunYAML(context.Background(), "inline.yaml", []byte("name: X\nsteps:\n  - wiat: 1m\n"))
		Expect(res).To(BeNil())
		Expect(err).To(MatchError(ContainSubstring(`inline.yaml:3:5: unknown key "wiat" in a step (did you mean "wait"?)`)))
	})

	It("overrides the seed", func() {
		res, err := ucssimtest.RunFile(context.Background(), "testdata/rollback.yaml", ucssimtest.Seed(7))
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Seed).To(Equal(uint64(7)))
	})
})

var _ = Describe("World", func() {
	It("builds a world a test drives, closed by the test's cleanup", func() {
		t := &recorder{}
		w := ucssimtest.World(t, "pool: pool1.contoso.com\nusers:\n  - {name: Ken Myer, sip: \"sip:kenmyer@contoso.com\", contacts: 2}")
		Expect(t.fatal).To(BeEmpty())
		ctx := context.Background()
		Expect(w.SignIn(ctx, "Ken Myer", "desktop", engine.Lync2013)).To(Succeed())
		Expect(w.Sched.RunUntil(w.Start.Add(600e9))).To(Succeed())
		st, err := w.Engine.Status("Ken Myer")
		Expect(err).NotTo(HaveOccurred())
		Expect(st.State).To(Equal(engine.Migrated))

		resp, err := http.Get(w.EWSURL)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(t.cleanups).NotTo(BeEmpty())
		t.end()
		_, err = http.Get(w.EWSURL)
		Expect(err).To(HaveOccurred(), "the world's EWS server is closed after the test's cleanup")
	})

	It("closes with Ginkgo's DeferCleanup through GinkgoT()", func() {
		w := ucssimtest.World(GinkgoT(), `users: [{name: Pilar Ackerman, sip: "sip:pilar@litwareinc.com"}]`)
		Expect(w.SignIn(context.Background(), "Pilar Ackerman", "desktop", engine.Lync2013)).To(Succeed())
	})

	It("fails the test on a bad world, with the position in the YAML", func() {
		t := &recorder{}
		Expect(ucssimtest.World(t, "pool: not a fqdn")).To(BeNil())
		Expect(t.fatal).To(ContainSubstring(`pool "not a fqdn" is not a fully qualified domain name`))
	})
})
