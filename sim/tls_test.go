package sim_test

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/internal/tlsca"
	"github.com/ucssim/ucssim/sim/scenario"
)

const tlsWorld = `name: TLS world
seed: 3
world:
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 4}
`

var _ = Describe("a world serving TLS", func() {
	var (
		w   *sim.World
		dir string
	)
	BeforeEach(func() {
		f, err := scenario.Parse("tls.yaml", []byte(tlsWorld))
		Expect(err).NotTo(HaveOccurred())
		dir = GinkgoT().TempDir()
		w = worldOf(f, sim.WorldOptions{TLS: true, TLSDir: dir})
	})

	trusting := func() *tls.Config {
		GinkgoHelper()
		pemBytes, err := os.ReadFile(filepath.Join(dir, tlsca.CAFile))
		Expect(err).NotTo(HaveOccurred(), "the world writes the CA a client trusts")
		pool := x509.NewCertPool()
		Expect(pool.AppendCertsFromPEM(pemBytes)).To(BeTrue())
		return &tls.Config{RootCAs: pool}
	}

	It("signs a Lync client in over SIP/TLS with a certificate a client trusting the world's CA accepts", func() {
		conn, err := tls.Dial("tcp", w.FrontEnd.TLSAddr(), trusting())
		Expect(err).NotTo(HaveOccurred())
		g := guestOn(conn, "TLS")
		Expect(conn.ConnectionState().PeerCertificates[0].VerifyHostname("autodiscover.litwareinc.com")).To(Succeed(),
			"the certificate also names the autodiscover host clients derive from the domain")
		g.registerAndSubscribe("tls0000001")
		_, res := g.read()
		Expect(res).To(HavePrefix("SIP/2.0 200 OK\r\n"))
		Expect(strings.Count(res, "<contact ")).To(Equal(4), "the piggybacked list: %s", res)
		Expect(res).To(ContainSubstring("Contact: <sip:atl-cs-001.litwareinc.com;transport=tls;ms-role-rs-to>\r\n"),
			"the dialog's server Contact names the transport it runs over")
	})

	It("serves autodiscover and EWS over HTTPS, answering the https EWS URL", func() {
		hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: trusting()}}
		post := func(url, body string) string {
			GinkgoHelper()
			req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
			Expect(err).NotTo(HaveOccurred())
			req.SetBasicAuth("kenmyer@litwareinc.com", "secret")
			req.Header.Set("Content-Type", "text/xml; charset=utf-8")
			res, err := hc.Do(req)
			Expect(err).NotTo(HaveOccurred())
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			Expect(res.StatusCode).To(Equal(200), "%s", b)
			return string(b)
		}
		Expect(w.EWSTLSURL).To(HavePrefix("https://127.0.0.1:"))
		ad := post(w.EWSTLSURL+"/autodiscover/autodiscover.xml", `<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>kenmyer@litwareinc.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`)
		Expect(ad).To(ContainSubstring("<EwsUrl>" + w.EWSTLSURL + "/EWS/Exchange.asmx</EwsUrl>"))
		list := post(w.EWSTLSURL+"/EWS/Exchange.asmx", `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Body><m:GetImItemList/></soap:Body></soap:Envelope>`)
		Expect(list).To(ContainSubstring(`GetImItemListResponse ResponseClass="Success"`))
	})

	It("is refused by a client that does not trust the world's CA", func() {
		_, err := tls.Dial("tcp", w.FrontEnd.TLSAddr(), &tls.Config{ServerName: "127.0.0.1"})
		Expect(err).To(MatchError(ContainSubstring("certificate signed by unknown authority")))
		Expect(fmt.Sprint(w.TLS.Names())).To(ContainSubstring("atl-cs-001.litwareinc.com"))
	})
})
