package timeline_test

import (
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/sim/timeline"
)

var _ = Describe("the scenario page", func() {
	var page string
	var tl *timeline.Timeline

	BeforeEach(func() {
		tl = runPath(storyPath)
		page = string(tl.Page(timeline.PageOptions{IndexHref: "index.html"}))
	})

	It("draws where Ken's contacts live: Lync, migrating, Exchange, the rollback hold, migrating, Exchange", func() {
		var kinds []string
		for _, s := range spans(page, "sip:kenmyer@litwareinc.com") {
			if !strings.HasPrefix(s.class, "signedin") {
				kinds = append(kinds, s.class)
			}
		}
		Expect(kinds).To(Equal([]string{"migrating", "exchange", "hold", "migrating", "exchange"}))
	})

	It("starts the hold at the rollback and ends it when the server re-migrates, 7 days later", func() {
		var hold, next []drawn
		for _, s := range spans(page, "sip:kenmyer@litwareinc.com") {
			switch s.class {
			case "hold":
				hold = append(hold, s)
			case "migrating":
				next = append(next, s)
			}
		}
		Expect(hold).To(HaveLen(1))
		Expect(hold[0].from).To(Equal("2026-01-05T09:10:00Z"))
		Expect(hold[0].to).To(Equal("2026-01-12T09:10:00Z"))
		Expect(next).To(HaveLen(2))
		Expect(next[1].from).To(Equal(hold[0].to), "the re-migration starts where the hold ends")
		Expect(next[1].x).To(BeNumerically("~", hold[0].x+hold[0].w, 0.2), "drawn edge to edge")
		expectMatch(page, `<g class="span hold"[^>]*><title>\+10m to \+7d10m  Lync, rollback hold until \+7d10m; policy Global \(UcsAllowed True\)`)
	})

	It("compresses the idle week but keeps the ten busy minutes readable", func() {
		var mig, hold drawn
		for _, s := range spans(page, "sip:kenmyer@litwareinc.com") {
			if s.class == "migrating" && mig.w == 0 {
				mig = s
			}
			if s.class == "hold" {
				hold = s
			}
		}
		Expect(mig.w).To(BeNumerically(">=", 90), "ten minutes of migration get room for a label")
		Expect(hold.w).To(BeNumerically("<", 12*mig.w), "7 days are 1008 times as long but drawn compressed")
		expectMatch(page, regexp.QuoteMeta(`<text class="gap"`))
	})

	It("shows the endpoint's signed-in intervals and client, and the 2165 prompt and its acceptance", func() {
		desktop := regexp.MustCompile(`(?s)<g class="endpoint" data-endpoint="desktop">.*`).FindString(page)
		expectMatch(desktop, regexp.QuoteMeta(`class="span signedin lync2013"`))
		expectMatch(desktop, regexp.QuoteMeta(`desktop · Lync 2013`))
		expectMatch(desktop, `<g class="mark ev"[^>]*data-kinds="prompt.shown prompt.accepted" data-classes="prompt-2165 prompt-accepted"`)
		expectMatch(desktop, `<g class="gl prompt-2165"><path [^>]*/></g><g class="gl prompt-accepted">`)
	})

	It("marks cmdlets with their text and expectations that held, linked to the step list", func() {
		expectMatch(page, `<g class="mark step cmdlet"[^>]*data-steps="5"[^>]*><title>\+10m  Invoke-CsUcsRollback -Identity &#34;Ken Myer&#34;</title>`)
		expectMatch(page, `<g class="mark step expect-pass"`)
		expectMatch(page, `<li id="step-5" data-step="5" class="k-run"[^>]*><span class="off">\+10m</span><code>Invoke-CsUcsRollback -Identity &#34;Ken Myer&#34;</code>`)
		expectMatch(page, `<li id="step-6" data-step="6" class="k-expect passed"`)
		expectMatch(page, `<tr id="ev-\d+" data-seqs="\d+" data-steps="5" class="t-rollback-completed">`, "the rollback's events point at its step")
	})

	It("is self-contained: no script, style or font is fetched", func() {
		Expect(page).NotTo(MatchRegexp(`(?i)<link|<script[^>]+src=|@import|url\(http|<img`))
		without := strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
		Expect(without).NotTo(ContainSubstring("http://"))
		Expect(without).NotTo(ContainSubstring("https://"))
		expectMatch(page, regexp.QuoteMeta("@media print"))
	})

	It("marks the failing step with what was expected and what was seen", func() {
		page := string(runYAML(failingStory).Page(timeline.PageOptions{}))
		expectMatch(page, regexp.QuoteMeta(`<span class="verdict fail">failed</span>`))
		expectMatch(page, `<li id="step-5" data-step="5" class="k-expect failed"`)
		expectMatch(page, `(?s)<li id="step-5".*?<dt>expected</dt><dd>contactsIn: lync, contacts: 13</dd><dt>seen</dt><dd>contactsIn: lync, contacts: 12</dd>`)
		expectMatch(page, `<g class="mark step failed"[^>]*data-steps="5"[^>]*><title>[^<]*</title><g class="gl failed"><circle`)
		expectMatch(page, `<line class="failline" data-step="5"`)
		expectMatch(page, `<div class="failure" id="failure"><strong>Failed at <a href="#step-5" data-step="5">step 6</a></strong> \(inline.yaml:13:5, at \+10m\)`)
		expectMatch(page, `<li id="step-6" data-step="6" class="k-until notrun"`, "steps after the failure did not run")
		expectMatch(page, regexp.QuoteMeta(`<div class="note">the trainer pauses here</div>`))
	})

	It("draws faults as shaded windows over the picture", func() {
		page := string(runPath("../../scenarios/faults/exchange-down-daily-retry.yaml").Page(timeline.PageOptions{}))
		expectMatch(page, `<g class="fault" data-from="2026-01-05T09:00:00Z" data-to="2026-01-05T10:00:00Z"`)
		expectMatch(page, `<text [^>]*>Exchange down</text>`)
		expectMatch(page, regexp.QuoteMeta(`Lync (migration failed)`))
	})
})

