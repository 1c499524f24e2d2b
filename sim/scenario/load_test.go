package scenario_test

import (
	"os"
	"path/filepath"
	"testing/fstest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/scenario"
)

var _ = Describe("Discover and Load", func() {
	var dir string

	write := func(rel, body string) string {
		p := filepath.Join(dir, rel)
		Expect(os.MkdirAll(filepath.Dir(p), 0o755)).To(Succeed())
		Expect(os.WriteFile(p, []byte(body), 0o644)).To(Succeed())
		return p
	}

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
	})

	It("lists *.yaml and *.yml under directories, sorted, once each", func() {
		b := write("rollback/b.yaml", "name: b\n")
		a := write("policy/a.yml", "name: a\n")
		write("policy/README.md", "not a scenario")
		c := write("c.YAML", "name: c\n")
		got, err := scenario.Discover([]string{dir, b})
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal([]string{c, a, b}))
	})

	It("takes a file named explicitly whatever its extension", func() {
		p := write("story.txt", "name: s\n")
		Expect(scenario.Discover([]string{p})).To(Equal([]string{p}))
	})

	It("fails on a path that does not exist", func() {
		_, err := scenario.Discover([]string{filepath.Join(dir, "missing")})
		Expect(err).To(MatchError(ContainSubstring("missing: cannot read: no such file or directory")))
	})

	It("loads a file from disk with its path in every error", func() {
		p := write("bad.yaml", "name: t\nseed: x\n")
		_, err := scenario.Load(p)
		Expect(err).To(MatchError(p + `:2:7: seed: expected a whole number >= 0, got "x"`))
		f, err := scenario.Load(write("good.yaml", "name: good\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Name).To(Equal("good"))
	})

	It("reports an unreadable file at 1:1", func() {
		_, err := scenario.Load(filepath.Join(dir, "none.yaml"))
		Expect(err).To(MatchError(filepath.Join(dir, "none.yaml") + ":1:1: cannot read: no such file or directory"))
	})

	It("discovers and loads from an fs.FS such as the embedded suite", func() {
		fsys := fstest.MapFS{
			"policy/a.yaml":   {Data: []byte("name: a\n")},
			"rollback/b.yaml": {Data: []byte("name: b\nseed: 7\n")},
			"notes.txt":       {Data: []byte("x")},
		}
		paths, err := scenario.DiscoverFS(fsys, []string{"."})
		Expect(err).NotTo(HaveOccurred())
		Expect(paths).To(Equal([]string{"policy/a.yaml", "rollback/b.yaml"}))
		f, err := scenario.LoadFS(fsys, "rollback/b.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Path).To(Equal("rollback/b.yaml"))
		Expect(f.Seed).To(Equal(uint64(7)))
	})
})

var _ = Describe("CheckSuite", func() {
	It("accepts distinct names", func() {
		a := mustParse("name: a\n")
		b := mustParse("name: b\n")
		Expect(scenario.CheckSuite([]*scenario.File{a, b})).To(Succeed())
	})

	It("reports a name used twice at the second file's name", func() {
		a, err := scenario.Parse("a.yaml", []byte("name: Same story\n"))
		Expect(err).NotTo(HaveOccurred())
		b, err := scenario.Parse("b.yaml", []byte("# copy\nname: same STORY\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(scenario.CheckSuite([]*scenario.File{a, b})).To(MatchError(
			`b.yaml:2:7: duplicate scenario name "same STORY" (also in a.yaml:1)`))
	})
})
