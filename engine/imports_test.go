package engine_test

import (
	"encoding/json"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
)

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(build.Default.GOROOT, "bin", "go")
}

func goList(args ...string) []string {
	out, err := exec.Command(goTool(), append([]string{"list"}, args...)...).CombinedOutput()
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), string(out))
	return strings.Fields(string(out))
}

var _ = Describe("The engine is pure (docs/ARCHITECTURE.md D-1)", func() {
	// The standard library itself reaches os (fmt imports os), so "no os anywhere below" cannot
	// hold for any Go package. What the rule means is that engine code never touches the network,
	// the file system or the process: so the DIRECT imports of engine and engine/pwsh hold none of
	// net, net/http, os or sipgo, and the TRANSITIVE set holds no networking package at all.
	It("imports no net, net/http, os or sipgo directly, and nothing networked transitively", func() {
		direct := goList("-f", `{{join .Imports " "}}`, ".", "./pwsh")
		Expect(direct).NotTo(BeEmpty())
		for _, imp := range direct {
			Expect(imp).NotTo(BeElementOf("net", "net/http", "os", "os/exec"), "direct import")
			Expect(imp).NotTo(ContainSubstring("sipgo"))
		}
		deps := goList("-deps", ".", "./pwsh")
		Expect(deps).To(ContainElement("github.com/benbjohnson/clock"))
		for _, d := range deps {
			Expect(d).NotTo(BeElementOf("net", "net/http", "crypto/tls"), "transitive import")
			Expect(d).NotTo(ContainSubstring("sipgo"))
			Expect(d).NotTo(HavePrefix("github.com/ucssim/ucssim/sim"))
			Expect(d).NotTo(HavePrefix("github.com/ucssim/ucssim/mocks"))
		}
	})

	It("never reads the wall clock or sleeps on it", func() {
		forbidden := map[string]bool{"Now": true, "Sleep": true, "After": true, "AfterFunc": true, "NewTimer": true, "NewTicker": true, "Tick": true, "Since": true, "Until": true}
		for _, dir := range []string{".", "pwsh"} {
			files, err := filepath.Glob(filepath.Join(dir, "*.go"))
			Expect(err).NotTo(HaveOccurred())
			for _, f := range files {
				if strings.HasSuffix(f, "_test.go") {
					continue
				}
				fset := token.NewFileSet()
				file, err := parser.ParseFile(fset, f, nil, 0)
				Expect(err).NotTo(HaveOccurred())
				ast.Inspect(file, func(n ast.Node) bool {
					if sel, ok := n.(*ast.SelectorExpr); ok {
						if id, ok := sel.X.(*ast.Ident); ok && id.Name == "time" && forbidden[sel.Sel.Name] {
							Fail(fset.Position(sel.Pos()).String() + ": time." + sel.Sel.Name + " in engine code")
						}
					}
					return true
				})
			}
		}
	})
})

// engineFiles parses the engine's non-test source files with comments.
func engineFiles(fset *token.FileSet) []*ast.File {
	files, err := filepath.Glob("*.go")
	Expect(err).NotTo(HaveOccurred())
	var out []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		Expect(err).NotTo(HaveOccurred())
		out = append(out, af)
	}
	return out
}

// exportImporter type-checks against the compiler's export data, located with go list -export.
func exportImporter(fset *token.FileSet, pkg string) types.Importer {
	out, err := exec.Command(goTool(), "list", "-export", "-deps", "-json=ImportPath,Export", pkg).Output()
	Expect(err).NotTo(HaveOccurred())
	exports := map[string]string{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct{ ImportPath, Export string }
		Expect(dec.Decode(&p)).To(Succeed())
		exports[p.ImportPath] = p.Export
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		return os.Open(exports[path])
	})
}

