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

// The ews-javascript-api client is installed by `npm ci` in mocks/ews/interop (.ci/run does it).
var _ = Describe("interop with ews-javascript-api", func() {
	It("finds Lync Contacts under Contacts and lists the contacts a UCS migration wrote", func() {
		node, err := exec.LookPath("node")
		Expect(err).NotTo(HaveOccurred(), "node is not installed: the EWS interop spec needs Node 20 (see TOOLING-NOTES.md section 5)")
		_, err = os.Stat(filepath.Join("interop", "node_modules", "ews-javascript-api", "package.json"))
		Expect(err).NotTo(HaveOccurred(), "ews-javascript-api is missing: run `npm ci` in mocks/ews/interop")

		w := newWorld()
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

		runCtx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(runCtx, node, "list-contacts.js", w.base, ken)
		cmd.Dir = "interop"
		out, err := cmd.Output()
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		Expect(err).NotTo(HaveOccurred(), "node list-contacts.js failed: %s", stderr)

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
		Expect(got.Contacts[0].ID).To(Equal(p.ID.ID))
		Expect(got.Contacts[0].DisplayName).To(Equal("Pilar Ackerman"))
		Expect(got.Contacts[0].Email).To(Equal("pilar@litwareinc.com"))
		Expect(got.Contacts[0].IM).To(Equal("pilar@litwareinc.com"))
		Expect(got.Contacts[1].ID).To(Equal(b.ID.ID))
		Expect(got.Contacts[1].DisplayName).To(Equal("Ben Miller"))
		Expect(w.srv.Journal()[len(w.srv.Journal())-1]).To(HaveField("Caller", ken))
	})
})
