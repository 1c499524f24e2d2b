package vclock_test

import (
	"context"
	"runtime"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/vclock"
)

var start = vclock.DefaultStart

var _ = Describe("Scheduler", func() {
	var (
		s   *vclock.Scheduler
		mu  sync.Mutex
		log []string
	)
	record := func(what string) func() {
		return func() {
			mu.Lock()
			defer mu.Unlock()
			log = append(log, s.Now().Sub(start).String()+" "+what)
		}
	}
	logged := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), log...)
	}
	BeforeEach(func() {
		s = vclock.New(start)
		log = nil
	})

	It("stops advancing at once when its context ends, the clock at the last event run", func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		for d := 1; d <= 10000; d++ {
			s.After(time.Duration(d)*24*time.Hour, "daily", record("day"))
		}
		s.After(36*time.Hour, "Ctrl-C", cancel)
		Expect(s.RunUntilContext(ctx, start.Add(10000*24*time.Hour))).To(MatchError(context.Canceled))
		Expect(s.Now()).To(Equal(start.Add(36 * time.Hour)))
		Expect(logged()).To(Equal([]string{"24h0m0s day"}))
	})

	It("starts at the given instant and reads time only from the virtual clock", func() {
		Expect(s.Now()).To(Equal(start))
		Expect(s.Clock().Now()).To(Equal(start))
	})

	It("runs events in time order and, at one instant, in the order they were scheduled", func() {
		s.After(10*time.Minute, "c", record("c"))
		s.After(time.Minute, "a", record("a"))
		s.After(10*time.Minute, "d", record("d"))
		s.After(time.Minute, "b", record("b"))
		Expect(s.Advance(time.Hour)).To(Succeed())
		Expect(logged()).To(Equal([]string{"1m0s a", "1m0s b", "10m0s c", "10m0s d"}))
		Expect(s.Now()).To(Equal(start.Add(time.Hour)))
	})

	It("fires an event due exactly at the target instant, and nothing after it", func() {
		hold := 168 * time.Hour
		s.After(hold-time.Second, "before", record("before"))
		s.After(hold, "at", record("at"))
		s.After(hold+time.Nanosecond, "after", record("after"))
		Expect(s.RunUntil(start.Add(hold - time.Second))).To(Succeed())
		Expect(logged()).To(Equal([]string{"167h59m59s before"}))
		Expect(s.RunUntil(start.Add(hold))).To(Succeed())
		Expect(logged()).To(HaveLen(2))
		Expect(s.Pending()).To(Equal(1))
	})

	It("runs an event scheduled from a callback for the same instant before time moves on", func() {
		s.After(time.Minute, "outer", func() {
			record("outer")()
			s.At(s.Now(), "inner", record("inner"))
		})
		s.After(2*time.Minute, "later", record("later"))
		Expect(s.Advance(5 * time.Minute)).To(Succeed())
		Expect(logged()).To(Equal([]string{"1m0s outer", "1m0s inner", "2m0s later"}))
	})

	It("does not run a cancelled event", func() {
		cancel := s.After(time.Minute, "x", record("x"))
		cancel()
		cancel()
		Expect(s.Advance(time.Hour)).To(Succeed())
		Expect(logged()).To(BeEmpty())
	})

	It("refuses to move the clock backwards", func() {
		Expect(s.Advance(time.Hour)).To(Succeed())
		Expect(s.RunUntil(start)).To(MatchError(ContainSubstring("cannot move the clock back")))
		Expect(s.Now()).To(Equal(start.Add(time.Hour)))
	})

	It("stops early when the condition holds and leaves the clock at that instant", func() {
		n := 0
		for i := 1; i <= 5; i++ {
			s.After(time.Duration(i)*time.Minute, "tick", func() { n++ })
		}
		stopped, err := s.RunWhile(start.Add(time.Hour), func() bool { return n >= 3 })
		Expect(err).NotTo(HaveOccurred())
		Expect(stopped).To(BeTrue())
		Expect(s.Now()).To(Equal(start.Add(3 * time.Minute)))
	})

	It("turns a panicking callback into an error naming the event", func() {
		s.After(time.Minute, "exploding", func() { panic("boom") })
		Expect(s.Advance(time.Hour)).To(MatchError(ContainSubstring(`"exploding"`)))
	})

	Describe("quiescence", func() {
		It("does not move time while a job is running, and moves it once the job is done", func() {
			release := make(chan struct{})
			var seenMu sync.Mutex
			var seenAt time.Time
			seen := func() time.Time { seenMu.Lock(); defer seenMu.Unlock(); return seenAt }
			s.After(time.Minute, "after-job", func() { seenMu.Lock(); seenAt = s.Now(); seenMu.Unlock() })
			s.Go("job", func() { <-release })
			Expect(s.Tracker().Busy()).To(Equal(1))
			advanced := make(chan error, 1)
			go func() { advanced <- s.Advance(time.Hour) }()
			Consistently(seen).WithTimeout(50 * time.Millisecond).Should(BeZero())
			close(release)
			Eventually(advanced).WithTimeout(2 * time.Second).Should(Receive(BeNil()))
			Expect(seen()).To(Equal(start.Add(time.Minute)))
		})

		It("lets a parked job wait on virtual time, like a slow Exchange answer", func() {
			var woke time.Time
			s.Go("slow-call", func() {
				Expect(s.Sleep(context.Background(), 90*time.Second, 1)).To(Succeed())
				woke = s.Now()
			})
			Expect(s.Advance(10 * time.Minute)).To(Succeed())
			Expect(woke).To(Equal(start.Add(90 * time.Second)))
			Expect(s.Tracker().Busy()).To(Equal(0))
		})

		It("starts jobs asked for at one instant one at a time, in the order asked for", func() {
			// Each job yields the processor many times before it records itself, the first the
			// most: started all at once, the last would record first. Each starts only once the
			// one before it has parked on the clock, so the order is the order asked for, and
			// every job wakes, in that order, at the instant it asked for.
			var (
				mu      sync.Mutex
				order   []string
				running int
				overlap bool
			)
			for i, name := range []string{"a", "b", "c"} {
				s.Go("job "+name, func() {
					mu.Lock()
					running++
					overlap = overlap || running > 1
					mu.Unlock()
					for range (3 - i) * 2000 {
						runtime.Gosched()
					}
					mu.Lock()
					order = append(order, name+" "+s.Now().Sub(start).String())
					running--
					mu.Unlock()
					Expect(s.Sleep(context.Background(), time.Minute, 1)).To(Succeed())
					mu.Lock()
					order = append(order, name+" "+s.Now().Sub(start).String())
					mu.Unlock()
				})
			}
			Expect(s.Advance(time.Hour)).To(Succeed())
			Expect(overlap).To(BeFalse(), "two jobs ran at once")
			Expect(order).To(Equal([]string{"a 0s", "b 0s", "c 0s", "a 1m0s", "b 1m0s", "c 1m0s"}))
		})

		It("starts a job asked for during other work only once that work is over", func() {
			end := s.Tracker().Begin("sip-transaction")
			var jobSaw int
			s.Go("job", func() { jobSaw = s.Tracker().Busy() })
			// Still in flight: the transaction, and the job waiting its turn.
			Expect(s.Tracker().Busy()).To(Equal(2))
			end()
			Expect(s.Settle()).To(Succeed())
			Expect(jobSaw).To(Equal(1), "the job ran alone")
			Expect(s.Tracker().Busy()).To(Equal(0))
		})

		It("drops the jobs not started yet when stopped", func() {
			ran := false
			s.Go("job", func() { ran = true })
			s.Stop()
			s.Go("later", func() { ran = true })
			Expect(s.Settle()).To(Succeed())
			Expect(ran).To(BeFalse())
			Expect(s.Tracker().Busy()).To(Equal(0))
		})

		It("reports what is still in flight when the world does not settle", func() {
			s.SettleLimit = 20 * time.Millisecond
			end := s.Tracker().Begin("sip-transaction")
			defer end()
			err := s.Advance(time.Minute)
			Expect(err).To(MatchError(ContainSubstring("sip-transaction=1")))
			Expect(s.Now()).To(Equal(start))
		})
	})

	It("is deterministic: the same schedule gives the same order on every run", func() {
		run := func() []string {
			sch := vclock.New(start)
			var out []string
			for i := 0; i < 200; i++ {
				i := i
				sch.After(time.Duration(i%7)*time.Second, "e", func() { out = append(out, sch.Now().Format(time.RFC3339Nano)+string(rune('a'+i%26))) })
			}
			Expect(sch.Advance(time.Minute)).To(Succeed())
			return out
		}
		Expect(run()).To(Equal(run()))
	})
})

var _ = Describe("A world that does not settle", func() {
	It("names the work in flight, and the stall hook sees it while that work is still stuck", func() {
		t := vclock.NewTracker()
		end := t.Begin("sip.SUBSCRIBE")
		var seen *vclock.ErrNotQuiescent
		stillBusy := 0
		vclock.StallHook = func(err *vclock.ErrNotQuiescent) { seen, stillBusy = err, t.Busy() }
		DeferCleanup(func() { vclock.StallHook = nil; end() })

		err := t.WaitIdle(20 * time.Millisecond)
		Expect(err).To(MatchError("world did not settle: no progress for 20ms of real time; in flight: sip.SUBSCRIBE=1"))
		Expect(seen).To(BeIdenticalTo(err))
		Expect(stillBusy).To(Equal(1))
	})
})