var _ = Describe("The engine is deterministic (docs/ARCHITECTURE.md D-1, D-5)", func() {
	It("starts no goroutine of its own: jobs go through its Scheduler", func() {
		fset := token.NewFileSet()
		for _, f := range engineFiles(fset) {
			ast.Inspect(f, func(n ast.Node) bool {
				if g, ok := n.(*ast.GoStmt); ok {
					Fail(fset.Position(g.Pos()).String() + ": go statement in engine code; use Scheduler.Go")
				}
				return true
			})
		}
	})

	It("changes a user's phase only through the doors of phase.go", func() {
		fset := token.NewFileSet()
		for _, f := range engineFiles(fset) {
			name := filepath.Base(fset.Position(f.Pos()).Filename)
			ast.Inspect(f, func(n ast.Node) bool {
				as, ok := n.(*ast.AssignStmt)
				if !ok {
					return true
				}
				for _, lhs := range as.Lhs {
					if sel, ok := lhs.(*ast.SelectorExpr); ok && sel.Sel.Name == "phase" && name != "phase.go" {
						Fail(fset.Position(as.Pos()).String() + ": assigns .phase outside engine/phase.go; add or use a door there")
					}
				}
				return true
			})
		}
	})

	It("ranges over a map only where a comment says the order does not matter", func() {
		fset := token.NewFileSet()
		files := engineFiles(fset)
		info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
		conf := types.Config{Importer: exportImporter(fset, ".")}
		_, err := conf.Check("github.com/ucssim/ucssim/engine", fset, files, info)
		Expect(err).NotTo(HaveOccurred())
		ranges := 0
		for _, f := range files {
			commented := map[int]bool{} // lines holding or followed by an "order does not matter" note
			for _, cg := range f.Comments {
				for _, c := range cg.List {
					if strings.Contains(c.Text, "order does not matter") || strings.Contains(c.Text, "sorted:") {
						line := fset.Position(c.Pos()).Line
						commented[line], commented[line+1] = true, true
					}
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				r, ok := n.(*ast.RangeStmt)
				if !ok {
					return true
				}
				if _, isMap := info.TypeOf(r.X).Underlying().(*types.Map); isMap {
					ranges++
					pos := fset.Position(r.Pos())
					if !commented[pos.Line] {
						Fail(pos.String() + ": range over a map without an \"order does not matter: why\" comment; iterate sorted keys or say why the order cannot show")
					}
				}
				return true
			})
		}
		Expect(ranges).To(BeNumerically(">", 0), "the check saw no map range at all")
	})
})

// floor is the layer of a package: an import never points to a higher floor
// (docs/ARCHITECTURE.md, Layout).
func floor(pkg string) (int, bool) {
	rel := strings.TrimPrefix(pkg, module+"/")
	switch top, _, _ := strings.Cut(rel, "/"); top {
	case "engine":
		return 0, true
	case "mocks":
		return 1, true
	case "scenarios":
		return 1, true // the embedded suite: data only
	case "sim":
		return 2, true
	case "cmd":
		return 3, true
	case "ucssimtest":
		return 3, true // helpers for other projects' tests, beside the CLI
	case "internal":
		return 3, true // specs over the repository itself
	}
	return 0, false
}

const module = "github.com/ucssim/ucssim"

type listed struct {
	ImportPath string
	Imports    []string
}

func listAll() []listed {
	out, err := exec.Command(goTool(), "list", "-json=ImportPath,Imports", module+"/...").Output()
	Expect(err).NotTo(HaveOccurred())
	var pkgs []listed
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p listed
		Expect(dec.Decode(&p)).To(Succeed())
		pkgs = append(pkgs, p)
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].ImportPath < pkgs[j].ImportPath })
	return pkgs
}

func own(imports []string) []string {
	var out []string
	for _, imp := range imports {
		if strings.HasPrefix(imp, module+"/") {
			out = append(out, strings.TrimPrefix(imp, module+"/"))
		}
	}
	return out
}

