package sim_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
)

const twoUsers = `
name: two users
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 3}
    - {name: Pilar Ackerman, sip: "sip:pilar@litwareinc.com", contacts: 2}
steps:
  - wait: 1s
`

var _ = Describe("The world's actions", func() {
	ctx := context.Background()

	It("lists a user's signed-in endpoints most recent first, by any identity", func() {
		w := newWorld(twoUsers)
		Expect(w.SignIn(ctx, "Ken Myer", "desktop", engine.Lync2013)).To(Succeed())
		Expect(w.SignIn(ctx, "kenmyer@litwareinc.com", "phone", engine.Mobile)).To(Succeed())
		eps := w.SignedIn("sip:kenmyer@litwareinc.com")
		Expect(eps).To(HaveLen(2))
		Expect(eps[0].Name).To(Equal("phone"))
		Expect(eps[0].Kind).To(Equal(engine.Mobile))
		Expect(eps[1].Name).To(Equal("desktop"))
		Expect(eps[1].View.ReadsFrom).To(Equal(engine.ReadsLync))
		Expect(w.SignOut(ctx, "Ken Myer", "phone")).To(Succeed())
		Expect(w.SignedIn("Ken Myer")).To(HaveLen(1))
		Expect(w.SignedIn("Pilar Ackerman")).To(BeEmpty())
		Expect(w.SignedIn("nobody")).To(BeEmpty())
	})

	It("migrates a Lync 2013 user on virtual time and shows the prompt", func() {
		w := newWorld(twoUsers)
		Expect(w.SignIn(ctx, "Ken Myer", "", "")).To(Succeed())
		Expect(w.Sched.Advance(10 * time.Minute)).To(Succeed())
		st, err := w.Engine.Status("Ken Myer")
		Expect(err).NotTo(HaveOccurred())
		Expect(st.State).To(Equal(engine.Migrated))
		Expect(w.SignedIn("Ken Myer")[0].View.Prompt).To(BeTrue())
		Expect(w.Trace.Count("migration.completed", "sip:kenmyer@litwareinc.com")).To(Equal(1))
	})
})
