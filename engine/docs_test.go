package engine_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The repository carries its own reference in docs/; source comments cite its rules by id
// (docs/BEHAVIOR.md B-4.3, docs/ARCHITECTURE.md D-4, docs/PROTOCOLS.md 1.5). These specs keep the
// citations followable from a fresh clone.
var _ = Describe("Citations of the reference in docs/", func() {
	root := ".."
	var sources map[string]string

	BeforeEach(func() {
		sources = map[string]string{}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() && (strings.HasPrefix(name, ".") && path != root || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			if !d.IsDir() && (strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".yaml")) {
				b, err := os.ReadFile(path)
				Expect(err).NotTo(HaveOccurred())
				sources[path] = string(b)
			}
			return nil
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(sources).To(HaveKey(filepath.Join(root, "docs", "BEHAVIOR.md")))
	})

	It("never point outside the checkout", func() {
		outside := regexp.MustCompile(`\.\./shared|(^|[^/\w-])(DESIGN|BEHAVIOR|PROTOCOLS|SCENARIO-FORMAT)\.md`)
		for path, text := range sources {
			if strings.HasPrefix(path, filepath.Join(root, "docs")) || strings.HasSuffix(path, "docs_test.go") {
				continue
			}
			for i, line := range strings.Split(text, "\n") {
				if m := outside.FindString(line); m != "" && !strings.Contains(line, "docs/") && !strings.Contains(line, "](") {
					Fail(path + ":" + strconv.Itoa(i+1) + ": cites " + strings.TrimSpace(m) + " outside docs/: " + strings.TrimSpace(line))
				}
			}
		}
	})

	It("name rule ids that docs/ defines", func() {
		defined := map[string]bool{}
		anchor := regexp.MustCompile(`<a id="([A-Z]-[0-9.]+)"></a>`)
		for _, f := range []string{"ARCHITECTURE.md", "BEHAVIOR.md", "PROTOCOLS.md"} {
			for _, m := range anchor.FindAllStringSubmatch(sources[filepath.Join(root, "docs", f)], -1) {
				defined[m[1]] = true
			}
		}
		Expect(defined).To(HaveKey("B-4.3"))
		Expect(defined).To(HaveKey("D-1"))
		cited := regexp.MustCompile(`\b([BD]-[0-9]+(\.[0-9]+)?)\b`)
		for path, text := range sources {
			for _, m := range cited.FindAllStringSubmatch(text, -1) {
				Expect(defined).To(HaveKey(m[1]), "%s cites %s, which docs/ does not define", path, m[1])
			}
		}
	})
})
