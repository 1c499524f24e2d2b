package timeline_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/shell"
	"github.com/ucssim/ucssim/sim/timeline"
)

// holdStory runs through the whole hold and then expects a contact too many, so that one page has
// the hold, the re-migration and a failing step.
const holdStory = `name: The hold ends and the server re-migrates, but one contact too many is expected
labels: [rollback, remigration]
` + kenMigrates + `  - acceptPrompt: Ken Myer
  - signOut: Ken Myer
  - run: Invoke-CsUcsRollback -Identity "Ken Myer"
  - until: "+7d20m"
  - expect: {user: Ken Myer, contactsIn: exchange, contacts: 13}
`

// chromium finds the browser of the Debian package chromium, failing (not skipping) without it.
func chromium() string {
	GinkgoHelper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Fail("the browser specs need Chromium: install the Debian package chromium " +
		"(apt-get install --no-install-recommends chromium; .ci/run does)")
	return ""
}

// browser starts headless Chromium with a fresh profile; it closes when the spec tree ends.
func browser() context.Context {
	GinkgoHelper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(GinkgoT().TempDir()),
		chromedp.WindowSize(1400, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	DeferCleanup(func() { cancel(); cancelAlloc() })
	// the first call starts the browser and must not carry a timeout (it would stop the browser)
	Expect(chromedp.Do(ctx)).To(Succeed(), "Chromium did not start")
	return ctx
}

// within bounds one browser round of a spec.
func within(ctx context.Context, d time.Duration, actions ...chromedp.Action[chromedp.Void]) error {
	c, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return chromedp.Do(c, actions...)
}

// eval evaluates a script in the page, bounded in time.
func eval[T any](ctx context.Context, script string) (T, error) {
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return chromedp.Run(c, chromedp.Evaluate[T](script))
}

// drawing is what the page drew, measured in the browser.
type drawing struct {
	Lanes         []string  `json:"lanes"`
	LaneNames     []string  `json:"laneNames"`
	Endpoints     []string  `json:"endpoints"`
	Hold          []float64 `json:"hold"` // left, right of the hold span's rect
	HoldStartMark float64   `json:"holdStartMark"`
	HoldEndMark   float64   `json:"holdEndMark"`
	Remigration   float64   `json:"remigration"` // left of the second migrating span
	ChartWidth    float64   `json:"chartWidth"`
	Failed        []float64 `json:"failed"` // the failing marker's box: left, top, width, height
	FailedTitle   string    `json:"failedTitle"`
	FailedStepSel bool      `json:"failedStepSel"`
	Details       string    `json:"details"`
}

const measure = `(() => {
  const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; };
  const mid = e => { const b = e.getBoundingClientRect(); return b.left + b.width / 2; };
  const markOf = kind => [...document.querySelectorAll("svg .mark.ev")].find(g => g.dataset.kinds.split(" ").includes(kind));
  const hold = document.querySelector("svg .user .span.hold rect").getBoundingClientRect();
  const mig = [...document.querySelectorAll("svg .user .span.migrating rect")];
  const failed = document.querySelector("svg .mark.step.failed");
  failed.dispatchEvent(new MouseEvent("click", {bubbles: true}));
  return {
    lanes: [...document.querySelectorAll("svg g.user")].map(g => g.dataset.user),
    laneNames: [...document.querySelectorAll("svg .labels text.lane")].map(t => t.textContent),
    endpoints: [...document.querySelectorAll("svg g.endpoint")].map(g => g.dataset.endpoint),
    hold: [hold.left, hold.right],
    holdStartMark: mid(markOf("hold.started").querySelector(".gl")),
    holdEndMark: mid(markOf("hold.expired").querySelector(".gl")),
    remigration: mig[1].getBoundingClientRect().left,
    chartWidth: document.querySelector("svg.timeline").getBoundingClientRect().width,
    failed: box(failed.querySelector(".gl")),
    failedTitle: failed.querySelector("title").textContent,
    failedStepSel: document.querySelector("#steps li.failed").classList.contains("sel"),
    details: document.getElementById("details").textContent,
  };
})()`

// liveShell opens a shell over the default world with its live page, loads the page in the
// browser and waits until it follows the shell; typeLine types a line into the shell, end leaves it.
func liveShell(ctx context.Context) (typeLine func(string), end func()) {
	GinkgoHelper()
	s, err := shell.New(shell.Options{}, io.Discard)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(s.Close)
	live, err := s.ServeUI("127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(live.Close)
	Expect(within(ctx, 30*time.Second,
		chromedp.Navigate(live.URL()),
		chromedp.WaitVisible(chromedp.CSS("svg.timeline")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-connected="1"]`)),
	)).To(Succeed())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- s.Serve(context.Background(), pr) }()
	typeLine = func(line string) {
		GinkgoHelper()
		_, err := fmt.Fprintln(pw, line)
		Expect(err).NotTo(HaveOccurred())
	}
	end = func() {
		GinkgoHelper()
		Expect(pw.Close()).To(Succeed())
		Eventually(done).Should(Receive(BeNil()))
	}
	return typeLine, end
}

var _ = Describe("the pages in a browser (headless Chromium)", Label("browser"), Ordered, func() {
	var ctx context.Context
	BeforeAll(func() { ctx = browser() })

	It("draws the user and endpoint lanes, the hold from the rollback to its end, and the failing step", func() {
		page := runYAML(holdStory).Page(timeline.PageOptions{})
		file := filepath.Join(GinkgoT().TempDir(), "story.html")
		Expect(os.WriteFile(file, page, 0o644)).To(Succeed())

		Expect(within(ctx, 30*time.Second,
			chromedp.Navigate("file://"+file),
			chromedp.WaitVisible(chromedp.CSS("svg.timeline")),
		)).To(Succeed())
		d, err := eval[drawing](ctx, measure)
		Expect(err).NotTo(HaveOccurred())

		Expect(d.Lanes).To(Equal([]string{"sip:kenmyer@litwareinc.com"}))
		Expect(d.LaneNames).To(Equal([]string{"Steps", "Ken Myer"}))
		Expect(d.Endpoints).To(Equal([]string{"desktop"}))
		Expect(d.Hold[0]).To(BeNumerically("~", d.HoldStartMark, 1), "the hold starts where the rollback's hold.started is marked")
		Expect(d.Hold[1]).To(BeNumerically("~", d.HoldEndMark, 1), "and ends where hold.expired is marked")
		Expect(d.Hold[1]).To(BeNumerically("~", d.Remigration, 1), "where the re-migration starts")
		Expect(d.Hold[1]-d.Hold[0]).To(And(BeNumerically(">", 150), BeNumerically("<", d.ChartWidth/2)), "the week is compressed but visible")
		Expect(d.Failed[2]).To(BeNumerically(">", 8), "the failing marker is drawn")
		Expect(d.Failed[0]).To(BeNumerically(">", d.Hold[1]), "after the hold")
		Expect(d.FailedTitle).To(ContainSubstring("expected: contactsIn: exchange, contacts: 13"))
		Expect(d.FailedStepSel).To(BeTrue(), "clicking the marker selects its step in the list")
		Expect(d.Details).To(ContainSubstring("seen: contactsIn: exchange, contacts: 12"))
	})

	It("prints as a handout: the whole picture on the page width, no scroll bars, no details panel", func() {
		page := runPath("../../scenarios/rollback/without-policy-change-remigrates.yaml").Page(timeline.PageOptions{IndexHref: "index.html"})
		file := filepath.Join(GinkgoT().TempDir(), "print.html")
		Expect(os.WriteFile(file, page, 0o644)).To(Succeed())
		Expect(within(ctx, 30*time.Second,
			chromedp.Navigate("file://"+file),
			chromedp.WaitVisible(chromedp.CSS("svg.timeline")),
			chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
				return err
			}),
		)).To(Succeed())
		type printed struct {
			Body, SVG, Scroll   float64
			Details, Nav, Steps string
		}
		p, err := eval[printed](ctx, `(() => ({
		  Body: document.body.getBoundingClientRect().width,
		  SVG: document.querySelector("svg.timeline").getBoundingClientRect().width,
		  Scroll: document.getElementById("picture").scrollWidth - document.getElementById("picture").clientWidth,
		  Details: getComputedStyle(document.getElementById("details")).display,
		  Nav: getComputedStyle(document.querySelector("nav")).display,
		  Steps: getComputedStyle(document.querySelector(".steplist")).position,
		}))()`)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.SVG).To(BeNumerically("<=", p.Body+0.5), "the picture is scaled to the page")
		Expect(p.Scroll).To(BeNumerically("<=", 1), "nothing is hidden behind a scroll bar")
		Expect(p.Details).To(Equal("none"))
		Expect(p.Nav).To(Equal("none"))
		Expect(p.Steps).To(Equal("static"))
	})

	It("follows the shell live: a line typed in the shell appears on the open page", func() {
		typeLine, end := liveShell(ctx)
		before, err := eval[int](ctx, `document.querySelectorAll("svg .span.signedin").length`)
		Expect(err).NotTo(HaveOccurred())
		Expect(before).To(Equal(0))
		typeLine("signin Ken Myer")

		Expect(within(ctx, 20*time.Second,
			chromedp.WaitVisible(chromedp.CSS(`svg g.user[data-user="sip:kenmyer@litwareinc.com"] .span.signedin`)),
		)).To(Succeed())
		text, err := eval[string](ctx, `document.getElementById("events").textContent`)
		Expect(err).NotTo(HaveOccurred())
		Expect(text).To(ContainSubstring("Ken Myer signs in on desktop with Lync 2013"))
		lastSeq, err := eval[string](ctx, `document.body.dataset.lastSeq || ""`)
		Expect(err).NotTo(HaveOccurred())
		Expect(lastSeq).NotTo(BeEmpty(), "the page heard the event over server-sent events")
		end()
	})

	It("marks a cmdlet typed in the shell on the open page, with its text, even one that caused no event", func() {
		typeLine, end := liveShell(ctx)
		Expect(eval[int](ctx, `document.querySelectorAll("svg .mark.step").length`)).To(Equal(0))
		typeLine("Get-CsUserServicesPolicy -Identity Global")
		Expect(within(ctx, 20*time.Second, chromedp.WaitVisible(chromedp.CSS(`svg .mark.step.cmdlet`)))).To(Succeed())
		typeLine(`Invoke-CsUcsRollback -Identity "Ken Myer" -Confirm:$false`)
		Expect(within(ctx, 20*time.Second, chromedp.WaitVisible(chromedp.CSS(`#steps li#step-1`)))).To(Succeed())

		type typed struct {
			Titles []string `json:"titles"`
			Steps  []string `json:"steps"`
			Picked string   `json:"picked"`
		}
		got, err := eval[typed](ctx, `(() => {
		  const marks = [...document.querySelectorAll("svg .mark.step.cmdlet")];
		  marks[1].dispatchEvent(new MouseEvent("click", {bubbles: true}));
		  return {
		    titles: marks.map(m => m.querySelector("title").textContent),
		    steps: [...document.querySelectorAll("#steps li code")].map(c => c.textContent),
		    picked: document.querySelector("#steps li.sel code").textContent,
		  };
		})()`)
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Titles).To(HaveLen(2))
		Expect(got.Titles[0]).To(ContainSubstring("Get-CsUserServicesPolicy -Identity Global"))
		Expect(got.Titles[1]).To(ContainSubstring(`Invoke-CsUcsRollback -Identity "Ken Myer" -Confirm:$false`))
		Expect(got.Steps).To(Equal([]string{"Get-CsUserServicesPolicy -Identity Global", `Invoke-CsUcsRollback -Identity "Ken Myer" -Confirm:$false`}))
		Expect(got.Picked).To(HavePrefix("Invoke-CsUcsRollback"), "clicking the marker finds the line typed")
		end()
	})
})

