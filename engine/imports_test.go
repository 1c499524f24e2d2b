package engine_test

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
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
