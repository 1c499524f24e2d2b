package ucssimtest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/ucssimtest"
)

// Run a scenario file and look at the result; in a test, ucssimtest.Check(t, path) does this and
// fails the test with the report.
func ExampleRunFile() {
	res, err := ucssimtest.RunFile(context.Background(), "testdata/rollback.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: passed %t, %s of virtual time\n", res.File.Name, res.Passed, scenario.FormatDuration(res.Virtual))
	// Output: Rollback without a policy change is temporary: passed true, 7d10m of virtual time
}

// A failed scenario reports where, what was expected, what was seen, and the step's note.
func ExampleReport() {
	res, _ := ucssimtest.RunFile(context.Background(), "testdata/failing.yaml")
	fmt.Println(res.Passed)
	fmt.Println(res.Failure.Line, res.Failure.Note)
	// Output:
	// false
	// 8 migration takes 10 minutes, so this cannot hold
}

// Build a world and drive it step by step: a week of product behaviour runs in milliseconds.
func ExampleNewWorld() {
	w, err := ucssimtest.NewWorld(`users: [{name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 3}]`)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Close()
	ctx := context.Background()
	if err := w.SignIn(ctx, "Ken Myer", "desktop", engine.Lync2013); err != nil {
		fmt.Println(err)
		return
	}
	if err := w.Sched.Advance(10 * time.Minute); err != nil {
		fmt.Println(err)
		return
	}
	st, err := w.Engine.Status("Ken Myer")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.State, st.ContactsIn)
	// Output: Migrated exchange
}

// The suite bundled with ucssim is at hand too.
func ExampleRunBundled() {
	res, err := ucssimtest.RunBundled(context.Background(), "seed/per-user-policy-story.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Passed)
	// Output: true
}
