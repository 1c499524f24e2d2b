package sim

import (
	"os"
	"runtime"
	"time"
)

// Resources is what a process holds that a world may leak: goroutines and open file descriptors
// (sockets included). FDs is -1 where /proc/self/fd cannot be read.
type Resources struct {
	Goroutines, FDs int
}

// CountResources counts the goroutines and open file descriptors of the process now. The Go
// runtime's network poller (an epoll descriptor and an eventfd, opened at the first network use and
// kept for the life of the process) is not counted: it is no world's.
func CountResources() Resources {
	r := Resources{Goroutines: runtime.NumGoroutine(), FDs: -1}
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		r.FDs = len(ents) - 1 // the directory being read is one of them
		for _, e := range ents {
			switch l, _ := os.Readlink("/proc/self/fd/" + e.Name()); l {
			case "anon_inode:[eventpoll]", "anon_inode:[eventfd]":
				r.FDs--
			}
		}
	}
	return r
}

// WaitResources waits (real time, at most limit) until the process holds no more than before:
// goroutines and sockets of a closed world wind down asynchronously.
func WaitResources(before Resources, limit time.Duration) (Resources, bool) {
	deadline := time.Now().Add(limit)
	for {
		now := CountResources()
		if now.Goroutines <= before.Goroutines && (before.FDs < 0 || now.FDs <= before.FDs) {
			return now, true
		}
		if time.Now().After(deadline) {
			return now, false
		}
		runtime.Gosched()
		time.Sleep(5 * time.Millisecond) // real time: waiting for the runtime, not for virtual time
	}
}
