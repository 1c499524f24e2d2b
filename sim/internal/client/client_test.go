package client_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/sim/internal/client"
	"github.com/ucssim/ucssim/sim/internal/frontend"
	"github.com/ucssim/ucssim/sim/vclock"
)

const ken = "sip:ken@litwareinc.com"

var _ = Describe("a simulated client against the front end (fake engine)", func() {
	var (
		sched *vclock.Scheduler
		eng   *enginetest.FakeEngine
		srv   *frontend.Server
		ctx   = context.Background()
	)

	BeforeEach(func() {
		sched = vclock.New(vclock.DefaultStart)
		eng = enginetest.NewFakeEngine()
		eng.AddUser(ken, "pat@litwareinc.com")
		var err error
		srv, err = frontend.New(frontend.Config{Engine: eng, Counter: sched.Tracker(), Scheduler: sched, Clock: sched.Clock()})
		Expect(err).NotTo(HaveOccurred())
		Expect(srv.Start("127.0.0.1:0", "")).To(Succeed())
		eng.SetListener(srv)
		DeferCleanup(srv.Close)
	})

	newClient := func(kind engine.ClientKind, name string) *client.Client {
		c, err := client.New(client.Config{User: ken, Kind: kind, Endpoint: name, Server: srv.TCPAddr(),
			Counter: sched.Tracker(), Scheduler: sched, Clock: sched.Clock()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(c.Close)
		return c
	}
	settle := func() { Expect(sched.Settle()).To(Succeed()) }

	It("refuses a bad configuration, naming each field", func() {
		_, err := client.New(client.Config{User: "ken@litwareinc.com", Kind: "lync2007", Endpoint: "a b"})
		Expect(err).To(MatchError(And(ContainSubstring("User"), ContainSubstring("Kind"), ContainSubstring("Endpoint"), ContainSubstring("Server"))))
	})

	DescribeTable("signs in each client kind and shows the list from Lync",
		func(kind engine.ClientKind, wireKind string) {
			c := newClient(kind, "desk")
			Expect(c.SignIn(ctx)).To(Succeed())
			v := c.View()
			Expect(v.SignedIn).To(BeTrue())
			Expect(v.ReadsFrom).To(Equal(engine.ReadsLync))
			Expect(v.Contacts).To(Equal([]client.ViewContact{{URI: "pat@litwareinc.com", Groups: []string{"Other Contacts"}}}))
			Expect(eng.Calls()).To(Equal([]string{"SignIn " + ken + " desk " + wireKind}))
		},
		Entry("Lync 2013", engine.Lync2013, "lync2013"),
		Entry("Lync 2010", engine.Lync2010, "lync2010"),
		Entry("mobile", engine.Mobile, "mobile"),
	)

	It("adds, moves and removes contacts through SERVICE and sees each delta", func() {
		c := newClient(engine.Lync2013, "desk")
		Expect(c.SignIn(ctx)).To(Succeed())
		Expect(c.AddContact(ctx, "sip:lee@litwareinc.com", "Lee", "Project")).To(Succeed())
		settle()
		Expect(c.View().Contacts).To(ContainElement(client.ViewContact{URI: "lee@litwareinc.com", Name: "Lee", Groups: []string{"Project"}}))
		Expect(c.MoveContact(ctx, "lee@litwareinc.com", "")).To(Succeed())
		settle()
		Expect(c.View().Contacts).To(ContainElement(client.ViewContact{URI: "lee@litwareinc.com", Name: "Lee", Groups: []string{"Other Contacts"}}))
		Expect(c.RemoveContact(ctx, "sip:pat@litwareinc.com")).To(Succeed())
		settle()
		v := c.View()
		Expect(v.URIs()).To(Equal([]string{"lee@litwareinc.com"}))
		Expect(v.DeltaNum).To(Equal(5), "addGroup, setContact, move, delete: four deltas after 1")
	})

	It("sees another endpoint's write as a delta", func() {
		desk, phone := newClient(engine.Lync2013, "desk"), newClient(engine.Mobile, "phone")
		Expect(desk.SignIn(ctx)).To(Succeed())
		Expect(phone.SignIn(ctx)).To(Succeed())
		Expect(desk.AddContact(ctx, "kim@litwareinc.com", "", "")).To(Succeed())
		settle()
		Expect(phone.View().URIs()).To(ConsistOf("pat@litwareinc.com", "kim@litwareinc.com"))
	})

	It("shows the log-off prompt when the list migrates, keeps its old view and refuses edits locally", func() {
		c := newClient(engine.Lync2013, "desk")
		Expect(c.SignIn(ctx)).To(Succeed())
		eng.Migrate(ken)
		settle()
		v := c.View()
		Expect(v.Prompt).To(BeTrue())
		Expect(v.Prompts).To(Equal([]string{client.PromptMigrated}))
		Expect(v.ReadsFrom).To(Equal(engine.ReadsLync))
		Expect(v.URIs()).To(Equal([]string{"pat@litwareinc.com"}))
		Expect(c.AddContact(ctx, "kim@litwareinc.com", "", "")).To(MatchError(client.ErrPromptShowing))
		Expect(eng.Calls()).NotTo(ContainElement(HavePrefix("Apply")))
	})

	It("gives a Lync 2010 endpoint of a migrated user a read-only list; writes get 403 with 2165", func() {
		eng.Migrate(ken)
		c := newClient(engine.Lync2010, "old")
		Expect(c.SignIn(ctx)).To(Succeed())
		v := c.View()
		Expect(v.ReadsFrom).To(Equal(engine.ReadsReadOnly))
		Expect(v.URIs()).To(Equal([]string{"pat@litwareinc.com"}))
		err := c.AddContact(ctx, "kim@litwareinc.com", "", "")
		var se *client.SIPError
		Expect(errors.As(err, &se)).To(BeTrue(), "got %v", err)
		Expect(se.Status).To(Equal(403))
		Expect(se.Diag).To(Equal(2165))
	})

	It("refuses AcceptPrompt when no prompt shows, and edits when signed out", func() {
		c := newClient(engine.Lync2010, "old")
		Expect(c.AcceptPrompt(ctx)).To(MatchError(ContainSubstring("no log-off prompt")))
		Expect(c.AddContact(ctx, "kim@litwareinc.com", "", "")).To(MatchError(client.ErrNotSignedIn))
	})

	It("signs out with REGISTER Expires: 0, and a closed client is signed out by its connection", func() {
		a, b := newClient(engine.Lync2013, "a"), newClient(engine.Lync2010, "b")
		Expect(a.SignIn(ctx)).To(Succeed())
		Expect(b.SignIn(ctx)).To(Succeed())
		Expect(a.SignOut(ctx)).To(Succeed())
		Expect(a.View().SignedIn).To(BeFalse())
		Expect(eng.Endpoints(ken)).To(Equal([]string{"b lync2010 lync"}))
		Expect(b.Close()).To(Succeed())
		Eventually(func() []string { return eng.Endpoints(ken) }).WithTimeout(2 * time.Second).WithPolling(10 * time.Millisecond).Should(BeEmpty())
	})

	It("receives a 1000-contact list over TCP", func() {
		many := make([]string, 1000)
		for i := range many {
			many[i] = fmt.Sprintf("contact%04d.with.a.rather.long.alias@fabrikam.example.com", i)
		}
		eng.AddUser("sip:big@litwareinc.com", many...)
		c, err := client.New(client.Config{User: "sip:big@litwareinc.com", Kind: engine.Lync2010, Server: srv.TCPAddr(), Counter: sched.Tracker()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(c.Close)
		Expect(c.SignIn(ctx)).To(Succeed())
		Expect(c.View().Contacts).To(HaveLen(1000))
	})

	It("stays signed in across a virtual week by refreshing registration and subscription", func() {
		c := newClient(engine.Lync2013, "desk")
		Expect(c.SignIn(ctx)).To(Succeed())
		Expect(sched.Advance(7 * 24 * time.Hour)).To(Succeed())
		Expect(eng.Endpoints(ken)).To(Equal([]string{"desk lync2013 lync"}))
		Expect(c.AddContact(ctx, "kim@litwareinc.com", "", "")).To(Succeed())
		settle()
		Expect(c.View().URIs()).To(ContainElement("kim@litwareinc.com"), "the subscription still delivers deltas")
	})
})
