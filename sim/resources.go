package sim

import (
	"bytes"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Resources is what a process holds that a world may leak: goroutines and open file descriptors
// (sockets included). FDs is -1 where /proc/self/fd cannot be read. World counts the goroutines
// running a world's code (the engine, the clock, the servers, the clients, sipgo, net/http
// connections): unlike the total, it cannot be masked by unrelated goroutines that ended meanwhile.
type Resources struct {
	Goroutines, FDs int
	World           int
	// Leaked names the world functions those goroutines are in ("engine.(*Engine).purgeMailbox x2").
	Leaked string
}

// worldCode are the stack frames that make a goroutine a world's.
var worldCode = []string{
	"github.com/ucssim/ucssim/engine.", "github.com/ucssim/ucssim/sim/vclock.", "github.com/ucssim/ucssim/sim/internal/",
	"github.com/ucssim/ucssim/mocks/", "github.com/emiago/sipgo", "net/http.(*conn).serve", "net/http.(*persistConn)",
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
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	where := map[string]int{}
	// The first stack is the calling goroutine's.
	for i, g := range bytes.Split(buf, []byte("\n\n")) {
		if i == 0 {
			continue
		}
		// Named by its first world frame outside the clock (what parked, not where).
		name := ""
		for _, line := range strings.Split(string(g), "\n") {
			if hasWorldCode(line) {
				f := strings.TrimPrefix(line[:strings.LastIndexByte(line, '(')], "github.com/ucssim/ucssim/")
				if name == "" || strings.HasPrefix(name, "sim/vclock.") {
					name = f
				}
				if !strings.HasPrefix(name, "sim/vclock.") {
					break
				}
			}
		}
		if name != "" {
			r.World++
			where[name]++
		}
	}
	names := make([]string, 0, len(where))
	for f, n := range where {
		if n > 1 {
			f += " x" + itoa(n)
		}
		names = append(names, f)
	}
	sort.Strings(names)
	r.Leaked = strings.Join(names, ", ")
	return r
}

func hasWorldCode(frame string) bool {
	if strings.HasPrefix(frame, "\t") || strings.HasPrefix(frame, "created by") || !strings.Contains(frame, "(") {
		return false
	}
	for _, c := range worldCode {
		if strings.HasPrefix(frame, c) {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for n > 0 || i == len(b) {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// WaitResources waits (real time, at most limit) until the process holds no more than before:
// goroutines and sockets of a closed world wind down asynchronously.
func WaitResources(before Resources, limit time.Duration) (Resources, bool) {
	deadline := time.Now().Add(limit)
	for {
		now := CountResources()
		if now.Goroutines <= before.Goroutines && now.World <= before.World && (before.FDs < 0 || now.FDs <= before.FDs) {
			return now, true
		}
		if time.Now().After(deadline) {
			return now, false
		}
		runtime.Gosched()
		time.Sleep(5 * time.Millisecond) // real time: waiting for the runtime, not for virtual time
	}
}
