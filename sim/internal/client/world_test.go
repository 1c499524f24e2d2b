package client_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
	"github.com/ucssim/ucssim/sim/internal/client"
	"github.com/ucssim/ucssim/sim/internal/frontend"
	"github.com/ucssim/ucssim/sim/vclock"
)

// The front end must expose the real engine.
var _ frontend.Engine = (*engine.Engine)(nil)

// world is the real thing on loopback: the virtual-time scheduler, the engine, the EWS mock, the
// SIP front end, and clients.
type world struct {
	sched  *vclock.Scheduler
	eng    *engine.Engine
	exch   *ews.Server
	ewsURL string
	fe     *frontend.Server
	in     *ews.Insiders
}

func newWorld() *world {
	w := &world{sched: vclock.New(vclock.DefaultStart)}
	key := []byte("client spec server-to-server trust key")
	insiders := ews.NewInsiders()
	w.in = insiders
	var eng *engine.Engine
	w.exch = ews.NewServer(ews.Config{
		Clock: w.sched.Clock(), Sleeper: w.sched, Counter: w.sched.Tracker(), Insiders: insiders, TrustKey: key, Seed: 7,
		OnChange: func(mailbox string, byServer bool) {
			if !byServer && eng != nil {
				eng.ExchangeChanged("sip:" + mailbox)
			}
		},
	})
	var err error
	w.ewsURL, err = w.exch.Start("127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(w.exch.Close)
	server := ews.NewClient(ews.ClientConfig{BaseURL: w.ewsURL, Insiders: insiders, Held: 1,
		Token: func() string { return ews.SignToken(key, "lync-server", w.sched.Now(), time.Hour) }})
	eng, err = engine.New(engine.Config{Clock: w.sched.Clock(), Scheduler: w.sched, Exchange: server, Rand: rand.New(rand.NewPCG(1, 2))})
	Expect(err).NotTo(HaveOccurred())
	w.eng = eng
	w.fe, err = frontend.New(frontend.Config{Engine: eng, Counter: w.sched.Tracker(), Scheduler: w.sched, Clock: w.sched.Clock()})
	Expect(err).NotTo(HaveOccurred())
	Expect(w.fe.Start("127.0.0.1:0", "127.0.0.1:0")).To(Succeed())
	DeferCleanup(w.fe.Close)
	eng.SetListener(w.fe)

	w.exch.AddMailbox("ken@litwareinc.com", "Ken Myer", engine.MailboxExchange2013)
	Expect(eng.AddUser(engine.UserSpec{Name: "Ken Myer", SIP: ken, Contacts: []engine.ContactSpec{
		{URI: "sip:pat@litwareinc.com", Name: "Pat"}, {URI: "sip:lee@litwareinc.com", Groups: []string{"Project"}},
	}})).To(Succeed())
	Expect(w.sched.Settle()).To(Succeed())
	return w
}

func (w *world) client(kind engine.ClientKind, name string) *client.Client {
	c, err := client.New(client.Config{User: ken, Kind: kind, Endpoint: name, Server: w.fe.TCPAddr(),
		EWSBaseURL: w.ewsURL, EWSAccess: w.in, Counter: w.sched.Tracker(), Scheduler: w.sched, Clock: w.sched.Clock()})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(c.Close)
	return c
}

// step runs fn as a scenario step does: holding one quiescence unit.
func (w *world) step(fn func() error) error {
	end := w.sched.Tracker().Begin("spec.step")
	defer end()
	return fn()
}

// migratedDesk is Ken's Lync 2013 endpoint "desk" after the 10-minute migration its sign-in
// started and the prompt it accepted (signed in again, reading from Exchange).
func (w *world) migratedDesk(ctx context.Context) *client.Client {
	GinkgoHelper()
	desk := w.client(engine.Lync2013, "desk")
	Expect(w.step(func() error { return desk.SignIn(ctx) })).To(Succeed())
	Expect(w.sched.Advance(10 * time.Minute)).To(Succeed())
	Expect(w.step(func() error { return desk.AcceptPrompt(ctx) })).To(Succeed())
	Expect(w.sched.Settle()).To(Succeed())
	return desk
}

func (w *world) state() engine.State {
	st, err := w.eng.Status(ken)
	Expect(err).NotTo(HaveOccurred())
	return st.State
}

var _ = Describe("the simulated clients in a real world (engine, EWS mock, front end)", func() {
	ctx := context.Background()

	It("migrates on a Lync 2013 sign-in, prompts after 10 minutes, and reads from Exchange once the prompt is accepted", func() {
		w := newWorld()
		desk := w.client(engine.Lync2013, "desk")
		Expect(w.step(func() error { return desk.SignIn(ctx) })).To(Succeed())
		Expect(w.sched.Settle()).To(Succeed())
		Expect(w.state()).To(Equal(engine.Migrating))
		Expect(desk.View().URIs()).To(Equal([]string{"lee@litwareinc.com", "pat@litwareinc.com"}))

		Expect(w.sched.Advance(9 * time.Minute)).To(Succeed())
		Expect(desk.View().Prompt).To(BeFalse(), "migration takes 10 minutes")
		Expect(w.sched.Advance(time.Minute)).To(Succeed())
		Expect(w.state()).To(Equal(engine.Migrated))
		v := desk.View()
		Expect(v.Prompts).To(Equal([]string{client.PromptMigrated}))
		Expect(v.ReadsFrom).To(Equal(engine.ReadsLync), "the old view stays until the user logs off")

		Expect(w.step(func() error { return desk.AcceptPrompt(ctx) })).To(Succeed())
		Expect(w.sched.Settle()).To(Succeed())
		v = desk.View()
		Expect(v.Prompt).To(BeFalse())
		Expect(v.ReadsFrom).To(Equal(engine.ReadsExchange))
		Expect(v.Contacts).To(ConsistOf(
			client.ViewContact{URI: "pat@litwareinc.com", Name: "Pat", Groups: []string{"Other Contacts"}},
			And(HaveField("URI", "lee@litwareinc.com"), HaveField("Groups", []string{"Project"})),
		))

		By("editing over EWS once migrated")
		Expect(w.step(func() error { return desk.AddContact(ctx, "sip:kim@litwareinc.com", "Kim", "Project") })).To(Succeed())
		Expect(w.sched.Settle()).To(Succeed())
		list, migrated, err := w.exch.List("ken@litwareinc.com")
		Expect(err).NotTo(HaveOccurred())
		Expect(migrated).To(BeTrue())
		Expect(list.Contacts).To(ContainElement(HaveField("IMAddress", "kim@litwareinc.com")))
		Expect(desk.View().URIs()).To(ContainElement("kim@litwareinc.com"))
	})

	It("gives a Lync 2010 endpoint the migrated list read-only", func() {
		w := newWorld()
		desk := w.client(engine.Lync2013, "desk")
		Expect(w.step(func() error { return desk.SignIn(ctx) })).To(Succeed())
		Expect(w.sched.Advance(10 * time.Minute)).To(Succeed())
		Expect(w.state()).To(Equal(engine.Migrated))

		old := w.client(engine.Lync2010, "old")
		Expect(w.step(func() error { return old.SignIn(ctx) })).To(Succeed())
		v := old.View()
		Expect(v.ReadsFrom).To(Equal(engine.ReadsReadOnly))
		Expect(v.URIs()).To(Equal([]string{"lee@litwareinc.com", "pat@litwareinc.com"}))
		err := w.step(func() error { return old.RemoveContact(ctx, "pat@litwareinc.com") })
		var se *client.SIPError
		Expect(errors.As(err, &se)).To(BeTrue(), "got %v", err)
		Expect([]int{se.Status, se.Diag}).To(Equal([]int{403, 2165}))
		Expect(w.sched.Settle()).To(Succeed())
		Expect(old.View().URIs()).To(Equal([]string{"lee@litwareinc.com", "pat@litwareinc.com"}))
	})

	It("re-reads from Exchange when the list changes in Outlook, without a prompt", func() {
		w := newWorld()
		desk := w.migratedDesk(ctx)

		Expect(w.exch.OutlookAddContact("ken@litwareinc.com", "ann@litwareinc.com", "Ann")).To(Succeed())
		Expect(w.sched.Settle()).To(Succeed())
		v := desk.View()
		Expect(v.URIs()).To(ContainElement("ann@litwareinc.com"))
		Expect(v.Prompts).To(Equal([]string{client.PromptMigrated}), "a trigger is no prompt")
	})

	It("prompts a migrated Lync 2013 endpoint when the list is rolled back, then reads from Lync again", func() {
		w := newWorld()
		desk := w.migratedDesk(ctx)
		Expect(desk.View().ReadsFrom).To(Equal(engine.ReadsExchange))

		Expect(w.step(func() error {
			_, err := w.eng.Run(ctx, "Invoke-CsUcsRollback -Identity sip:ken@litwareinc.com -Confirm:$False", engine.RunOptions{})
			return err
		})).To(Succeed())
		Expect(w.sched.Settle()).To(Succeed())
		v := desk.View()
		Expect(v.Prompts).To(Equal([]string{client.PromptMigrated, client.PromptRolledBack}))
		Expect(w.step(func() error { return desk.AcceptPrompt(ctx) })).To(Succeed())
		v = desk.View()
		Expect(v.ReadsFrom).To(Equal(engine.ReadsLync))
		Expect(v.URIs()).To(Equal([]string{"lee@litwareinc.com", "pat@litwareinc.com"}))
	})
})
