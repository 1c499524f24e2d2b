package vclock_test

import (
	"testing"
	"time"

	"github.com/ucssim/ucssim/sim/vclock"
)

// BenchmarkWeekOfEvents schedules a week of hourly events (168 distinct instants) and runs them.
func BenchmarkWeekOfEvents(b *testing.B) {
	for b.Loop() {
		s := vclock.New(vclock.DefaultStart)
		for h := 1; h <= 168; h++ {
			s.After(time.Duration(h)*time.Hour, "tick", func() {})
		}
		if err := s.Advance(7 * 24 * time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}
