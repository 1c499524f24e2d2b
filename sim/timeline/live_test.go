package timeline_test

import (
	"bufio"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/timeline"
)

var _ = Describe("the live page", func() {
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

	serve := func(tr *sim.Trace) *timeline.Live {
		GinkgoHelper()
		live, err := timeline.ServeLive("127.0.0.1:0", timeline.LiveSource{
			Timeline: func() *timeline.Timeline {
				return timeline.Build(timeline.Story{Name: "live", Start: start, FailedStep: -1}, timeline.FromTrace(tr.Events())).WithNow(start.Add(time.Hour))
			},
			Watch: func(fn func(timeline.Event)) func() {
				return tr.Watch(func(e sim.TraceEvent) { fn(timeline.FromTrace([]sim.TraceEvent{e})[0]) })
			},
			Start: start,
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(live.Close)
		return live
	}

	It("refuses an address that is not loopback", func() {
		for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:8090", ":8090", "example.com:80"} {
			_, err := timeline.ServeLive(addr, timeline.LiveSource{Timeline: func() *timeline.Timeline { return nil }})
			Expect(err).To(MatchError(ContainSubstring("loopback only")), addr)
		}
		_, err := timeline.ServeLive("127.0.0.1", timeline.LiveSource{Timeline: func() *timeline.Timeline { return nil }})
		Expect(err).To(MatchError(ContainSubstring("missing port")))
	})

	It("serves the page and streams each recorded event as a server-sent event", func() {
		tr := &sim.Trace{}
		live := serve(tr)
		resp, err := http.Get(live.URL())
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Header.Get("Content-Type")).To(HavePrefix("text/html"))
		resp.Body.Close()

		resp, err = http.Get(live.URL() + "events")
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.Header.Get("Content-Type")).To(Equal("text/event-stream"))
		r := bufio.NewReader(resp.Body)
		// the stream's opening comment says it is subscribed
		for {
			line, err := r.ReadString('\n')
			Expect(err).NotTo(HaveOccurred())
			if strings.HasPrefix(line, ": ucssim") {
				break
			}
		}
		tr.Record(engine.Event{Time: start.Add(10 * time.Minute), Type: "signin", User: "sip:kenmyer@litwareinc.com",
			Details: map[string]any{"client": "lync2013", "endpoint": "desktop", "reads": "lync"}})
		var got []string
		for len(got) < 3 {
			line, err := r.ReadString('\n')
			Expect(err).NotTo(HaveOccurred())
			if line = strings.TrimSpace(line); line != "" {
				got = append(got, line)
			}
		}
		Expect(got[0]).To(Equal("event: trace"))
		Expect(got[1]).To(Equal("id: 1"))
		Expect(got[2]).To(ContainSubstring(`"offset":"+10m"`))
		Expect(got[2]).To(ContainSubstring(`"text":"kenmyer@litwareinc.com signs in on desktop with Lync 2013; it reads the contact list from Lync Server"`))
	})

	It("tells open pages when the clock moved with nothing happening", func() {
		var now atomic.Int64
		now.Store(start.UnixNano())
		live, err := timeline.ServeLive("127.0.0.1:0", timeline.LiveSource{
			Timeline: func() *timeline.Timeline { return timeline.Build(timeline.Story{Start: start, FailedStep: -1}, nil) },
			Start:    start,
			Now:      func() time.Time { return time.Unix(0, now.Load()).UTC() },
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(live.Close)
		resp, err := http.Get(live.URL() + "events")
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		r := bufio.NewReader(resp.Body)
		line, err := r.ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		Expect(line).To(HavePrefix("retry:"))
		now.Store(start.Add(time.Hour).UnixNano())
		lines := make(chan string, 16)
		go func() {
			defer GinkgoRecover()
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					close(lines)
					return
				}
				lines <- strings.TrimSpace(l)
			}
		}()
		Eventually(lines).WithTimeout(3 * time.Second).Should(Receive(Equal("event: clock")))
		Eventually(lines).Should(Receive(Equal(`data: {"offset":"+1h"}`)))
	})

	It("bounds the pages that follow it", func() {
		live := serve(&sim.Trace{})
		for range timeline.MaxLivePages {
			resp, err := http.Get(live.URL() + "events")
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
			DeferCleanup(resp.Body.Close)
		}
		resp, err := http.Get(live.URL() + "events")
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusServiceUnavailable))
	})

	It("answers only the page and the stream", func() {
		live := serve(&sim.Trace{})
		resp, err := http.Get(live.URL() + "../../etc/passwd")
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
		resp, err = http.Post(live.URL(), "text/plain", strings.NewReader("x"))
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
	})
})
