package interop_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/internal/tlsca"
	"github.com/ucssim/ucssim/sim/shell"
)

// pidgin-sipe 1.25 (Debian pidgin-sipe) through the whole unified contact store cycle against a
// world serving SIP over TLS and EWS over HTTPS. The client trusts the world's server certificate
// the way a user who accepted it once does (libpurple's tls_peers cache); the libxml2 SAX1 shim
// works around Debian libxml2's regression in the harness only. Assertions read the buddy list the
// client ends up showing.
var _ = Describe("pidgin-sipe", Ordered, func() {
	const ken = "Ken Myer"
	var (
		dir     string
		w       *sim.World
		driver  string
		shim    string
		runs    int
		drivers []*sipeDriver
	)

	BeforeAll(func() {
		need(lookPath("cc"), "gcc")
		need(lookPath("pkg-config"), "pkg-config")
		need(pkgConfig("purple"), "libpurple-dev")
		need(pkgConfig("libxml-2.0"), "libxml2-dev")
		need(fileExists("/usr/lib/purple-2/libsipe.so"), "pidgin-sipe")

		dir = GinkgoT().TempDir()
		if keep := os.Getenv("UCSSIM_INTEROP_DIR"); keep != "" {
			dir = keep // keeps the clients' logs after the run
			Expect(os.RemoveAll(dir)).To(Succeed())
			Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
		}
		flags := func(mods ...string) []string {
			out, err := exec.Command("pkg-config", append([]string{"--cflags", "--libs"}, mods...)...).Output()
			Expect(err).NotTo(HaveOccurred())
			return strings.Fields(string(out))
		}
		compileC(dir, "sipe-driver", append([]string{"testdata/sipe-driver.c"}, flags("purple")...)...)
		compileC(dir, "sax1-shim.so", append(append([]string{"-shared", "-fPIC", "testdata/sax1-shim.c"}, flags("libxml-2.0")...), "-ldl")...)
		driver, shim = filepath.Join(dir, "sipe-driver"), filepath.Join(dir, "sax1-shim.so")

		f, err := shell.DefaultWorld()
		Expect(err).NotTo(HaveOccurred())
		w, err = sim.NewWorld(f.World, f.Start, f.Seed, sim.WorldOptions{TLS: true, TLSDir: filepath.Join(dir, "tls")})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(w.Close)
		// clients outlive the spec that started them: they end with the container
		DeferCleanup(func() {
			for _, d := range drivers {
				select {
				case <-d.done:
				default:
					_ = d.cmd.Process.Kill()
					<-d.done
				}
				d.writeOut()
			}
		})
	})

	// signIn starts a fresh pidgin-sipe profile that has accepted the world's certificate once.
	signIn := func() *sipeDriver {
		GinkgoHelper()
		runs++
		home := filepath.Join(dir, "home"+string(rune('0'+runs)))
		peers := filepath.Join(home, "certificates", "x509", "tls_peers")
		Expect(os.MkdirAll(peers, 0o755)).To(Succeed())
		chain, err := os.ReadFile(filepath.Join(dir, "tls", tlsca.CertFile))
		Expect(err).NotTo(HaveOccurred())
		leaf, _ := pem.Decode(chain)
		_, err = x509.ParseCertificate(leaf.Bytes)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(peers, "127.0.0.1"), pem.EncodeToMemory(leaf), 0o644)).To(Succeed())

		d := &sipeDriver{out: &syncBuffer{}, done: make(chan struct{}), log: filepath.Join(dir, "sipe-run"+string(rune('0'+runs))+".log")}
		d.cmd = exec.Command(driver, "kenmyer@litwareinc.com", "secret", w.FrontEnd.TLSAddr(),
			"transport=tls", "authentication=ntlm", "email=kenmyer@litwareinc.com",
			"email_url="+w.EWSTLSURL+"/EWS/Exchange.asmx")
		d.cmd.Env = append(os.Environ(), "LD_PRELOAD="+shim, "DRIVER_DEBUG=1", "PURPLE_UNSAFE_DEBUG=1",
			"DRIVER_TIMEOUT=300", "DRIVER_DIR="+home)
		d.cmd.Stdout, d.cmd.Stderr = d.out, d.out
		d.stdin, err = d.cmd.StdinPipe()
		Expect(err).NotTo(HaveOccurred())
		Expect(d.cmd.Start()).To(Succeed())
		go func() { _ = d.cmd.Wait(); close(d.done) }()
		drivers = append(drivers, d)
		d.waitFor(`DRIVER SIGNED-ON`, 30*time.Second, "pidgin-sipe signs in over SIP/TLS")
		return d
	}

	lyncList := func() []string {
		GinkgoHelper()
		cs, err := w.Engine.LyncContacts(ken)
		Expect(err).NotTo(HaveOccurred())
		var uris []string
		for _, c := range cs {
			uris = append(uris, "sip:"+strings.TrimPrefix(c.URI, "sip:"))
		}
		return uris
	}
	status := func() engine.UserStatus {
		GinkgoHelper()
		st, err := w.Engine.Status(ken)
		Expect(err).NotTo(HaveOccurred())
		return st
	}

	var first *sipeDriver
	It("signs in while the list is in Lync and shows it, then edits it over SIP SERVICE", func() {
		first = signIn()
		want := lyncList()
		Expect(want).To(HaveLen(12))
		first.waitFor(`DRIVER BLIST END groups=1 buddies=12`, 20*time.Second, "the piggybacked contact list reaches the buddy list")
		Expect(lastBuddyList(first.out.String()).all()).To(ConsistOf(want))

		first.send("add sip:nina.young@litwareinc.com Friends")
		first.waitFor(`DRIVER BLIST group \[Friends\]\nDRIVER BLIST   buddy \[sip:nina.young@litwareinc.com\]`, 20*time.Second, "the added buddy shows in its new group")
		Eventually(lyncList).WithTimeout(10 * time.Second).WithPolling(100 * time.Millisecond).Should(ContainElement("sip:nina.young@litwareinc.com"))
		first.send("dump")
		first.waitFor(`DRIVER CMD dump\n(?:.*\n)*?DRIVER BLIST END groups=2 buddies=13\n`, 10*time.Second,
			"one buddy more, not a duplicate from the delta (delta URIs carry sip:)")
	})

	It("gets the migration NOTIFY with 2165 when the migration completes", func() {
		Expect(status().State).To(Equal(engine.Migrating), "signing in started the migration")
		Expect(w.Sched.Advance(10 * time.Minute)).To(Succeed())
		Expect(status().State).To(Equal(engine.Migrated))
		first.waitFor(`contact list has been migrated to Unified Contact Store`, 20*time.Second, "pidgin-sipe tells the user the list moved to Exchange")
		first.quit()
	})

	var second *sipeDriver
	It("signs in again and reads the list from Exchange over EWS/HTTPS (GetImItemList)", func() {
		second = signIn()
		second.waitFor(`ucs_set_ews_url: '`+strings.ReplaceAll(w.EWSTLSURL, ".", `\.`), 20*time.Second, "it takes the https EWS URL")
		second.waitFor(`DRIVER BLIST END groups=\d+ buddies=13\n`, 30*time.Second, "the 13 contacts come from Exchange")
		bl := lastBuddyList(second.out.String())
		Expect(bl.all()).To(ConsistOf(lyncList()), "the same contacts as the migrated list")
		Expect(bl["Friends"]).To(Equal([]string{"sip:nina.young@litwareinc.com"}))
	})

	It("writes to Exchange over EWS and re-reads after an Outlook change", func() {
		second.send("add sip:omar.ito@litwareinc.com Friends")
		Eventually(func() []string {
			l, _, err := w.Exchange.List("kenmyer@litwareinc.com")
			Expect(err).NotTo(HaveOccurred())
			var out []string
			for _, p := range l.Contacts {
				out = append(out, p.IMAddress)
			}
			return out
		}).WithTimeout(20*time.Second).WithPolling(100*time.Millisecond).Should(ContainElement(ContainSubstring("omar.ito@litwareinc.com")),
			"AddNewImContactToGroup reached the mailbox")
		second.waitFor(`DRIVER BLIST   buddy \[sip:omar.ito@litwareinc.com\]`, 20*time.Second, "the buddy shows")

		// pidgin-sipe ignores a trigger within 10 s of its own last EWS answer (sipe-ucs.c, its own
		// wall clock): Outlook keeps changing the folder, each change a new trigger NOTIFY, until one
		// lands past that window and the client re-reads the whole list with Eva in it.
		Expect(w.OutlookAddContact(context.Background(), ken, "sip:eva.kumar@litwareinc.com", "Eva Kumar")).To(Succeed())
		Expect(w.Sched.Settle()).To(Succeed())
		eva := regexp.MustCompile(`DRIVER BLIST   buddy \[sip:eva.kumar@litwareinc.com\]`)
		more := 0
		Eventually(func() bool {
			if eva.MatchString(second.out.String()) {
				return true
			}
			more++
			Expect(w.OutlookAddContact(context.Background(), ken, fmt.Sprintf("sip:outlook.%d@litwareinc.com", more), "")).To(Succeed())
			Expect(w.Sched.Settle()).To(Succeed())
			return false
		}).WithTimeout(45*time.Second).WithPolling(2*time.Second).Should(BeTrue(),
			"the trigger NOTIFY makes pidgin-sipe re-read the list, with Outlook's contact")
	})

	It("gets the list back from Lync with 2166 on rollback, and reads it from Lync when it signs in again", func() {
		_, err := w.Engine.Run(context.Background(), `Invoke-CsUcsRollback -Identity "Ken Myer"`, engine.RunOptions{Confirm: func(string) bool { return true }})
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Sched.Advance(10 * time.Minute)).To(Succeed())
		Expect(status().ContactsIn).To(Equal(engine.StoreLync))
		second.waitFor(`(?i)ms-diagnostics: 2166;`, 30*time.Second, "the rollback NOTIFY (full list, ms-diagnostics 2166) reaches the client")
		second.quit()

		third := signIn()
		third.waitFor(`DRIVER BLIST END groups=\d+ buddies=\d+\n`, 30*time.Second, "the list arrives from Lync")
		Eventually(func() []string { return lastBuddyList(third.out.String()).all() }).
			WithTimeout(10 * time.Second).WithPolling(200 * time.Millisecond).Should(ConsistOf(lyncList()))
		Expect(lyncList()).To(ContainElements("sip:nina.young@litwareinc.com", "sip:omar.ito@litwareinc.com", "sip:eva.kumar@litwareinc.com"),
			"what was written in Exchange came back")
		third.quit()
	})
})
