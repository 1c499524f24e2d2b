package report_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/internal/golden"
	"github.com/ucssim/ucssim/sim/report"
)

var waveStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// waveTrace is a small wave: four users begin migrating between 09:00 and 10:20, three complete,
// one fails and retries, and a pool-wide rollback follows.
const waveTrace = `{"time":"2026-01-05T09:00:00Z","seq":1,"type":"signin","user":"sip:a@x.com"}
{"time":"2026-01-05T09:00:00Z","seq":2,"type":"migration.started","user":"sip:a@x.com"}
{"time":"2026-01-05T09:05:00Z","seq":3,"type":"migration.started","user":"sip:b@x.com"}
{"time":"2026-01-05T09:06:00Z","seq":4,"type":"migration.started","user":"sip:c@x.com"}
{"time":"2026-01-05T09:06:00Z","seq":5,"type":"migration.failed","user":"sip:c@x.com","details":{"reason":"Exchange stayed busy (ErrorServerBusy) after all retries"}}
{"time":"2026-01-05T09:10:00Z","seq":6,"type":"migration.completed","user":"sip:a@x.com"}
{"time":"2026-01-05T09:15:00Z","seq":7,"type":"migration.completed","user":"sip:b@x.com"}
{"time":"2026-01-05T10:10:00Z","seq":8,"type":"migration.started","user":"sip:c@x.com"}
{"time":"2026-01-05T10:20:00Z","seq":9,"type":"migration.started","user":"sip:d@x.com"}
{"time":"2026-01-05T10:20:00Z","seq":10,"type":"migration.completed","user":"sip:c@x.com"}
{"time":"2026-01-05T12:00:00Z","seq":11,"type":"rollback.started","user":"sip:d@x.com"}
{"time":"2026-01-05T12:00:00Z","seq":12,"type":"rollback.completed","user":"sip:a@x.com"}
{"time":"2026-01-05T12:00:00Z","seq":13,"type":"rollback.failed","user":"sip:b@x.com","details":{"reason":"Exchange is down"}}
`

var _ = Describe("the migration-wave report", func() {
	requests := []report.Request{
		{At: waveStart.Add(6 * time.Minute), Busy: true},
		{At: waveStart.Add(6 * time.Minute), Busy: true},
		{At: waveStart.Add(6*time.Minute + 500*time.Millisecond)},
		{At: waveStart.Add(10 * time.Minute)},
		{At: waveStart.Add(70 * time.Minute)},
	}

	It("counts per virtual hour, times 50/90/100% of the users that began, the peak and the failures", func() {
		w, err := report.NewWave([]byte(waveTrace), waveStart, requests)
		Expect(err).NotTo(HaveOccurred())
		Expect([]int{w.Began, w.Migrated, w.FailedUsers, w.Rollbacks}).To(Equal([]int{4, 3, 1, 1}))
		Expect(w.Reached).To(Equal([3]bool{true, false, false}), "3 of 4 migrated: 50% reached, 90% not")
		Expect(w.To[0]).To(Equal(15*time.Minute), "the second of four completed at 09:15")
		Expect(w.PeakConcurrent).To(Equal(3))
		Expect(w.PeakAt).To(Equal(waveStart.Add(6 * time.Minute)))
		Expect([]int{w.Requests, w.Busy, w.PeakPerSecond}).To(Equal([]int{5, 2, 3}))
		Expect(w.PeakSecond).To(Equal(waveStart.Add(6 * time.Minute)))
		Expect(w.Failures).To(Equal([]report.ReasonCount{
			{Kind: "migration.failed", Reason: "Exchange stayed busy (ErrorServerBusy) after all retries", Count: 1},
			{Kind: "rollback.failed", Reason: "Exchange is down", Count: 1},
		}))
		Expect(w.Hours).To(HaveLen(4))
		h9, h10 := w.Hours[0], w.Hours[1]
		Expect([]int{h9.Started, h9.Completed, h9.Failed, h9.Requests, h9.Busy, h9.PeakConcurrent}).To(Equal([]int{3, 2, 1, 4, 2, 3}))
		Expect([]int{h10.Started, h10.Completed, h10.Requests}).To(Equal([]int{2, 1, 1}))
		Expect(w.Hours[3].Rollbacks).To(Equal(1))
	})

	It("prints it as text, leaving out quiet hours, and charts it in HTML", func() {
		w, err := report.NewWave([]byte(waveTrace), waveStart, requests)
		Expect(err).NotTo(HaveOccurred())
		var out bytes.Buffer
		w.WriteText(&out, "# ")
		text := out.String()
		Expect(golden.Check(filepath.Join("testdata", "golden", "wave.txt"), out.Bytes())).To(Succeed())
		Expect(text).NotTo(ContainSubstring("2026-01-05 11:00"), "a quiet hour between busy ones is a gap")
		Expect(text).To(ContainSubstring("#   ...\n"))
		for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
			Expect(line).To(HavePrefix("# "))
		}
		page := w.HTML()
		Expect(page).To(HavePrefix(`<section class="wave"><h2>Migration wave</h2>`))
		Expect(page).To(ContainSubstring(`<svg class="wavechart"`))
		Expect(page).To(ContainSubstring(`<title>09:00: 3 started</title>`))
		Expect(page).To(ContainSubstring(`<title>09:00: 2 busy answers</title>`))
	})

	It("refuses a trace that is not JSON lines", func() {
		_, err := report.NewWave([]byte("{\"time\":\"2026-01-05T09:00:00Z\",\"type\":\"signin\"}\nnot json\n"), waveStart, nil)
		Expect(err).To(MatchError(ContainSubstring("trace line 2:")))
	})
})
