package sweep_test

import (
	"bytes"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/sim/sweep"
)

// signOutEarly signs Ken out five minutes into his migration (step 3) and expects no prompt: the
// story of testdata/signout.yaml (which cmd/ucssim's sweep specs sweep too), expecting at line 10.
func signOutEarly() *scenario.File {
	GinkgoHelper()
	story, err := os.ReadFile("testdata/signout.yaml")
	Expect(err).NotTo(HaveOccurred())
	f, err := scenario.Parse("signout.yaml", append(story, "  - expect: {event: prompt.shown, user: Ken Myer, count: 0}\n"...))
	Expect(err).NotTo(HaveOccurred())
	return f
}

var _ = Describe("sweep", func() {
	It("finds the boundary at the migration's completion by bisection, to the second", func(ctx SpecContext) {
		f := signOutEarly()
		rep, err := sweep.Run(ctx, f, sweep.Options{Step: 3, From: -15 * time.Minute, To: 15 * time.Minute, By: time.Second})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.At).To(Equal(5 * time.Minute))
		Expect(rep.Runs).To(BeNumerically("<", 60), "bisection, not 1,800 runs")
		var got []string
		for _, iv := range rep.Intervals {
			got = append(got, sweepRow(iv))
		}
		Expect(got).To(Equal([]string{
			"-15m..-5m1s invalid",
			"-5m..+4m59s pass",
			"+5m..+15m fail",
		}))
		// Signing out at +10m or later: the prompt was shown (and accepted by the sign-out).
		late := rep.Intervals[2].Outcome
		Expect(late.Events).To(HaveKeyWithValue("prompt.shown 2165", 1))
		Expect(rep.Intervals[1].Outcome.Events).NotTo(HaveKey("prompt.shown 2165"))

		var out bytes.Buffer
		Expect(rep.Write(&out)).To(Succeed())
		Expect(out.String()).To(ContainSubstring("signout.yaml: step 3 (signOut: sip:kenmyer@litwareinc.com) at +5m"))
		Expect(out.String()).To(MatchRegexp(`\+5m \.\. \+15m\s+\+10m \.\. \+20m\s+FAIL line 10: expect\s+.*\+prompt.shown 2165`))
		Expect(out.String()).To(MatchRegexp(`-5m \.\. \+4m59s\s+\+0s \.\. \+9m59s\s+PASS\s+as written`))
	})

	It("refuses a step that moves the clock, and a step out of range", func(ctx SpecContext) {
		f := signOutEarly()
		_, err := sweep.Run(ctx, f, sweep.Options{Step: 2, From: -time.Minute, To: time.Minute})
		Expect(err).To(MatchError("step 2 (wait) moves the clock itself; sweep an action or an instant check"))
		_, err = sweep.Run(ctx, f, sweep.Options{Step: 9, From: -time.Minute, To: time.Minute})
		Expect(err).To(MatchError("--step 9: the file has steps 1 to 5"))
	})

	It("reads signed offsets", func() {
		for in, want := range map[string]time.Duration{"-15m": -15 * time.Minute, "+1h30m": 90 * time.Minute, "0": 0, "90s": 90 * time.Second} {
			Expect(sweep.ParseOffset(in)).To(Equal(want), in)
		}
		_, err := sweep.ParseOffset("-soon")
		Expect(err).To(HaveOccurred())
	})
})

func sweepRow(iv sweep.Interval) string {
	state := "pass"
	switch {
	case iv.Outcome.Invalid != "":
		state = "invalid"
	case !iv.Outcome.Passed:
		state = "fail"
	}
	return signed(iv.From) + ".." + signed(iv.To) + " " + state
}

func signed(d time.Duration) string {
	if d < 0 {
		return "-" + scenario.FormatDuration(-d)
	}
	return "+" + scenario.FormatDuration(d)
}
