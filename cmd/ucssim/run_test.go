package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("ucssim run", func() {
	var (
		r   *fakeRunner
		app *App
	)
	BeforeEach(func() {
		r = &fakeRunner{}
		app = newApp(r)
	})

	It("exits 0 when every scenario passes, one line each, then the summary", func() {
		dir := suiteDir(false)
		res := execute(app, "run", filepath.Join(dir, "a-pass.yaml"), filepath.Join(dir, "prompts"))
		Expect(res.code).To(Equal(0), res.stderr)
		Expect(res.stdout).To(Equal(
			"PASS Alpha passes  " + filepath.Join(dir, "a-pass.yaml") + "  1ms  virtual 1m\n" +
				"PASS Delta passes  " + filepath.Join(dir, "prompts/d-more.yml") + "  1ms  virtual 1m\n" +
				"2 passed, 0 failed, 0 invalid\n"))
	})

	It("exits 1 when a scenario fails, saying where and what", func() {
		dir := suiteDir(false)
		res := execute(app, "run", dir)
		Expect(res.code).To(Equal(1))
		c := filepath.Join(dir, "rollback/c.yaml")
		Expect(res.stdout).To(ContainSubstring("FAIL Gamma fails  " + c + "  1ms  virtual 1m\n" +
			"    at " + c + ":5:5: wait\n    note:     the clock moves\n    expected: state Migrated\n    seen:     state Allowed\n" +
			"    last events:\n      09:00:00 signin\n"))
		Expect(res.stdout).To(HaveSuffix("3 passed, 1 failed, 0 invalid\n"))
	})

	It("exits 2 on an invalid file, runs nothing of it and still runs the others", func() {
		dir := suiteDir(true)
		res := execute(app, "run", dir)
		Expect(res.code).To(Equal(2))
		Expect(r.names()).To(Equal([]string{"Alpha passes", "Beta passes", "Delta passes", "Gamma fails"}))
		bad := filepath.Join(dir, "bad.yaml")
		Expect(res.stdout).To(ContainSubstring("INVALID " + bad + " (invalid file, not run)\n    " + bad +
			`:2:7: seed: expected a whole number >= 0, got "x"` + "\n"))
		Expect(res.stdout).To(HaveSuffix("3 passed, 1 failed, 1 invalid\n"))
	})

	It("turns a runner panic into a failed scenario", func() {
		dir := GinkgoTempDir()
		Expect(os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: P\nlabels: [panics]\n"), 0o644)).To(Succeed())
		res := execute(app, "run", dir)
		Expect(res.code).To(Equal(1))
		Expect(res.stdout).To(ContainSubstring("    error: internal error: world exploded\n"))
	})

	DescribeTable("exits 2 on a bad command line without running anything",
		func(args []string, message string) {
			dir := suiteDir(false)
			res := execute(app, append(args, dir)...)
			Expect(res.code).To(Equal(2))
			Expect(res.stderr).To(ContainSubstring(message))
			Expect(r.names()).To(BeEmpty())
		},
		Entry("parallel 0", []string{"run", "--parallel", "0"}, "bad --parallel 0: want 1 or more"),
		Entry("shard 0/2", []string{"run", "--shard", "0/2"}, `bad --shard "0/2": want i/n with 1 <= i <= n, e.g. 2/4`),
		Entry("shard 3/2", []string{"run", "--shard", "3/2"}, `bad --shard "3/2"`),
		Entry("shard text", []string{"run", "--shard", "half"}, `bad --shard "half"`),
		Entry("a bad regexp", []string{"run", "--focus", "("}, `bad --focus "(": error parsing regexp`),
		Entry("an unknown flag", []string{"run", "--fast"}, "unknown flag: --fast"),
		Entry("a seed that is not a number", []string{"run", "--seed", "-1"}, `invalid argument "-1" for "--seed"`),
		Entry("an unknown command", []string{"walk"}, `unknown command "walk"`),
	)

	It("exits 2 when a path does not exist", func() {
		res := execute(app, "run", filepath.Join(GinkgoTempDir(), "nowhere"))
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring("nowhere: cannot read: no such file or directory"))
	})

	It("splits the sorted files into disjoint shards that cover the suite", func() {
		dir := suiteDir(true)
		seen := map[string]int{}
		invalidReports := 0
		for i := 1; i <= 3; i++ {
			sr := &fakeRunner{}
			res := execute(newApp(sr), "run", "--shard", []string{"1/3", "2/3", "3/3"}[i-1], dir)
			for _, n := range sr.names() {
				seen[n]++
			}
			invalidReports += strings.Count(res.stdout, "(invalid file, not run)")
		}
		Expect(seen).To(Equal(map[string]int{"Alpha passes": 1, "Beta passes": 1, "Gamma fails": 1, "Delta passes": 1}))
		Expect(invalidReports).To(Equal(1), "the invalid file belongs to exactly one shard")
	})

	It("gives the same shard the same files on every run", func() {
		dir := suiteDir(false)
		a, b := &fakeRunner{}, &fakeRunner{}
		execute(newApp(a), "run", "--shard", "2/2", dir)
		execute(newApp(b), "run", "--shard", "2/2", dir, dir)
		Expect(a.names()).NotTo(BeEmpty())
		Expect(b.names()).To(Equal(a.names()))
	})

	DescribeTable("filters by label (any match) and by a regexp on the name",
		func(args []string, want []string) {
			dir := suiteDir(false)
			res := execute(app, append(append([]string{"run"}, args...), dir)...)
			Expect(res.code).To(BeNumerically("<=", 1))
			Expect(r.names()).To(Equal(want))
		},
		Entry("one label", []string{"--label", "rollback"}, []string{"Beta passes", "Gamma fails"}),
		Entry("labels match case-insensitively", []string{"--label", "ROLLBACK"}, []string{"Beta passes", "Gamma fails"}),
		Entry("two labels, any match", []string{"--label", "policy", "--label", "prompts"}, []string{"Alpha passes", "Delta passes"}),
		Entry("focus", []string{"--focus", "^(Alpha|Delta)"}, []string{"Alpha passes", "Delta passes"}),
		Entry("label and focus together", []string{"--label", "rollback", "--focus", "passes"}, []string{"Beta passes"}),
	)

	It("fails when the filters select nothing, naming the labels that exist, and runs nothing", func() {
		res := execute(app, "run", "--label", "rolback", suiteDir(false))
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(HavePrefix(`ucssim: no scenario matches --label "rolback"; labels in these files: broken, policy, prompts, rollback` + "\n"))
		Expect(res.stdout).To(BeEmpty())
		Expect(r.names()).To(BeEmpty())

		res = execute(app, "run", "--focus", "^Zeta", "--label", "policy", suiteDir(false))
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring(`no scenario matches --label "policy" --focus "^Zeta"`))
	})

	It("passes a shard that holds none of the selected scenarios", func() {
		res := execute(app, "run", "--label", "policy", "--shard", "2/2", suiteDir(false))
		Expect(res.code).To(Equal(0), res.stderr)
		Expect(res.stderr).To(ContainSubstring("shard 2/2 holds none of the selected scenarios"))
		Expect(res.stdout).To(Equal("0 passed, 0 failed, 0 invalid\n"))
	})

	It("overrides every file's seed only when --seed is given", func() {
		dir := suiteDir(false)
		execute(app, "run", "--parallel", "1", dir)
		Expect(r.seeds).To(HaveLen(4))
		Expect(r.seeds).To(HaveEach(BeNil()))
		r2 := &fakeRunner{}
		execute(newApp(r2), "run", "--seed", "42", dir)
		Expect(r2.seeds).To(HaveEach(HaveValue(Equal(uint64(42)))))
	})

	It("prints results in file order even when later files finish first", func() {
		dir := suiteDir(false)
		var others sync.WaitGroup
		others.Add(3)
		r.before = func(name string) {
			if name == "Alpha passes" {
				others.Wait() // the first file finishes last
				return
			}
			defer others.Done()
		}
		res := execute(app, "run", "--parallel", "4", dir)
		var order []string
		for _, line := range strings.Split(res.stdout, "\n") {
			if f := strings.Fields(line); len(f) > 1 && (f[0] == "PASS" || f[0] == "FAIL") {
				order = append(order, f[1])
			}
		}
		Expect(order).To(Equal([]string{"Alpha", "Delta", "Beta", "Gamma"}), "a-pass, prompts/, rollback/b, rollback/c")
	})

	It("writes a JUnit file CI can read: one testcase per scenario, classname = path", func() {
		dir := suiteDir(true)
		junit := filepath.Join(GinkgoTempDir(), "out", "junit.xml")
		res := execute(app, "run", "--junit", junit, dir)
		Expect(res.code).To(Equal(2))
		data, err := os.ReadFile(junit)
		Expect(err).NotTo(HaveOccurred())
		var doc struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Errors   int `xml:"errors,attr"`
			Suites   []struct {
				Cases []struct {
					Name      string    `xml:"name,attr"`
					Classname string    `xml:"classname,attr"`
					Failure   *struct{} `xml:"failure"`
					Error     *struct{} `xml:"error"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		Expect(xml.Unmarshal(data, &doc)).To(Succeed())
		Expect([]int{doc.Tests, doc.Failures, doc.Errors}).To(Equal([]int{5, 1, 1}))
		Expect(doc.Suites).To(HaveLen(1))
		cases := doc.Suites[0].Cases
		Expect(cases).To(HaveLen(5))
		Expect(cases[0].Name).To(Equal("Alpha passes"))
		Expect(cases[0].Classname).To(Equal(filepath.Join(dir, "a-pass.yaml")))
		Expect(cases[1].Classname).To(Equal(filepath.Join(dir, "bad.yaml")))
		Expect(cases[1].Error).NotTo(BeNil())
		Expect(cases[4].Name).To(Equal("Gamma fails"))
		Expect(cases[4].Failure).NotTo(BeNil())
	})

	It("writes one trace per scenario with --trace", func() {
		dir := suiteDir(false)
		traces := filepath.Join(GinkgoTempDir(), "traces")
		res := execute(app, "run", "--seed", "7", "--trace", traces, dir)
		Expect(res.code).To(Equal(1))
		entries, err := os.ReadDir(traces)
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		Expect(names).To(Equal([]string{"alpha-passes.jsonl", "beta-passes.jsonl", "delta-passes.jsonl", "gamma-fails.jsonl"}))
		data, err := os.ReadFile(filepath.Join(traces, "beta-passes.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).To(Equal(`{"scenario":"Beta passes","seed":7}` + "\n"))
	})

	It("exits 2 and names the file when the JUnit file cannot be written", func() {
		dir := suiteDir(false)
		blocker := filepath.Join(GinkgoTempDir(), "file")
		Expect(os.WriteFile(blocker, nil, 0o644)).To(Succeed())
		res := execute(app, "run", "--junit", filepath.Join(blocker, "junit.xml"), dir)
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring("--junit:"))
	})
})

var _ = Describe("ucssim run output for CI", func() {
	const dir = "testdata/annotations"
	golden := func(name, got string) {
		file := filepath.Join("testdata", name)
		if os.Getenv("UCSSIM_UPDATE_GOLDEN") == "1" {
			Expect(os.WriteFile(file, []byte(got), 0o644)).To(Succeed())
		}
		want, err := os.ReadFile(file)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(string(want)), "UCSSIM_UPDATE_GOLDEN=1 rewrites "+file)
	}

	It("--format github annotates the failing step and every problem of an invalid file (golden)", func() {
		res := execute(newApp(&fakeRunner{}), "run", "--format", "github", dir)
		Expect(res.code).To(Equal(2))
		golden("annotations.github.golden", res.stdout)
		Expect(res.stdout).To(ContainSubstring("\n::error file=testdata/annotations/b-fail.yaml,line=6,col=5,title=scenario failed%3A Gamma fails::wait%0Anote: the clock moves: one minute, then the check%0Aexpected: state Migrated%0Aseen: state Allowed\n"))
		Expect(res.stdout).To(ContainSubstring("\n::error file=testdata/annotations/c-invalid.yaml,line=2,col=7,title=invalid scenario file::seed: expected a whole number >= 0, got \"x\"\n"))
		Expect(res.stdout).To(ContainSubstring("\n::error file=testdata/annotations/c-invalid.yaml,line=4,col=5,title=invalid scenario file::unknown key \"wiat\" in a step (did you mean \"wait\"?)\n"))
		Expect(res.stdout).NotTo(ContainSubstring("a-pass.yaml,line"))
	})

	It("is the default under GitHub Actions, and --format terminal turns it off", func() {
		app := newApp(&fakeRunner{})
		app.Getenv = func(k string) string { return map[string]string{"GITHUB_ACTIONS": "true"}[k] }
		Expect(execute(app, "run", dir).stdout).To(ContainSubstring("::error file="))
		Expect(execute(app, "run", "--format", "terminal", dir).stdout).NotTo(ContainSubstring("::error"))
		Expect(execute(newApp(&fakeRunner{}), "run", dir).stdout).NotTo(ContainSubstring("::error"))
	})

	It("refuses an unknown --format", func() {
		res := execute(newApp(&fakeRunner{}), "run", "--format", "xml", dir)
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring(`bad --format "xml": want terminal, github or tap`))
	})

	It("--format tap writes TAP 13 with the failure's position and note (golden)", func() {
		res := execute(newApp(&fakeRunner{}), "run", "--format", "tap", dir)
		Expect(res.code).To(Equal(2))
		golden("annotations.tap.golden", res.stdout)
		Expect(res.stdout).To(HavePrefix("TAP version 13\n1..3\nok 1 - Alpha passes\nnot ok 2 - Gamma fails\n"))
	})

	It("--junit carries the description, labels, notes and the failing step's position", func() {
		out := filepath.Join(GinkgoTempDir(), "junit.xml")
		execute(newApp(&fakeRunner{}), "run", "--junit", out, dir)
		data, err := os.ReadFile(out)
		Expect(err).NotTo(HaveOccurred())
		var doc struct {
			Cases []struct {
				Name  string `xml:"name,attr"`
				File  string `xml:"file,attr"`
				Line  int    `xml:"line,attr"`
				Props []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value,attr"`
				} `xml:"properties>property"`
				Out string `xml:"system-out"`
			} `xml:"testsuite>testcase"`
		}
		Expect(xml.Unmarshal(data, &doc)).To(Succeed())
		Expect(doc.Cases).To(HaveLen(3))
		g := doc.Cases[1]
		Expect(g.Name).To(Equal("Gamma fails"))
		Expect([]any{g.File, g.Line}).To(Equal([]any{"testdata/annotations/b-fail.yaml", 6}))
		props := map[string]string{}
		for _, p := range g.Props {
			props[p.Name] = p.Value
		}
		Expect(props).To(Equal(map[string]string{
			"description":       "Gamma shows how a failing step is annotated.",
			"labels":            "rollback, broken",
			"failing step":      "testdata/annotations/b-fail.yaml:6:5: wait",
			"failing step note": "the clock moves: one minute, then the check",
			"note 6:5":          "the clock moves: one minute, then the check",
			"note 8:5":          "never reached",
		}))
		Expect(g.Out).To(ContainSubstring("note 8:5: never reached\n"))
		Expect([]any{doc.Cases[2].File, doc.Cases[2].Line}).To(Equal([]any{"testdata/annotations/c-invalid.yaml", 2}))
	})
})
