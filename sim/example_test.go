package sim_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/scenario"
)

// A world built programmatically: Ken signs in with Lync 2013 and, 10 virtual minutes later, his
// contacts are in Exchange and his client asks him to log off (docs/BEHAVIOR.md B-2.2, B-3.1).
func ExampleWorld() {
	f, err := scenario.Parse("example.yaml", []byte(`
name: example
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 12}
steps:
  - wait: 1s
`))
	if err != nil {
		panic(err)
	}
	w, err := sim.NewWorld(f.World, f.Start, f.Seed, sim.WorldOptions{})
	if err != nil {
		panic(err)
	}
	defer w.Close()

	ctx := context.Background()
	if err := w.SignIn(ctx, "Ken Myer", "desktop", engine.Lync2013); err != nil {
		panic(err)
	}
	if err := w.Sched.Advance(10 * time.Minute); err != nil {
		panic(err)
	}
	st, _ := w.Engine.Status("Ken Myer")
	contacts, _ := w.Contacts("Ken Myer")
	fmt.Println(st.State, st.ContactsIn, len(contacts))
	fmt.Println("prompt:", w.SignedIn("Ken Myer")[0].View.Prompt)
	for _, e := range w.Trace.Events() {
		fmt.Println(e.Time.Format("15:04"), e.Type)
	}
	// Output:
	// Migrated exchange 12
	// prompt: true
	// 09:00 signin
	// 09:00 migration.started
	// 09:10 migration.completed
	// 09:10 prompt.shown
}

// A cmdlet line runs exactly as an administrator types it; the world answers confirmations with
// the function given (nil: yes, as scenario files do).
func ExampleWorld_RunCmdlet() {
	f, _ := scenario.Parse("example.yaml", []byte(`
name: example
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com"}
steps:
  - wait: 1s
`))
	w, err := sim.NewWorld(f.World, f.Start, f.Seed, sim.WorldOptions{})
	if err != nil {
		panic(err)
	}
	defer w.Close()
	res, err := w.RunCmdlet(context.Background(), `Get-CsUserServicesPolicy -Identity global`, nil)
	if err != nil {
		panic(err)
	}
	for _, rec := range res.Records {
		v, _ := rec.Get("UcsAllowed")
		fmt.Println("global UcsAllowed:", v)
	}
	_, err = w.RunCmdlet(context.Background(), `Grant-CsUserServicesPolicy -Identity "Nobody" -PolicyName $Null`, nil)
	fmt.Println(errors.Is(err, engine.ErrUnknownUser))
	// Output:
	// global UcsAllowed: True
	// true
}
