package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/sim/vclock"
)

// BenchmarkMigrateRollback: one user with 100 contacts migrated, rolled back, and re-migrated at
// the end of the hold, against the in-memory Exchange.
func BenchmarkMigrateRollback(b *testing.B) {
	contacts := make([]engine.ContactSpec, 100)
	for i := range contacts {
		contacts[i] = engine.ContactSpec{URI: fmt.Sprintf("sip:c%03d@fabrikam.com", i), Groups: []string{[]string{"", "Team", "Friends", "Favorites"}[i%4]}}
	}
	ctx := context.Background()
	for b.Loop() {
		s := vclock.New(vclock.DefaultStart)
		clk := s.Clock()
		ex := enginetest.New(enginetest.Config{Clock: clk, Sleeper: s})
		ex.AddMailbox(kenMbox, engine.MailboxExchange2013)
		eng, err := engine.New(engine.Config{Clock: clk, Scheduler: s, Exchange: ex})
		if err != nil {
			b.Fatal(err)
		}
		if err := eng.AddUser(engine.UserSpec{Name: "Ken Myer", SIP: kenSIP, Contacts: contacts}); err != nil {
			b.Fatal(err)
		}
		if _, err := eng.SignIn(kenSIP, "desktop", engine.Lync2013); err != nil {
			b.Fatal(err)
		}
		if err := s.RunUntil(s.Now().Add(10 * time.Minute)); err != nil {
			b.Fatal(err)
		}
		eng.SignOut(kenSIP, "desktop")
		if _, err := eng.Run(ctx, "Invoke-CsUcsRollback 'Ken Myer' -Confirm:$False", engine.RunOptions{}); err != nil {
			b.Fatal(err)
		}
		if err := s.RunUntil(s.Now().Add(7*24*time.Hour + 10*time.Minute)); err != nil {
			b.Fatal(err)
		}
		st, _ := eng.Status(kenSIP)
		if st.State != engine.Migrated || st.Attempts != 2 {
			b.Fatalf("after re-migration: state %s, attempts %d", st.State, st.Attempts)
		}
		if l, _, _ := ex.List(kenMbox); len(l.Contacts) != 100 {
			b.Fatalf("Exchange holds %d contacts, want 100", len(l.Contacts))
		}
	}
}