var _ = Describe("a hundred users over a week in a browser", Label("browser"), Ordered, func() {
	var ctx context.Context
	BeforeAll(func() { ctx = browser() })

	It("opens, draws every lane and answers a click; its size and render time are reported", func() {
		page := hundredUsersPage()
		file := filepath.Join(GinkgoT().TempDir(), "hundred.html")
		Expect(os.WriteFile(file, page, 0o644)).To(Succeed())
		AddReportEntry("page size (bytes)", len(page))

		began := time.Now()
		Expect(within(ctx, 60*time.Second,
			chromedp.Navigate("file://"+file),
			chromedp.WaitVisible(chromedp.CSS("svg.timeline")),
		)).To(Succeed())
		AddReportEntry("navigate to visible (wall)", time.Since(began).String())

		type timing struct {
			Lanes    int     `json:"lanes"`
			Elements int     `json:"elements"`
			Load     float64 `json:"load"`
			Click    float64 `json:"click"`
			Selected bool    `json:"selected"`
		}
		got, err := eval[timing](ctx, `(() => {
		  const nav = performance.getEntriesByType("navigation")[0];
		  const marks = document.querySelectorAll("svg .mark.ev");
		  const m = marks[marks.length - 1];
		  const t0 = performance.now();
		  m.dispatchEvent(new MouseEvent("click", {bubbles: true}));
		  return {lanes: document.querySelectorAll("svg g.user").length, elements: document.getElementsByTagName("*").length,
		          load: nav.loadEventEnd - nav.startTime, click: performance.now() - t0, selected: m.classList.contains("sel")};
		})()`)
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Lanes).To(Equal(100))
		Expect(got.Selected).To(BeTrue(), "a click on the last marker selects it")
		AddReportEntry("DOM elements", got.Elements)
		AddReportEntry("load event (ms, in the browser)", got.Load)
		AddReportEntry("click handled (ms)", got.Click)
		GinkgoWriter.Printf("hundred users: %d bytes, %d elements, load %.0f ms, click %.1f ms\n", len(page), got.Elements, got.Load, got.Click)
	})
})
