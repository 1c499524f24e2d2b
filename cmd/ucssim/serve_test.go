package main

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("ucssim serve", func() {
	serve := func(stdin string, args ...string) result {
		app := defaultApp()
		app.Stdin = strings.NewReader(stdin)
		return execute(app, append([]string{"serve"}, args...)...)
	}
	ephemeral := []string{"--sip", "127.0.0.1:0", "--sip-udp", "127.0.0.1:0", "--ews", "127.0.0.1:0"}

	It("announces where outside clients find the SIP front end and EWS, then takes shell commands", func() {
		res := serve("signin Ken Myer\nwait 10m\nstatus Ken Myer\n", ephemeral...)
		Expect(res.code).To(Equal(0), res.stderr)
		Expect(res.stdout).To(MatchRegexp(`SIP front end  sip:127\.0\.0\.1:\d+ \(TCP\), 127\.0\.0\.1:\d+ \(UDP\)`))
		Expect(res.stdout).To(MatchRegexp(`Exchange \(EWS\) http://127\.0\.0\.1:\d+/EWS/Exchange\.asmx`))
		Expect(res.stdout).To(ContainSubstring("migration.completed  Ken Myer"))
		Expect(res.stdout).To(MatchRegexp(`Ken Myer\s+Migrated\s+exchange`))
	})

	It("with --tls-dir writes the world's CA there and serves SIP over TLS and EWS over HTTPS", func() {
		dir := GinkgoT().TempDir()
		res := serve("exit\n", append(ephemeral, "--tls-dir", dir, "--sip-tls", "127.0.0.1:0", "--ews-https", "127.0.0.1:0")...)
		Expect(res.code).To(Equal(0), res.stderr)
		Expect(res.stdout).To(MatchRegexp(`SIP over TLS   sip:127\.0\.0\.1:\d+;transport=tls; EWS over HTTPS https://127\.0\.0\.1:\d+/EWS/Exchange\.asmx \(trust the world's CA: .*ca\.pem\)`))
		ca, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(ca)).To(HavePrefix("-----BEGIN CERTIFICATE-----"))
	})

	It("shows the EWS passwords the world gives its users, and never the server-to-server key", func() {
		p := filepath.Join(GinkgoT().TempDir(), "pw.yaml")
		Expect(os.WriteFile(p, []byte("name: pw\nworld:\n  users:\n    - {name: Ken Myer, sip: \"sip:kenmyer@litwareinc.com\", password: s3cret}\n"), 0o644)).To(Succeed())
		res := serve("", append(ephemeral, "--world", p)...)
		Expect(res.code).To(Equal(0), res.stderr)
		Expect(res.stdout).To(ContainSubstring("EWS password of kenmyer@litwareinc.com: s3cret"))
		Expect(strings.ToLower(res.stdout)).NotTo(ContainSubstring("key"))
	})

	It("listens on loopback only", func() {
		res := serve("", "--sip", "127.0.0.1:0", "--sip-udp", "127.0.0.1:0", "--ews", "0.0.0.0:8080")
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring(`listen address "0.0.0.0:8080": ucssim listens on loopback only`))
	})
})
