//go:build ucssim_pprof

package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

// With -tags ucssim_pprof, UCSSIM_CPUPROFILE and UCSSIM_MEMPROFILE name files that receive the
// whole process's CPU and allocation profiles (for measuring, never in a release build).
func init() {
	if p := os.Getenv("UCSSIM_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			panic(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			panic(err)
		}
		atExit = append(atExit, func() { pprof.StopCPUProfile(); f.Close() })
	}
	if p := os.Getenv("UCSSIM_MEMPROFILE"); p != "" {
		runtime.MemProfileRate = 64 * 1024
		atExit = append(atExit, func() {
			f, err := os.Create(p)
			if err != nil {
				panic(err)
			}
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		})
	}
}
