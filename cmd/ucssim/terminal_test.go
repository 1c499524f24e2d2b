package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Every spec of the CLI suite keeps its history and journals in a config directory of its own.
var _ = BeforeEach(func() {
	GinkgoT().Setenv("XDG_CONFIG_HOME", GinkgoT().TempDir())
})

// tmuxPane is the ucssim binary running in a detached tmux session of its own (own server socket),
// typed at with send-keys and read back with capture-pane: what a person at a terminal sees.
type tmuxPane struct {
	socket, target string
	status         string // file the pane's shell writes the program's exit status to
}

// needTmux fails (never skips) when tmux is missing: the terminal specs need it.
func needTmux() {
	GinkgoHelper()
	if _, err := exec.LookPath("tmux"); err != nil {
		Fail("the terminal specs drive the shell in tmux, which is not installed: apt-get install tmux (Debian package tmux)")
	}
}

func (p *tmuxPane) tmux(args ...string) string {
	GinkgoHelper()
	cmd := exec.Command("tmux", append([]string{"-L", p.socket, "-f", "/dev/null"}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	Expect(cmd.Run()).To(Succeed(), "tmux %v: %s", args, errb.String())
	return out.String()
}

// startPane runs `ucssim args...` on an 120x40 terminal with configDir as XDG_CONFIG_HOME.
func startPane(bin, configDir string, args ...string) *tmuxPane {
	GinkgoHelper()
	needTmux()
	p := &tmuxPane{socket: fmt.Sprintf("ucssim-spec-%d-%d", os.Getpid(), time.Now().UnixNano()), target: "spec",
		status: filepath.Join(GinkgoT().TempDir(), "status")}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + a + "'"
	}
	// The pane's shell records the exit status itself: tmux 3.3 sometimes leaves the ended program
	// unreaped (a zombie), and then never learns its status.
	command := fmt.Sprintf("env XDG_CONFIG_HOME='%s' TERM=xterm-256color NO_COLOR=1 '%s' %s; echo $? > '%s'", configDir, bin, strings.Join(quoted, " "), p.status)
	p.tmux("new-session", "-d", "-s", p.target, "-x", "120", "-y", "40", command)
	p.tmux("set-option", "-t", p.target, "remain-on-exit", "on")
	DeferCleanup(func() {
		_ = exec.Command("tmux", "-L", p.socket, "kill-server").Run()
	})
	return p
}

// keys types keys: literal text, or tmux key names (Enter, Tab, Up, Left, C-c, C-d).
func (p *tmuxPane) keys(keys ...string) {
	GinkgoHelper()
	p.tmux(append([]string{"send-keys", "-t", p.target}, keys...)...)
}

// screen is the text on the terminal now.
func (p *tmuxPane) screen() string {
	return p.tmux("capture-pane", "-p", "-t", p.target)
}

// line is the last non-empty line of the screen (where the cursor's prompt is).
func (p *tmuxPane) line() string {
	lines := strings.Split(strings.TrimRight(p.screen(), "\n "), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

// shows waits (briefly: the terminal is a real one) until the screen holds text.
func (p *tmuxPane) shows(text string) {
	GinkgoHelper()
	Eventually(p.screen).WithTimeout(10*time.Second).WithPolling(20*time.Millisecond).Should(ContainSubstring(text), "the terminal")
}

// reads waits until the prompt line reads exactly text.
func (p *tmuxPane) reads(text string) {
	GinkgoHelper()
	Eventually(p.line).WithTimeout(10*time.Second).WithPolling(20*time.Millisecond).Should(Equal(text), "the prompt line")
}

// exited is "exited N" once the program has ended with status N, "killed by SIG<n>" if signal n
// ended it (the shell reports 128+n), "running" until then.
func (p *tmuxPane) exited() string {
	data, err := os.ReadFile(p.status)
	if err != nil || !strings.HasSuffix(string(data), "\n") {
		return "running"
	}
	code := strings.TrimSpace(string(data))
	if n, err := strconv.Atoi(code); err == nil && n > 128 {
		return fmt.Sprintf("killed by SIG%d\n%s", n-128, p.screen())
	}
	return "exited " + code
}

var _ = Describe("ucssim shell on a terminal", Ordered, func() {
	var bin string
	BeforeAll(func() {
		needTmux()
		bin = ucssimBinary()
	})

	const prompt0 = "PS 2026-01-05 09:00:00 > "

	It("edits with the arrow keys, completes with Tab, cancels with Ctrl-C, recalls history and leaves with Ctrl-D", func() {
		config := GinkgoT().TempDir()
		p := startPane(bin, config, "shell")
		p.reads(strings.TrimSpace(prompt0))

		// Tab completes a cmdlet name, a parameter name and a policy identity.
		p.keys("Get-CsUserServ", "Tab")
		p.reads(prompt0 + "Get-CsUserServicesPolicy")
		p.keys(" -Id", "Tab")
		p.reads(prompt0 + "Get-CsUserServicesPolicy -Identity")
		p.keys(" gl", "Tab")
		p.reads(prompt0 + "Get-CsUserServicesPolicy -Identity Global")
		p.keys("Enter")
		p.shows("UcsAllowed : True")

		// ... and a user's display name, quoted.
		p.keys("signin K", "Tab")
		p.reads(prompt0 + `signin "Ken Myer"`)
		p.keys("Enter")
		p.shows("signin  Ken Myer  client=lync2013 endpoint=desktop")

		// The arrows edit the line: the cursor goes back to insert the missing 10.
		p.keys("wait m", "Left", "10", "Enter")
		p.shows("migration.completed  Ken Myer")
		p.reads("PS 2026-01-05 09:10:00 >")

		// Up recalls the last line; Ctrl-C drops it and gives a fresh prompt.
		p.keys("Up")
		p.reads("PS 2026-01-05 09:10:00 > wait 10m")
		p.keys("C-c")
		p.shows("PS 2026-01-05 09:10:00 > wait 10m^C")
		p.reads("PS 2026-01-05 09:10:00 >")

		p.keys("Get-History", "Enter")
		p.shows("  Id CommandLine\n  -- -----------\n   1 Get-CsUserServicesPolicy -Identity Global\n   2 signin \"Ken Myer\"\n   3 wait 10m\n")
		Expect(p.screen()).NotTo(ContainSubstring("\x1b"), "no escape codes reach the screen as text")
		Expect(p.screen()).NotTo(ContainSubstring("^[["), "the arrow keys edit, they do not insert escape codes")

		// Ctrl-D leaves from an empty prompt; typed before the editor is back it would be lost.
		p.reads("PS 2026-01-05 09:10:00 >")
		p.keys("C-d")
		Eventually(p.exited).WithTimeout(10*time.Second).ShouldNot(Equal("running"), func() string { return "the terminal:\n" + p.screen() })
		Expect(p.exited()).To(Equal("exited 0"))

		history, err := os.ReadFile(filepath.Join(config, "ucssim", "history"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(history)).To(Equal("Get-CsUserServicesPolicy -Identity Global\nsignin \"Ken Myer\"\nwait 10m\nGet-History\n"))
	})

	It("keeps the history across sessions in the user's config directory", func() {
		config := GinkgoT().TempDir()
		Expect(os.MkdirAll(filepath.Join(config, "ucssim"), 0o700)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(config, "ucssim", "history"), []byte("Get-CsUserServicesPolicy\nstatus Ken Myer\n"), 0o600)).To(Succeed())
		p := startPane(bin, config, "shell", "--no-journal")
		p.reads(strings.TrimSpace(prompt0))
		p.keys("Up")
		p.reads(prompt0 + "status Ken Myer")
		p.keys("Up")
		p.reads(prompt0 + "Get-CsUserServicesPolicy")
		p.keys("Enter")
		p.shows("Identity   : Global")
	})

	It("answers a confirmation at the terminal, and Ctrl-C there answers no", func() {
		p := startPane(bin, GinkgoT().TempDir(), "shell", "--no-journal")
		p.reads(strings.TrimSpace(prompt0))
		p.keys("signin Ken Myer", "Enter", "wait 10m", "Enter")
		p.reads("PS 2026-01-05 09:10:00 >")
		p.keys(`Invoke-CsUcsRollback -Identity "Ken Myer"`, "Enter")
		p.shows(`Performing the operation "Invoke-CsUcsRollback" on target "sip:kenmyer@litwareinc.com".`)
		p.reads(`[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [S] Suspend  [?] Help (default is "Y"):`)
		p.keys("C-c")
		p.reads("PS 2026-01-05 09:10:00 >")
		Expect(p.screen()).NotTo(ContainSubstring("rollback.started"))
		p.keys(`Invoke-CsUcsRollback -Identity "Ken Myer"`, "Enter", "y", "Enter")
		p.shows("rollback.started  Ken Myer")
	})

	It("steps through a replayed file one step per Enter", func() {
		p := startPane(bin, GinkgoT().TempDir(), "shell", "--no-journal", "--world", "../../sim/shell/testdata/small-world.yaml", "--replay")
		p.shows("next [1/4]: signIn: Anne Wallace (Enter)")
		p.keys("Enter")
		p.shows("signin  Anne Wallace")
		p.shows("next [2/4]: wait: 10m (Enter)")
		p.keys("play", "Enter")
		p.shows("PASS A small world for the shell: all 4 steps ran")
	})
})

var _ = Describe("ucssim shell with piped input", func() {
	It("prints a plain transcript: no prompt, no escape codes, each line echoed", func() {
		dir := GinkgoT().TempDir()
		app := defaultApp()
		app.Stdin = strings.NewReader("signin Ken Myer\nGet-History\n")
		res := execute(app, "shell", "--journal", filepath.Join(dir, "j.yaml"))
		Expect(res.code).To(Equal(0), res.stderr)
		Expect(res.stdout).NotTo(ContainSubstring("\x1b"))
		Expect(res.stdout).NotTo(ContainSubstring("PS 2026"))
		Expect(res.stdout).To(ContainSubstring("> signin Ken Myer\n[Mon Jan 05 09:00:00] signin  Ken Myer"))
		Expect(res.stdout).To(ContainSubstring("Journal: " + filepath.Join(dir, "j.yaml")))
	})

	It("serve journals too, and rebuilds the world on undo saying where outside clients find it", func() {
		journal := filepath.Join(GinkgoT().TempDir(), "serve.yaml")
		app := defaultApp()
		app.Stdin = strings.NewReader("signin Ken Myer\nwait 10m\nundo\n")
		res := execute(app, "serve", "--sip", "127.0.0.1:0", "--sip-udp", "127.0.0.1:0", "--ews", "127.0.0.1:0", "--journal", journal)
		Expect(res.code).To(Equal(0), res.stderr)
		Expect(res.stdout).To(MatchRegexp(`> undo\nThe world was rebuilt; outside clients must sign in again.\nSIP front end  sip:127\.0\.0\.1:\d+ \(TCP\)`))
		Expect(res.stdout).To(ContainSubstring("undone: wait 10m\n"))
		text, err := os.ReadFile(journal)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(text)).To(ContainSubstring("  - signIn: sip:kenmyer@litwareinc.com\n"))
		Expect(string(text)).NotTo(ContainSubstring("  - wait: 10m\n"))
	})

	It("keeps the newest 100 journals in the default directory", func() {
		dir := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "ucssim", "journal")
		Expect(os.MkdirAll(dir, 0o700)).To(Succeed())
		for i := 0; i < 105; i++ {
			Expect(os.WriteFile(filepath.Join(dir, fmt.Sprintf("20200101-%06d-1.yaml", i)), nil, 0o600)).To(Succeed())
		}
		app := defaultApp()
		app.Stdin = strings.NewReader("")
		Expect(execute(app, "shell").code).To(Equal(0))
		journals, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(journals).To(HaveLen(100))
		Expect(journals).NotTo(ContainElement(filepath.Join(dir, "20200101-000005-1.yaml")))
		Expect(journals).To(ContainElement(filepath.Join(dir, "20200101-000006-1.yaml")))
	})

	It("journals to the user's config directory by default", func() {
		app := defaultApp()
		app.Stdin = strings.NewReader("signin Ken Myer\n")
		res := execute(app, "shell")
		Expect(res.code).To(Equal(0), res.stderr)
		journals, err := filepath.Glob(filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "ucssim", "journal", "*.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(journals).To(HaveLen(1))
		Expect(res.stdout).To(ContainSubstring("Journal: " + journals[0]))
		text, err := os.ReadFile(journals[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(string(text)).To(ContainSubstring("  - signIn: sip:kenmyer@litwareinc.com\n"))
	})
})
