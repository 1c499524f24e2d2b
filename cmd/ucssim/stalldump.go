package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/ucssim/ucssim/sim/vclock"
)

// stallDumpEnv names a file that receives every goroutine's stack when a world does not settle
// ("world did not settle: no progress for 15s"), taken while the stuck work is still stuck.
const stallDumpEnv = "UCSSIM_STALL_DUMP"

// armStallDump sets vclock's stall hook from the environment; each stall appends one dump.
func armStallDump() {
	path := os.Getenv(stallDumpEnv)
	if path == "" {
		return
	}
	vclock.StallHook = func(err *vclock.ErrNotQuiescent) {
		f, ferr := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if ferr != nil {
			fmt.Fprintf(os.Stderr, "ucssim: %s: %v\n", stallDumpEnv, ferr)
			return
		}
		defer f.Close()
		fmt.Fprintf(f, "=== %v\n", err)
		_ = pprof.Lookup("goroutine").WriteTo(f, 2)
		fmt.Fprintf(os.Stderr, "ucssim: goroutine stacks of the stall written to %s\n", path)
	}
}
