// Command ucssim runs and validates scenario files of the Lync Server 2013 unified contact store
// simulator (`ucssim run`, `ucssim validate`), opens a Management Shell over a world (`ucssim
// shell`, `ucssim serve`), draws timelines, prints the format's JSON Schema (`ucssim schema`),
// starts a project's scenarios folder (`ucssim init`) and names its build (`ucssim --version`).
//
// Exit codes: 0 every scenario passed; 1 some failed; 2 a file was invalid (nothing of it ran,
// the others still did), the filters selected no scenario, or the command line was wrong.
package main

import (
	"context"
	"os"
	"os/signal"
)

// atExit runs before the process exits (the profiling build's hooks; empty otherwise).
var atExit []func()

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	// The first Ctrl-C cancels ctx (a long wait stops at the next virtual event); from then on
	// Ctrl-C has its default effect again, so a second one exits at once.
	context.AfterFunc(ctx, stop)
	code := defaultApp().Execute(ctx, os.Args[1:])
	stop()
	for _, f := range atExit {
		f()
	}
	os.Exit(code)
}
