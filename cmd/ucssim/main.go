// Command ucssim runs and validates scenario files of the Lync Server 2013 unified contact store
// simulator (`ucssim run`, `ucssim validate`), opens a Management Shell over a world (`ucssim
// shell`, `ucssim serve`), draws timelines, prints the format's JSON Schema (`ucssim schema`),
// starts a project's scenarios folder (`ucssim init`) and names its build (`ucssim --version`).
//
// Exit codes: 0 every scenario passed; 1 some failed; 2 a file was invalid (nothing of it ran,
// the others still did), the filters selected no scenario, or the command line was wrong; 130 a
// second Ctrl-C ended it at once (the first stops a long wait at its next virtual event).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

// atExit runs before the process exits (the profiling build's hooks; empty otherwise).
var atExit []func()

func main() {
	armStallDump()
	ctx, cancel := context.WithCancel(context.Background())
	interrupts := make(chan os.Signal, 2)
	signal.Notify(interrupts, os.Interrupt)
	go func() {
		<-interrupts
		cancel() // the first Ctrl-C: a long wait stops at the next virtual event
		fmt.Fprintln(os.Stderr, "Interrupted: stopping at the next virtual event (Ctrl-C again quits at once).")
		<-interrupts
		os.Exit(exitInterrupted) // the second, however soon: at once, whatever the first waits for
	}()
	code := defaultApp().Execute(ctx, os.Args[1:])
	signal.Stop(interrupts)
	for _, f := range atExit {
		f()
	}
	os.Exit(code)
}

// exitInterrupted is the exit code after a second Ctrl-C (128 + SIGINT, as shells report it).
const exitInterrupted = 130
