package runner_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// Running a scenario file: parse (or scenario.Load) it, run it on a fresh world, read the outcome
// and the trace. The same file and seed give the same trace, byte for byte.
func ExampleRun() {
	f, err := scenario.Parse("rollback.yaml", []byte(`
name: Rollback without a policy change is temporary
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 8}
steps:
  - signIn: Ken Myer
  - expect: {user: Ken Myer, state: Migrated, prompt: logoff}
    within: 15m
  - run: Invoke-CsUcsRollback -Identity "Ken Myer" -Confirm:$False
  - expect: {user: Ken Myer, contactsIn: lync, holdUntil: "+7d10m"}
  - until: "+7d10m"
  - expect: {event: migration.started, user: Ken Myer, count: 2}
`))
	if err != nil {
		panic(err)
	}
	res := runner.Run(context.Background(), f, runner.RunOptions{})
	fmt.Println("passed:", res.Passed, "virtual:", res.Virtual)
	fmt.Println("trace lines:", strings.Count(string(res.Trace), "\n"))

	// A failing expectation says where, what was expected and what was seen.
	bad, _ := scenario.Parse("bad.yaml", []byte(`
name: too soon
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com"}
steps:
  - signIn: Ken Myer
  - expect: {user: Ken Myer, state: Migrated}
`))
	res = runner.Run(context.Background(), bad, runner.RunOptions{})
	fmt.Println(res.Failure)
	// Output:
	// passed: true virtual: 168h10m0s
	// trace lines: 10
	// bad.yaml:8:5: expect: expected state: Migrated, saw state: Migrating
}
