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

	"github.com/ucssim/ucssim/engine"
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

var _ = Describe("The vocabulary, declared once", func() {
	It("lists exactly the trace event types docs/SCENARIO-FORMAT.md documents, in its order", func() {
		doc, err := os.ReadFile("../docs/SCENARIO-FORMAT.md")
		Expect(err).NotTo(HaveOccurred())
		section := regexp.MustCompile("(?s)## Trace event types[^\n]*\n`([^`]*)`").FindSubmatch(doc)
		Expect(section).NotTo(BeNil(), "the trace event types section of docs/SCENARIO-FORMAT.md")
		Expect(engine.Names(engine.EventTypes())).To(Equal(strings.Fields(string(section[1]))))
	})

	It("reads user input case-insensitively into the constants", func() {
		Expect(engine.ParseState("migrated")).To(Equal(engine.Migrated))
		Expect(engine.ParseClientKind(" LYNC2010 ")).To(Equal(engine.Lync2010))
		Expect(engine.ParseFaultKind("Busy")).To(Equal(engine.FaultBusy))
		Expect(engine.ParseEventType("Migration.Completed")).To(Equal(engine.EventMigrationCompleted))
		Expect(engine.ParseStore("exchange")).To(Equal(engine.StoreExchange))
		Expect(engine.ParseReadsFrom("readonly")).To(Equal(engine.ReadsReadOnly))
		Expect(engine.ParseMailboxKind("none")).To(Equal(engine.MailboxNone))
	})

	It("refuses what is not a constant, naming every choice", func() {
		_, err := engine.ParseClientKind("lync2007")
		Expect(err).To(MatchError(`client kind "lync2007" is not one of lync2013, lync2010, mobile`))
		_, err = engine.ParseFaultKind("flaky")
		Expect(err).To(MatchError(`fault kind "flaky" is not one of down, busy, slow, unauthorized`))
		_, err = engine.ParseEventType("migration.done")
		Expect(err).To(MatchError(ContainSubstring("migration.completed")))
	})

	It("hands out copies of its lists", func() {
		kinds := engine.ClientKinds()
		kinds[0] = "changed"
		Expect(engine.ClientKinds()[0]).To(Equal(engine.Lync2013))
		Expect(engine.States()).To(Equal([]engine.State{engine.Disabled, engine.Allowed, engine.Migrating, engine.Migrated, engine.Failed}))
	})
})
