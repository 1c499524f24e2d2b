package shell_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/shell"
	"github.com/ucssim/ucssim/sim/timeline"
)

// markText lists the step markers of a timeline as "class@offset text".
func markText(tl *timeline.Timeline) []string {
	var out []string
	for _, m := range tl.Steps {
		out = append(out, m.Class+"@"+timeline.Offset(m.At, tl.Start)+" "+m.Label)
	}
	return out
}

var _ = Describe("The shell's lines on its timeline (issue 12)", func() {
	It("marks every line that acted, at its instant and with its text, the cmdlets as cmdlets", func() {
		s, _ := session("signin Ken Myer\nwait 10m\nInvoke-CsUcsRollback -Identity \"Ken Myer\" -Confirm:$false\nGet-CsUserServicesPolicy\n")
		tl := s.Timeline()
		Expect(markText(tl)).To(Equal([]string{
			"step@+0s signin Ken Myer",
			"clock@+10m wait 10m",
			`cmdlet@+10m Invoke-CsUcsRollback -Identity "Ken Myer" -Confirm:$false`,
			"cmdlet@+10m Get-CsUserServicesPolicy",
		}))
		page := string(tl.Page(timeline.PageOptions{Live: true}))
		Expect(page).To(MatchRegexp(`<g class="mark step cmdlet"[^>]*data-steps="2"`))
		Expect(page).To(ContainSubstring(`<code>Invoke-CsUcsRollback -Identity &#34;Ken Myer&#34; -Confirm:$false</code><span class="line">typed</span>`))
		// the rollback's events belong to its step: clicking one finds the line typed
		Expect(page).To(MatchRegexp(`data-kinds="[^"]*rollback\.started[^"]*"[^>]*data-steps="1 2"`))
	})

	It("lays the steps out again after undo: the line after the one undone moves to where it now ran", func() {
		s, _ := session("signin Ken Myer\nwait 10m\nwait 5m\nundo\n")
		Expect(markText(s.Timeline())).To(Equal([]string{"step@+0s signin Ken Myer", "clock@+10m wait 10m"}))
		s2, _ := session("signin Ken Myer\nwait 1h\nSet-CsUserServicesPolicy -Identity global -UcsAllowed $False\nundo\n")
		Expect(markText(s2.Timeline())).To(Equal([]string{"step@+0s signin Ken Myer", "clock@+1h wait 1h"}))
	})

	It("tells open live pages of each line, even one that caused no event", func() {
		var out bytes.Buffer
		s, err := shell.New(shell.Options{Echo: true}, &out)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		live, err := s.ServeUI("127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(live.Close)
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(live.URL() + "events")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(resp.Body.Close)
		r := bufio.NewReader(resp.Body)
		line, err := r.ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		Expect(line).To(HavePrefix("retry:"))

		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() { done <- s.Serve(context.Background(), pr) }()
		_, err = io.WriteString(pw, "Get-CsUserServicesPolicy\n")
		Expect(err).NotTo(HaveOccurred())
		// the stream's first event (the client's timeout bounds the wait for it)
		for !strings.HasPrefix(line, "event: ") {
			line, err = r.ReadString('\n')
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(strings.TrimSpace(line)).To(Equal("event: step"))
		Expect(markText(s.Timeline())).To(Equal([]string{"cmdlet@+0s Get-CsUserServicesPolicy"}))
		Expect(pw.Close()).To(Succeed())
		Eventually(done).WithTimeout(5 * time.Second).Should(Receive(BeNil()))
	})
})
