package sim_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
)

// BenchmarkWire measures a small population's story on each wire: per op, a world of 20 users
// with 100 contacts each, every user signed in on Lync 2013 and migrated. It reports the live
// heap each signed-in endpoint adds (heap-B/endpoint) beside time and allocations.
//
//	go test -run '^$' -bench Wire -benchmem ./sim/
func BenchmarkWire(b *testing.B) {
	for _, wire := range sim.Wires {
		b.Run(string(wire), func(b *testing.B) { benchPopulation(b, wire, 20) })
	}
}

func benchPopulation(b *testing.B, wire sim.Wire, n int) {
	f, err := usersFile(n, "contacts: 100")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var perEndpoint float64
	for b.Loop() {
		w, err := sim.NewWorld(f.World, f.Start, f.Seed, sim.WorldOptions{Wire: wire})
		if err != nil {
			b.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := range n {
			if err := w.SignIn(ctx, fmt.Sprintf("sip:user%d@litwareinc.com", i), "pc", engine.Lync2013); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Sched.Advance(15 * time.Minute); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perEndpoint += float64(after.HeapInuse-before.HeapInuse) / float64(n)
		w.Close()
	}
	b.ReportMetric(perEndpoint/float64(b.N), "heap-B/endpoint")
}
