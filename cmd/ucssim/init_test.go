package main

import (
	"encoding/xml"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.yaml.in/yaml/v3"

	"github.com/ucssim/ucssim/scenarios"
)

// realApp runs scenarios on real worlds, with the bundled suite, as the binary does.
func realApp() *App {
	return &App{Runner: simRunner, Bundled: scenarios.FS, BundledRoot: "scenarios", Version: "v0.0.0-test",
		Getenv: func(string) string { return "" }}
}

// junitNames reads the scenario names of a JUnit report.
func junitNames(file string) []string {
	data, err := os.ReadFile(file)
	Expect(err).NotTo(HaveOccurred())
	var doc struct {
		Cases []struct {
			Name string `xml:"name,attr"`
		} `xml:"testsuite>testcase"`
	}
	Expect(xml.Unmarshal(data, &doc)).To(Succeed())
	var out []string
	for _, c := range doc.Cases {
		out = append(out, c.Name)
	}
	return out
}

// runCI runs one CI command line as the CI job would: `ucssim ...` through the CLI with the
// scenarios/ folder and report files placed under work; `go install` must be the documented
// one (the install itself is the repository suite's go install spec).
func runCI(line, work string) {
	line = strings.TrimSpace(line)
	switch {
	case strings.HasPrefix(line, "go install "):
		Expect(line).To(Equal("go install github.com/ucssim/ucssim/cmd/ucssim@latest"))
		return
	case strings.HasPrefix(line, "export PATH="):
		return
	}
	Expect(line).To(HavePrefix("ucssim "), "a CI command this spec does not know: %s", line)
	args := strings.Fields(strings.TrimPrefix(line, "ucssim "))
	for i, a := range args {
		if a == "scenarios/" || (i > 0 && args[i-1] == "--junit") {
			args[i] = filepath.Join(work, a)
		}
	}
	res := execute(realApp(), args...)
	Expect(res.code).To(Equal(0), "%s\n%s%s", line, res.stdout, res.stderr)
}

var _ = Describe("ucssim init", func() {
	It("scaffolds one example per topic, the schema and a CI file; the folder validates and runs", func() {
		dir := filepath.Join(GinkgoTempDir(), "project")
		res := execute(realApp(), "init", dir)
		Expect(res.code).To(Equal(0), res.stderr)
		folder := filepath.Join(dir, "scenarios")
		topics, err := fs.ReadDir(scenarios.FS, ".") // the topics the binary embeds, not every folder in the checkout
		Expect(err).NotTo(HaveOccurred())
		n := 0
		for _, t := range topics {
			if t.IsDir() && t.Name() != "scale" { // scale/ is not part of the bundled suite
				n++
				files, err := filepath.Glob(filepath.Join(folder, t.Name(), "*.yaml"))
				Expect(err).NotTo(HaveOccurred())
				Expect(files).To(HaveLen(1), t.Name())
				data, err := os.ReadFile(files[0])
				Expect(err).NotTo(HaveOccurred())
				Expect(string(data)).To(HavePrefix("# yaml-language-server: $schema=../scenario.schema.json\n"))
			}
		}
		Expect(res.stdout).To(Equal(fmt.Sprintf("created %d example scenarios in %s\ncreated %s\ncreated %s\nnext: ucssim run %s/\n",
			n, folder, filepath.Join(dir, ".github/workflows/ucssim.yml"), filepath.Join(folder, "scenario.schema.json"), folder)))
		ci, err := os.ReadFile(filepath.Join(dir, ".github", "workflows", "ucssim.yml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(ci)).To(ContainSubstring("ucssim validate scenarios/\n"))

		Expect(execute(realApp(), "validate", folder).stdout).To(Equal(fmt.Sprintf("%d valid, 0 invalid\n", n)))
		run := execute(realApp(), "run", folder)
		Expect(run.code).To(Equal(0), run.stdout)
		Expect(run.stdout).To(HaveSuffix(fmt.Sprintf("%d passed, 0 failed, 0 invalid\n", n)))
	})

	It("writes the GitLab file with --ci gitlab, none with --ci none", func() {
		dir := GinkgoTempDir()
		Expect(execute(realApp(), "init", "--ci", "gitlab", dir).code).To(Equal(0))
		Expect(filepath.Join(dir, ".gitlab-ci.yml")).To(BeARegularFile())
		Expect(filepath.Join(dir, ".github")).NotTo(BeADirectory())
		other := GinkgoTempDir()
		Expect(execute(realApp(), "init", "--ci", "none", other).code).To(Equal(0))
		Expect(filepath.Join(other, ".gitlab-ci.yml")).NotTo(BeAnExistingFile())
		Expect(execute(realApp(), "init", "--ci", "jenkins", GinkgoTempDir()).stderr).To(ContainSubstring(`bad --ci "jenkins"`))
	})

	It("refuses a scenarios folder that is not empty, or an existing CI file, and writes nothing", func() {
		dir := GinkgoTempDir()
		Expect(os.MkdirAll(filepath.Join(dir, "scenarios"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "scenarios", "mine.yaml"), []byte("name: Mine\n"), 0o644)).To(Succeed())
		res := execute(realApp(), "init", dir)
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring("exists and is not empty; nothing written"))
		Expect(filepath.Join(dir, ".github")).NotTo(BeADirectory())

		other := GinkgoTempDir()
		Expect(os.WriteFile(filepath.Join(other, ".gitlab-ci.yml"), []byte("mine: {}\n"), 0o644)).To(Succeed())
		res = execute(realApp(), "init", "--ci", "gitlab", other)
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring(".gitlab-ci.yml exists; nothing written"))
		Expect(filepath.Join(other, "scenarios")).NotTo(BeADirectory())
	})
})

