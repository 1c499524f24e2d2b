package engine_test

import (
	"fmt"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/sim/vclock"
)

// addUsers adds n users named "User i" (sip:useri@litwareinc.com) to w.
func addUsers(w *world, n int) {
	for i := range n {
		err := w.eng.AddUser(engine.UserSpec{Name: fmt.Sprintf("User %d", i), SIP: fmt.Sprintf("sip:user%d@litwareinc.com", i)})
		if err != nil {
			Expect(err).NotTo(HaveOccurred())
		}
	}
}

var _ = Describe("A world with many users (issue 10: loading is linear)", func() {
	// With a duplicate scan over every user, 50,000 users took many minutes to add; with the index
	// they take a fraction of a second (BenchmarkAddUser).
	It("adds 50,000 users and still finds each by display name, SIP address and UPN", func() {
		w := newWorld(1)
		addUsers(w, 50_000)
		Expect(w.eng.Users()).To(HaveLen(50_000))
		for _, id := range []string{"User 49999", "sip:user5@litwareinc.com", "USER37777@litwareinc.com"} {
			_, err := w.eng.ResolveUser(id)
			Expect(err).NotTo(HaveOccurred(), id)
		}
	})

	It("still refuses a duplicate display name or UPN, naming the user who has it", func() {
		w := newWorld(1)
		addUsers(w, 10)
		err := w.eng.AddUser(engine.UserSpec{Name: "user 3", SIP: "sip:other@litwareinc.com"})
		Expect(err).To(MatchError(`user "user 3": the display name is already in use by sip:user3@litwareinc.com`))
		err = w.eng.AddUser(engine.UserSpec{Name: "Other", SIP: "sip:other@litwareinc.com", UPN: "User4@litwareinc.com"})
		Expect(err).To(MatchError(`user "Other": UPN User4@litwareinc.com is already in use by sip:user4@litwareinc.com`))
		Expect(w.eng.Users()).To(HaveLen(10))
	})

	It("reports an identity that is one user's name and another's UPN as ambiguous", func() {
		w := newWorld(1)
		Expect(w.eng.AddUser(engine.UserSpec{Name: "ken@litwareinc.com", SIP: "sip:a@litwareinc.com"})).To(Succeed())
		Expect(w.eng.AddUser(engine.UserSpec{Name: "Ken", SIP: "sip:b@litwareinc.com", UPN: "KEN@litwareinc.com"})).To(Succeed())
		_, err := w.eng.ResolveUser("ken@litwareinc.com")
		Expect(err).To(MatchError(`user identity "ken@litwareinc.com" is ambiguous (sip:a@litwareinc.com, sip:b@litwareinc.com)`))
	})
})

// BenchmarkAddUser measures adding one user to a world that already holds b.N users.
func BenchmarkAddUser(b *testing.B) {
	s := vclock.New(vclock.DefaultStart)
	eng, err := engine.New(engine.Config{Clock: s.Clock(), Scheduler: s, Exchange: enginetest.New(enginetest.Config{Clock: s.Clock(), Sleeper: s})})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := eng.AddUser(engine.UserSpec{Name: fmt.Sprintf("User %d", i), SIP: fmt.Sprintf("sip:user%d@litwareinc.com", i)}); err != nil {
			b.Fatal(err)
		}
	}
}
