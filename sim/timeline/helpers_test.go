package timeline_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/ucssim/ucssim/sim/runner"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/sim/timeline"
)

// storyPath is the seed document's temporary rollback story from the bundled suite.
const storyPath = "../../scenarios/seed/temporary-rollback-story.yaml"

// kenMigrates is the world and first steps of the inline rollback stories: Ken, with 12 contacts,
// signs in and is migrated by +10m.
const kenMigrates = `world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 12}
steps:
  - signIn: Ken Myer
  - until: "+10m"
`

// failingStory is the same story with one expectation that cannot hold: Ken has 12 contacts.
const failingStory = `name: A rollback story that expects a contact too many
labels: [rollback]
` + kenMigrates + `  - expect: {user: Ken Myer, state: Migrated, prompt: logoff}
  - acceptPrompt: Ken Myer
  - run: Invoke-CsUcsRollback -Identity "Ken Myer"
    note: the trainer pauses here
  - expect: {user: Ken Myer, contactsIn: lync, contacts: 13}
  - until: "+7d20m"
`

// runFile runs a scenario and builds its timeline.
func runFile(f *scenario.File) *timeline.Timeline {
	GinkgoHelper()
	r := runner.Run(context.Background(), f, runner.RunOptions{})
	st, events, err := timeline.FromResult(f, r)
	Expect(err).NotTo(HaveOccurred())
	return timeline.Build(st, events)
}

func runPath(path string) *timeline.Timeline {
	GinkgoHelper()
	f, err := scenario.Load(path)
	Expect(err).NotTo(HaveOccurred())
	return runFile(f)
}

func runYAML(src string) *timeline.Timeline {
	GinkgoHelper()
	f, err := scenario.Parse("inline.yaml", []byte(src))
	Expect(err).NotTo(HaveOccurred())
	return runFile(f)
}

// drawn is an element of the SVG found by its opening tag.
type drawn struct {
	class    string
	from, to string
	x, w     float64
}

var spanRE = regexp.MustCompile(`<g class="span ([a-z0-9 ]+)" data-from="([^"]+)" data-to="([^"]+)"[^>]*><title>[^<]*</title><rect x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"`)

// spans lists the drawn spans of one user lane (or of the whole picture when sip is "").
func spans(page, sip string) []drawn {
	GinkgoHelper()
	part := page
	if sip != "" {
		re := regexp.MustCompile(`(?s)<g class="user" data-user="` + regexp.QuoteMeta(sip) + `">(.*?)</g></g>\s*(<g class="user"|<g class="labels")`)
		m := re.FindStringSubmatch(page)
		Expect(m).NotTo(BeNil(), "no lane for %s", sip)
		part = m[1]
	}
	var out []drawn
	for _, m := range spanRE.FindAllStringSubmatch(part, -1) {
		x, _ := strconv.ParseFloat(m[4], 64)
		w, _ := strconv.ParseFloat(m[5], 64)
		out = append(out, drawn{class: m[1], from: m[2], to: m[3], x: x, w: w})
	}
	return out
}

// excerpt keeps failure messages short: the part of a page around the first match of a hint.
func excerpt(page, hint string) string {
	i := strings.Index(page, hint)
	if i < 0 {
		i = 0
	}
	end := min(len(page), i+1500)
	return page[i:end]
}

// expectMatch fails with a short excerpt of the page (not the whole page) when pattern is absent.
func expectMatch(page, pattern string, why ...any) {
	GinkgoHelper()
	if regexp.MustCompile(pattern).MatchString(page) {
		return
	}
	hint := pattern
	if i := strings.IndexAny(hint, `[(\.*+?`); i > 0 {
		hint = hint[:i]
	}
	Fail(fmt.Sprintf("the page has no match for\n  %s\n%s\nnear:\n%s", pattern, fmt.Sprint(why...), excerpt(page, hint)))
}

// hundredUsersPage renders the checked-in trace of testdata/hundred-users-week.yaml (100 users,
// 8 days; regenerate with ucssim run --trace) named by its scenario file.
func hundredUsersPage() []byte {
	GinkgoHelper()
	fh, err := os.Open("testdata/hundred-users-week.jsonl")
	Expect(err).NotTo(HaveOccurred())
	defer fh.Close()
	events, err := timeline.ParseJSONL(fh)
	Expect(err).NotTo(HaveOccurred())
	f, err := scenario.Load("testdata/hundred-users-week.yaml")
	Expect(err).NotTo(HaveOccurred())
	st := timeline.FromFile(f)
	st.Steps = nil
	return timeline.Build(st, events).Page(timeline.PageOptions{})
}