var _ = Describe("the index page", func() {
	It("lists each scenario with its verdict, labels, durations and a link", func() {
		page := string(timeline.Index("ucssim run", []timeline.IndexEntry{
			{Name: "Rollback story", Path: "a.yaml", Href: "rollback-story.html", Labels: []string{"rollback"}, Passed: true},
			{Name: "Broken", Path: "b.yaml", Href: "broken.html", Problem: "b.yaml:3:5: expect: expected x, saw y"},
			{Name: "c.yaml", Path: "c.yaml", Invalid: true, Problem: "c.yaml:1:1: unknown key"},
		}, 0))
		expectMatch(page, regexp.QuoteMeta(`<span class="verdict pass">1 passed</span> <span class="verdict fail">1 failed</span> <span class="verdict invalid">1 invalid</span>`))
		expectMatch(page, regexp.QuoteMeta(`<a href="rollback-story.html">Rollback story</a>`))
		expectMatch(page, regexp.QuoteMeta(`<span class="label">rollback</span>`))
		expectMatch(page, regexp.QuoteMeta(`<div class="problem">b.yaml:3:5: expect: expected x, saw y</div>`))
		expectMatch(page, `<tr class="invalid"><td><span class="verdict invalid">invalid</span></td><td>c.yaml<div`)
	})
})

var _ = Describe("the plain-English timeline", func() {
	It("tells the rollback story one meaningful event a line, with offsets", func() {
		var lines []string
		for _, l := range runPath(storyPath).Lines("", false) {
			lines = append(lines, l.String())
		}
		Expect(lines).To(ContainElements(
			"+10m      Ken Myer's desktop shows the log-off prompt (2165): the contacts moved to Exchange",
			"+10m      Ken Myer accepts the prompt on desktop: signs out and back in",
			"+10m      the rollback hold starts for Ken Myer: no migration until +7d10m (Mon Jan 12 09:10)",
			"+7d10m    hold ended; policy Global still allows UCS, re-migration of Ken Myer starts",
		))
		Expect(strings.Join(lines, "\n")).NotTo(ContainSubstring("hold of Ken Myer ends"), "the hold's end is said by the re-check")
	})

	It("says a permanent rollback is permanent, and --all keeps every event", func() {
		tl := runPath("../../scenarios/seed/permanent-rollback-story.yaml")
		var text []string
		for _, l := range tl.Lines("sip:kenmyer@litwareinc.com", false) {
			text = append(text, l.String())
		}
		Expect(text).To(ContainElement("+7d10m    hold ended; policy Tag:NoUnifiedContactStore does not allow UCS: the rollback of Ken Myer is permanent"))
		Expect(len(tl.Lines("", true))).To(Equal(len(tl.Events)))
		Expect(len(tl.Lines("", false))).To(BeNumerically("<", len(tl.Events)))
	})
})

var _ = DescribeTable("durations, written as scenario files write them but with decimal seconds",
	func(d time.Duration, want string) { Expect(timeline.FormatDuration(d)).To(Equal(want)) },
	Entry("none", time.Duration(0), "0s"),
	Entry("under a second", 500*time.Millisecond, "500ms"),
	Entry("days and minutes", 7*24*time.Hour+10*time.Minute, "7d10m"),
	Entry("seconds past a minute", 90*time.Second, "1m30s"),
	Entry("a fraction past the first second", time.Minute+1500*time.Millisecond, "1m1.5s"),
	Entry("negative", -(time.Hour+500*time.Millisecond), "-1h0.5s"),
)

var _ = Describe("a scenario's own note: (issue 12)", func() {
	It("is shown under the description of its timeline page, escaped, and survives Encode", func() {
		f, err := scenario.Parse("noted.yaml", []byte(`name: Noted
description: The hold in one picture.
note: "Point at the purple span: nothing happens for <7 days>"
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 2}
steps:
  - signIn: Ken Myer
  - wait: 10m
`))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Note).To(Equal("Point at the purple span: nothing happens for <7 days>"))
		again, err := scenario.Parse("again.yaml", scenario.Encode(f))
		Expect(err).NotTo(HaveOccurred())
		Expect(again.Note).To(Equal(f.Note))
		page := string(timeline.Build(timeline.FromFile(f), nil).Page(timeline.PageOptions{}))
		Expect(page).To(ContainSubstring(`<p class="description">The hold in one picture.</p><p class="note scenario-note"><strong>Note:</strong> Point at the purple span: nothing happens for &lt;7 days&gt;</p>`))
	})
})