var _ = Describe("the example CI configurations in docs/ci", func() {
	var work string
	var all []string
	BeforeEach(func() {
		work = GinkgoTempDir()
		Expect(execute(realApp(), "init", "--ci", "none", work).code).To(Equal(0))
		for _, f := range []string{"github-actions.yml", "gitlab-ci.yml"} {
			docs, err := os.ReadFile(filepath.Join("..", "..", "docs", "ci", f))
			Expect(err).NotTo(HaveOccurred())
			tmpl, err := ciTemplates.ReadFile("initdata/" + f)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(docs)).To(Equal(string(tmpl)), "docs/ci/%s is what ucssim init writes: copy cmd/ucssim/initdata/%s", f, f)
		}
		all = nil
		Expect(filepath.WalkDir(filepath.Join(work, "scenarios"), func(p string, _ os.DirEntry, err error) error {
			if strings.HasSuffix(p, ".yaml") {
				all = append(all, p)
			}
			return err
		})).To(Succeed())
	})

	It("GitHub Actions: every matrix shard's commands pass and the shards cover the folder once", func() {
		data, err := os.ReadFile("../../docs/ci/github-actions.yml")
		Expect(err).NotTo(HaveOccurred())
		var wf struct {
			Jobs map[string]struct {
				Strategy struct {
					Matrix struct {
						Shard []int `yaml:"shard"`
					} `yaml:"matrix"`
				} `yaml:"strategy"`
				Steps []struct {
					Uses string `yaml:"uses"`
					Run  string `yaml:"run"`
				} `yaml:"steps"`
			} `yaml:"jobs"`
		}
		Expect(yaml.Unmarshal(data, &wf)).To(Succeed())
		job, ok := wf.Jobs["scenarios"]
		Expect(ok).To(BeTrue())
		Expect(job.Strategy.Matrix.Shard).To(Equal([]int{1, 2, 3, 4}))
		var ran []string
		for _, shard := range job.Strategy.Matrix.Shard {
			for _, st := range job.Steps {
				if st.Run == "" {
					continue
				}
				runCI(strings.ReplaceAll(st.Run, "${{ matrix.shard }}", fmt.Sprint(shard)), work)
			}
			ran = append(ran, junitNames(filepath.Join(work, fmt.Sprintf("junit-%d.xml", shard)))...)
		}
		Expect(ran).To(HaveLen(len(all)))
		slices.Sort(ran)
		Expect(slices.Compact(slices.Clone(ran))).To(HaveLen(len(all)), "no scenario runs in two shards")
	})

	It("GitLab CI: every parallel job's script passes and the jobs cover the folder once", func() {
		data, err := os.ReadFile("../../docs/ci/gitlab-ci.yml")
		Expect(err).NotTo(HaveOccurred())
		var cfg map[string]struct {
			Parallel int      `yaml:"parallel"`
			Script   []string `yaml:"script"`
		}
		Expect(yaml.Unmarshal(data, &cfg)).To(Succeed())
		job := cfg["ucssim"]
		Expect(job.Parallel).To(Equal(4))
		var ran []string
		for i := 1; i <= job.Parallel; i++ {
			junit := filepath.Join(work, "junit.xml")
			os.Remove(junit)
			for _, line := range job.Script {
				line = strings.NewReplacer("${CI_NODE_INDEX}", fmt.Sprint(i), "${CI_NODE_TOTAL}", fmt.Sprint(job.Parallel)).Replace(line)
				runCI(line, work)
			}
			ran = append(ran, junitNames(junit)...)
		}
		Expect(ran).To(HaveLen(len(all)))
	})
})
