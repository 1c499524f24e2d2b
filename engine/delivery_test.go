package engine_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
)

var _ = Describe("Delivery of events and notifications (docs/ARCHITECTURE.md D-4)", func() {
	It("calls OnEvent and the Listener outside the engine lock, in order, with the virtual time", func() {
		var w *world
		var states []engine.State
		var times []time.Time
		w = newWorld(1, func(c *engine.Config) {
			c.OnEvent = func(ev engine.Event) {
				st, err := w.eng.Status(kenSIP) // would deadlock if called under the lock
				Expect(err).NotTo(HaveOccurred())
				states = append(states, st.State)
				times = append(times, ev.Time)
			}
		})
		w.addUser(kenSpec(), 2)
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.advance(10 * time.Minute)
		Expect(states).To(Equal([]engine.State{engine.Migrating, engine.Migrating, engine.Migrated, engine.Migrated}),
			"migration.started, signin, migration.completed, prompt.shown")
		Expect(times[0]).To(Equal(vclockStart()))
		Expect(times[2]).To(Equal(vclockStart().Add(10 * time.Minute)))
	})

	It("maps Favorites to the Exchange system group and back on rollback", func() {
		w := newWorld(1)
		w.ex.AddMailbox(kenMbox, engine.MailboxExchange2013)
		Expect(w.eng.AddUser(engine.UserSpec{Name: "Ken Myer", SIP: kenSIP, Contacts: []engine.ContactSpec{
			{URI: "sip:pilar@litwareinc.com", Groups: []string{"Team", "Favorites"}},
		}})).To(Succeed())
		w.migrate("Ken Myer")
		l, _, _ := w.ex.List(kenMbox)
		for _, g := range l.Groups {
			if g.Type == engine.GroupFavorites || g.DisplayName == "Team" {
				Expect(g.Members).To(HaveLen(1), g.DisplayName)
			}
		}
		w.mustRun("Invoke-CsUcsRollback 'Ken Myer'")
		cl, _ := w.eng.ContactList("Ken Myer")
		names := map[int]string{}
		for _, g := range cl.Groups {
			names[g.ID] = g.Name
		}
		Expect(cl.Contacts).To(HaveLen(1))
		var groups []string
		for _, id := range cl.Contacts[0].Groups {
			groups = append(groups, names[id])
		}
		Expect(groups).To(ConsistOf("Team", "Favorites"))
	})
})
