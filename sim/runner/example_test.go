package runner_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// Running a scenario file (docs/BEHAVIOR.md B-4.5, a permanent rollback): parse (or scenario.Load) it, run it on a fresh world, read the outcome
// and the trace. The same file and seed give the same trace, byte for byte.
func ExampleRun() {
	f, err := scenario.Parse("permanent.yaml", []byte(`
name: A False policy and a rollback keep the contacts in Lync for good
world:
  users:
    - {name: Pilar Ackerman, sip: "sip:pilar@litwareinc.com", contacts: 5}
steps:
  - signIn: Pilar Ackerman
  - until: "+10m"
  - expect: {user: Pilar Ackerman, contactsIn: exchange}
  - run: Set-CsUserServicesPolicy -Identity global -UcsAllowed $False
  - run: Invoke-CsUcsRollback -Identity "Pilar Ackerman" -Confirm:$False
  - until: "+8d"
  - expect: {user: Pilar Ackerman, state: Disabled, contactsIn: lync, contacts: 5}
  - expect: {event: migration.started, user: Pilar Ackerman, count: 1}
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
	// passed: true virtual: 192h0m0s
	// trace lines: 10
	// bad.yaml:8:5: expect: expected state: Migrated, saw state: Migrating
}
