package ews_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
)

// Outside EWS clients read what a migration wrote: each runs a probe script in mocks/ews/interop
// against a world whose list moved through the UCS operations.

// migrated is a world where Ken's list was migrated as the Lync Server does: Pilar Ackerman in Team
// and Favorites, Ben Miller in Other Contacts. It returns both contacts' ids.
func migrated() (w *world, pilar, ben engine.ItemID) {
	w = newWorld()
	lx := w.engineClient()
	By("migrating a Lync list through the UCS operations, as the Lync Server does")
	l, err := lx.GetImItemList(ctx, ken)
	Expect(err).NotTo(HaveOccurred())
	team, err := lx.AddImGroup(ctx, ken, "Team")
	Expect(err).NotTo(HaveOccurred())
	p, err := lx.AddNewImContactToGroup(ctx, ken, "sip:pilar@litwareinc.com", "Pilar Ackerman", team.ID)
	Expect(err).NotTo(HaveOccurred())
	Expect(lx.AddImContactToGroup(ctx, ken, p.ID, byName(l, "Favorites").ID)).To(Succeed())
	b, err := lx.AddNewImContactToGroup(ctx, ken, "ben@litwareinc.com", "Ben Miller", engine.ItemID{})
	Expect(err).NotTo(HaveOccurred())
	Expect(lx.SetImListMigrationCompleted(ctx, ken, true)).To(Succeed())
	return w, p.ID, b.ID
}

// probe runs an interpreter on a script in mocks/ews/interop (at most a minute) and returns what
// it printed; a failure shows its standard error.
func probe(interpreter, script string, args ...string) []byte {
	runCtx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(runCtx, interpreter, append([]string{script}, args...)...)
	cmd.Dir = "interop"
	out, err := cmd.Output()
	var stderr string
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	Expect(err).NotTo(HaveOccurred(), "%s failed: %s", script, stderr)
	return out
}

// The ews-javascript-api client is installed by `npm ci` in mocks/ews/interop (.ci/run does it).
var _ = Describe("interop with ews-javascript-api", func() {
	It("finds Lync Contacts under Contacts and lists the contacts a UCS migration wrote", func() {
		node, err := exec.LookPath("node")
		Expect(err).NotTo(HaveOccurred(), "node is not installed: the EWS interop spec needs Node 20 (see TOOLING-NOTES.md section 5)")
		_, err = os.Stat(filepath.Join("interop", "node_modules", "ews-javascript-api", "package.json"))
		Expect(err).NotTo(HaveOccurred(), "ews-javascript-api is missing: run `npm ci` in mocks/ews/interop")

		w, pilar, ben := migrated()
		out := probe(node, "list-contacts.js", w.base, ken)

		var got struct {
			Folders []struct {
				DisplayName string `json:"displayName"`
				TotalCount  int    `json:"totalCount"`
			} `json:"folders"`
			Contacts []struct {
				ID, DisplayName, Email, IM string
			} `json:"contacts"`
		}
		Expect(json.Unmarshal(out, &got)).To(Succeed(), "output: %s", out)
		Expect(got.Folders).To(HaveLen(1))
		Expect(got.Folders[0].DisplayName).To(Equal("Lync Contacts"))
		Expect(got.Folders[0].TotalCount).To(Equal(2))
		Expect(got.Contacts).To(HaveLen(2))
		Expect(got.Contacts[0].ID).To(Equal(pilar.ID))
		Expect(got.Contacts[0].DisplayName).To(Equal("Pilar Ackerman"))
		Expect(got.Contacts[0].Email).To(Equal("pilar@litwareinc.com"))
		Expect(got.Contacts[0].IM).To(Equal("pilar@litwareinc.com"))
		Expect(got.Contacts[1].ID).To(Equal(ben.ID))
		Expect(got.Contacts[1].DisplayName).To(Equal("Ben Miller"))
		Expect(w.srv.Journal()[len(w.srv.Journal())-1]).To(HaveField("Caller", ken))
	})
})

// exchangelib is Debian's python3-exchangelib (.ci/test-deps/debian.txt; make test installs it).
var _ = Describe("interop with exchangelib", func() {
	It("walks the folder tree from root and reads the Lync Contacts a migration wrote, the IM list folder hidden", func() {
		// Debian's interpreter, where python3-exchangelib lives (a pyenv or venv python3 on PATH lacks it)
		python, err := exec.LookPath("/usr/bin/python3")
		if err != nil {
			python, err = exec.LookPath("python3")
		}
		Expect(err).NotTo(HaveOccurred(), "python3 is not installed: the exchangelib interop spec needs the Debian package python3-exchangelib")
		Expect(exec.Command(python, "-c", "import exchangelib").Run()).To(Succeed(),
			"exchangelib is missing: install the Debian package python3-exchangelib (make test does it as root)")

		w, _, _ := migrated()
		out := probe(python, "exchangelib_probe.py", w.base+"/EWS/Exchange.asmx", ken)

		var got struct {
			Root     struct{ Name, Class string }
			Walk     []string
			Children []string
			FindDeep []string `json:"find_deep"`
			Lync     struct {
				Name   string
				Total  int
				Parent string
			}
			Contacts []struct {
				Name   string
				Emails []string
				IM     []string
			}
		}
		Expect(json.Unmarshal(out, &got)).To(Succeed(), "output: %s", out)
		Expect(got.Root.Class).To(Equal("Root"))
		Expect(got.Children).To(Equal([]string{"Top of Information Store"}))
		Expect(got.FindDeep).To(Equal([]string{"Contacts", "Lync Contacts", "Top of Information Store"}),
			"the IM Contact List folder stays hidden from ordinary listings")
		Expect(got.Walk).To(Equal([]string{"Contacts", "IM Contact List", "Lync Contacts", "Top of Information Store"}),
			"walk() also holds the distinguished folders exchangelib asks for by name, as against Exchange")
		Expect(got.Lync.Name).To(Equal("Lync Contacts"))
		Expect(got.Lync.Total).To(Equal(2))
		Expect(got.Lync.Parent).To(Equal("Contacts"))
		Expect(got.Contacts).To(HaveLen(2))
		Expect(got.Contacts[0].Name).To(Equal("Ben Miller"))
		Expect(got.Contacts[1].Name).To(Equal("Pilar Ackerman"))
		Expect(got.Contacts[1].Emails).To(Equal([]string{"pilar@litwareinc.com"}))
	})
})