var _ = Describe("The import picture (docs/ARCHITECTURE.md, Layout)", func() {
	pkgs := listAll()

	It("knows the floor of every package", func() {
		for _, p := range pkgs {
			_, ok := floor(p.ImportPath)
			Expect(ok).To(BeTrue(), "%s is in no floor: add its top-level folder to floor() and to docs/ARCHITECTURE.md", p.ImportPath)
		}
	})

	It("never imports upward: engine, then mocks, then sim, then cmd", func() {
		for _, p := range pkgs {
			from, _ := floor(p.ImportPath)
			for _, imp := range own(p.Imports) {
				to, _ := floor(module + "/" + imp)
				Expect(to).To(BeNumerically("<=", from), "%s imports %s, a higher floor", p.ImportPath, imp)
			}
		}
	})

	It("keeps every room to its job", func() {
		rules := []struct {
			pkg, why string
			allow    func(imp string) bool
		}{
			{"engine/pwsh", "PowerShell syntax is a leaf", func(string) bool { return false }},
			{"engine", "the engine is pure (D-1)", func(imp string) bool { return imp == "engine/pwsh" }},
			{"sim/vclock", "the clock knows nothing of what it times", func(string) bool { return false }},
			{"sim/internal/lyncwire", "the Lync wire vocabulary is a leaf over the engine's value types",
				func(imp string) bool { return imp == "engine" }},
			{"sim/internal/frontend", "the front end is the server side of the Lync wire",
				func(imp string) bool { return imp == "engine" || imp == "sim/internal/lyncwire" }},
			{"sim/internal/client", "a simulated client speaks the wire, never imports the server",
				func(imp string) bool { return imp == "engine" || imp == "mocks/ews" || imp == "sim/internal/lyncwire" }},
			{"sim/internal/memwire", "the memory wire carries bytes and knows nothing of what they say",
				func(string) bool { return false }},
			{"sim/scenario", "the scenario model reads files, runs nothing",
				func(imp string) bool { return imp == "engine" }},
			{"sim", "the world is below running a file, the shell and reports",
				func(imp string) bool {
					return !strings.HasPrefix(imp, "sim/runner") && !strings.HasPrefix(imp, "sim/shell") &&
						!strings.HasPrefix(imp, "sim/report") && !strings.HasPrefix(imp, "cmd")
				}},
		}
		byPath := map[string][]string{}
		for _, p := range pkgs {
			byPath[strings.TrimPrefix(p.ImportPath, module+"/")] = own(p.Imports)
		}
		for _, r := range rules {
			imports, ok := byPath[r.pkg]
			Expect(ok).To(BeTrue(), "package %s is gone: update this rule and docs/ARCHITECTURE.md", r.pkg)
			for _, imp := range imports {
				Expect(r.allow(imp)).To(BeTrue(), "%s imports %s: %s", r.pkg, imp, r.why)
			}
		}
	})

	It("lets only tests import the test doubles of engine/enginetest", func() {
		for _, p := range pkgs {
			Expect(own(p.Imports)).NotTo(ContainElement("engine/enginetest"), "%s imports the test doubles outside its tests", p.ImportPath)
		}
	})
})

var _ = Describe("Delivery of events and notifications (docs/ARCHITECTURE.md D-4)", func() {
	It("calls OnEvent and the Listener outside the engine lock, in order, with the virtual time", func() {
		var w *world
		var states []engine.State
		var times []time.Time
		w = newWorld(1, func(c *engine.Config) {
			c.OnEvent = func(ev engine.Event) {
				st, err := w.eng.Status(kenSIP) // would deadlock if called under the lock
				Expect(err).NotTo(HaveOccurred())
				states = append(states, st.State)
				times = append(times, ev.Time)
			}
		})
		w.addUser(kenSpec(), 2)
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.advance(10 * time.Minute)
		Expect(states).To(Equal([]engine.State{engine.Migrating, engine.Migrating, engine.Migrated, engine.Migrated}),
			"migration.started, signin, migration.completed, prompt.shown")
		Expect(times[0]).To(Equal(vclockStart()))
		Expect(times[2]).To(Equal(vclockStart().Add(10 * time.Minute)))
	})

	It("maps Favorites to the Exchange system group and back on rollback", func() {
		w := newWorld(1)
		w.ex.AddMailbox(kenMbox, engine.MailboxExchange2013)
		Expect(w.eng.AddUser(engine.UserSpec{Name: "Ken Myer", SIP: kenSIP, Contacts: []engine.ContactSpec{
			{URI: "sip:pilar@litwareinc.com", Groups: []string{"Team", "Favorites"}},
		}})).To(Succeed())
		w.migrate("Ken Myer")
		l, _, _ := w.ex.List(kenMbox)
		for _, g := range l.Groups {
			if g.Type == engine.GroupFavorites || g.DisplayName == "Team" {
				Expect(g.Members).To(HaveLen(1), g.DisplayName)
			}
		}
		w.mustRun("Invoke-CsUcsRollback 'Ken Myer'")
		cl, _ := w.eng.ContactList("Ken Myer")
		names := map[int]string{}
		for _, g := range cl.Groups {
			names[g.ID] = g.Name
		}
		Expect(cl.Contacts).To(HaveLen(1))
		var groups []string
		for _, id := range cl.Contacts[0].Groups {
			groups = append(groups, names[id])
		}
		Expect(groups).To(ConsistOf("Team", "Favorites"))
	})
})
