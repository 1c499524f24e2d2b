package frontend_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"

	"github.com/emiago/sipgo/sip"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/sim/internal/frontend"
	"github.com/ucssim/ucssim/sim/vclock"
)

const ucs = "Supported: ms-ucs\nAccept: application/vnd-microsoft-roaming-contacts+xml"

// registerOverUDP sends regTpl's REGISTER for epid over UDP from a fresh socket, with extra
// header lines (each ending in CRLF) before Content-Length, and reads the one answer.
func registerOverUDP(addr, epid, extra string) *sip.Response {
	GinkgoHelper()
	conn, err := net.Dial("udp", addr)
	Expect(err).NotTo(HaveOccurred())
	defer conn.Close()
	_, port, _ := net.SplitHostPort(conn.LocalAddr().String())
	msg := strings.NewReplacer("{port}", port, "{n}", "1", "TCP", "UDP", "transport=tcp", "transport=udp").Replace(fmt.Sprintf(regTpl, epid, ""))
	msg = strings.ReplaceAll(strings.TrimSpace(msg), "\n", "\r\n") + "\r\n" + extra + "Content-Length: 0\r\n\r\n"
	_, err = conn.Write([]byte(msg))
	Expect(err).NotTo(HaveOccurred())
	Expect(conn.SetReadDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
	buf := make([]byte, 4096)
	n, err := conn.Read(buf)
	Expect(err).NotTo(HaveOccurred())
	res, err := sip.ParseMessage(buf[:n])
	Expect(err).NotTo(HaveOccurred())
	Expect(res).To(BeAssignableToTypeOf(&sip.Response{}))
	return res.(*sip.Response)
}

var _ = Describe("the SIP front end", func() {
	var (
		sched *vclock.Scheduler
		eng   *enginetest.FakeEngine
		srv   *frontend.Server
		ua    *rawUA
	)

	BeforeEach(func() {
		sched = vclock.New(vclock.DefaultStart)
		eng = enginetest.NewFakeEngine()
		eng.AddUser(kenURI, "pat@litwareinc.com")
		var err error
		srv, err = frontend.New(frontend.Config{Engine: eng, Counter: sched.Tracker(), Scheduler: sched, Clock: sched.Clock()})
		Expect(err).NotTo(HaveOccurred())
		Expect(srv.Start("127.0.0.1:0", "127.0.0.1:0")).To(Succeed())
		eng.SetListener(srv)
		DeferCleanup(srv.Close)
		ua = dialRaw(srv.TCPAddr())
		DeferCleanup(ua.close)
	})

	signIn := func(epid string) {
		Expect(register(ua, epid, "").StatusCode).To(Equal(200))
		_, res := subscribe(ua, epid, lyncwire.EventRoamingContacts, ucs)
		Expect(res.StatusCode).To(Equal(200))
	}

	It("refuses a configuration without engine, scheduler or clock, naming each", func() {
		_, err := frontend.New(frontend.Config{})
		Expect(err).To(MatchError(And(ContainSubstring("Engine"), ContainSubstring("Scheduler"), ContainSubstring("Clock"))))
	})

	It("listens on loopback TCP and UDP, and registers over UDP", func() {
		Expect(srv.TCPAddr()).To(HavePrefix("127.0.0.1:"))
		Expect(srv.UDPAddr()).To(HavePrefix("127.0.0.1:"))
		res := registerOverUDP(srv.UDPAddr(), "udp1", "")
		Expect(res.StatusCode).To(Equal(200))
		Expect(header(res, "Contact")).To(ContainSubstring("opaque=user:epid:udp1;gruu"))
	})

	It("answers a datagram longer than one read 513 Message Too Large over UDP, registering nothing", func() {
		res := registerOverUDP(srv.UDPAddr(), "udp2", "X-Padding: "+strings.Repeat("p", lyncwire.ReadBufferSize)+"\r\n")
		Expect(res.StatusCode).To(Equal(513))
		Expect(header(res, "Warning")).To(ContainSubstring("send it over TCP"))
		Expect(eng.Calls()).To(BeEmpty())
	})

	Describe("REGISTER", func() {
		It("answers 200 OK with the GRUU, expiry, Supported, Allow-Events and Server a Lync client needs", func() {
			ua.send(fmt.Sprintf(regTpl, "0a1b2c3d4e", ""), "")
			raw, res := ua.response()
			Expect(res.StatusCode).To(Equal(200))
			Expect(header(res, "Contact")).To(ContainSubstring(`gruu="sip:ken@litwareinc.com;opaque=user:epid:0a1b2c3d4e;gruu"`))
			Expect(header(res, "Expires")).To(Equal("3600"))
			matchGolden("register-200.sip", raw)
		})

		It("refuses an unknown user with 404 and registers nothing", func() {
			ua.send(strings.ReplaceAll(fmt.Sprintf(regTpl, "0a1b2c3d4e", ""), "sip:ken@", "sip:nobody@"), "")
			_, res := ua.response()
			Expect(res.StatusCode).To(Equal(404))
			Expect(header(res, "Warning")).To(ContainSubstring("sip:nobody@litwareinc.com"))
			_, sub := subscribe(ua, "0a1b2c3d4e", lyncwire.EventRoamingContacts, ucs)
			Expect(sub.StatusCode).To(Equal(403), "the endpoint is not registered")
			Expect(eng.Calls()).To(BeEmpty())
		})

		It("gives a standard SIP user agent without epid an endpoint id from its +sip.instance, kept on its SUBSCRIBE", func() {
			ua.send(strings.ReplaceAll(fmt.Sprintf(regTpl, "5f2d3b1e0199", ""), ";epid=5f2d3b1e0199", ""), "")
			_, res := ua.response()
			Expect(res.StatusCode).To(Equal(200))
			gruu := regexp.MustCompile(`opaque=user:epid:([0-9a-f]{10});gruu`).FindStringSubmatch(header(res, "Contact"))
			Expect(gruu).To(HaveLen(2), "the GRUU names the derived endpoint: %s", header(res, "Contact"))
			ua.send(strings.ReplaceAll(fmt.Sprintf(regTpl, "5f2d3b1e0199", "Expires: 1800"), ";epid=5f2d3b1e0199", ""), "")
			_, again := ua.response()
			Expect(header(again, "Contact")).To(ContainSubstring("opaque=user:epid:"+gruu[1]+";gruu"), "same instance, same endpoint")

			ua.send(strings.ReplaceAll(fmt.Sprintf(subTpl, "x", lyncwire.EventRoamingContacts, ucs), ";epid=x", ""), "")
			_, sub := ua.response()
			Expect(sub.StatusCode).To(Equal(200), "a SUBSCRIBE without epid maps to the endpoint registered on its connection")
			Expect(eng.Endpoints(kenURI)).To(ConsistOf(gruu[1] + " lync2013 lync"))
		})

		It("derives the endpoint id from the Contact when there is neither epid nor +sip.instance", func() {
			msg := strings.ReplaceAll(fmt.Sprintf(regTpl, "x", ""), ";epid=x", "")
			msg = regexp.MustCompile(`;\+sip\.instance="[^"]*"`).ReplaceAllString(msg, "")
			ua.send(msg, "")
			_, res := ua.response()
			Expect(res.StatusCode).To(Equal(200))
			Expect(header(res, "Contact")).To(MatchRegexp(`opaque=user:epid:[0-9a-f]{10};gruu`))
		})

		It("answers 420 naming an unknown Require option tag, and accepts the tags Lync uses", func() {
			options := func(require string) *sip.Response {
				ua.send(`OPTIONS sip:ken@litwareinc.com SIP/2.0
Via: SIP/2.0/TCP 127.0.0.1:{port};branch=z9hG4bKopt{n}
Max-Forwards: 70
From: <sip:ken@litwareinc.com>;tag=o{n}
To: <sip:ken@litwareinc.com>
Call-ID: opt{n}
CSeq: 1 OPTIONS
Require: `+require, "")
				_, res := ua.response()
				return res
			}
			res := options("ms-benotify, x-teleport")
			Expect(res.StatusCode).To(Equal(420))
			Expect(header(res, "Unsupported")).To(Equal("x-teleport"))
			ok := options("adhoclist, categoryList")
			Expect(ok.StatusCode).To(Equal(200))
		})

		It("puts one value per Supported line and no spaces in Allow-Events (pidgin-sipe reads them that way)", func() {
			res := register(ua, "desk", "")
			var supported []string
			for _, h := range res.GetHeaders("Supported") {
				supported = append(supported, h.Value())
			}
			Expect(supported).To(Equal([]string{"adhoclist", "msrtc-event-categories"}))
			Expect(header(res, "Allow-Events")).To(Equal("vnd-microsoft-provisioning-v2,vnd-microsoft-roaming-contacts,vnd-microsoft-roaming-self,presence"))
		})

		It("signs the endpoint out on Expires: 0", func() {
			signIn("desk")
			Expect(register(ua, "desk", "Expires: 0").StatusCode).To(Equal(200))
			Expect(eng.Calls()).To(Equal([]string{"SignIn sip:ken@litwareinc.com desk lync2013", "SignOut sip:ken@litwareinc.com desk"}))
			Expect(eng.Endpoints(kenURI)).To(BeEmpty())
		})

		It("expires after 3600 s of virtual time, not before", func() {
			signIn("desk")
			Expect(sched.Advance(3599 * time.Second)).To(Succeed())
			Expect(eng.Endpoints(kenURI)).To(ConsistOf("desk lync2013 lync"))
			Expect(sched.Advance(time.Second)).To(Succeed())
			Expect(eng.Endpoints(kenURI)).To(BeEmpty())
		})

		It("signs out every endpoint registered over a TCP connection when it closes", func() {
			signIn("desk")
			signIn("laptop")
			ua.close()
			Eventually(func() []string { return eng.Endpoints(kenURI) }).WithTimeout(2 * time.Second).WithPolling(10 * time.Millisecond).Should(BeEmpty())
			Expect(eng.Calls()).To(ContainElements("SignOut sip:ken@litwareinc.com desk", "SignOut sip:ken@litwareinc.com laptop"))
		})
	})

	Describe("SUBSCRIBE", func() {
		BeforeEach(func() { Expect(register(ua, "desk", "").StatusCode).To(Equal(200)) })

		It("signs a Lync 2013 endpoint in and piggybacks the full contact list", func() {
			raw, res := subscribe(ua, "desk", lyncwire.EventRoamingContacts, ucs)
			Expect(res.StatusCode).To(Equal(200))
			Expect(header(res, "subscription-state")).To(Equal("active;expires=28800"))
			Expect(eng.Calls()).To(Equal([]string{"SignIn sip:ken@litwareinc.com desk lync2013"}))
			doc, err := lyncwire.ParseRoamingContacts(res.Body())
			Expect(err).NotTo(HaveOccurred())
			Expect(doc.List.Contacts).To(HaveLen(1))
			matchGolden("subscribe-roaming-contacts-200.sip", raw)
		})

		It("reads Supported tokens from comma-joined and repeated headers", func() {
			_, res := subscribe(ua, "desk", lyncwire.EventRoamingContacts, "Supported: ms-benotify, ms-ucs")
			Expect(res.StatusCode).To(Equal(200))
			Expect(eng.Calls()).To(Equal([]string{"SignIn sip:ken@litwareinc.com desk lync2013"}))
		})

		It("signs an endpoint without ms-ucs in as Lync 2010", func() {
			_, res := subscribe(ua, "desk", lyncwire.EventRoamingContacts, "")
			Expect(res.StatusCode).To(Equal(200))
			Expect(eng.Calls()).To(Equal([]string{"SignIn sip:ken@litwareinc.com desk lync2010"}))
		})

		It("answers provisioning with a terminated subscription and the provisionGroupList", func() {
			raw, res := subscribe(ua, "desk", lyncwire.EventProvisioning, "Expires: 0")
			Expect(res.StatusCode).To(Equal(200))
			Expect(header(res, "subscription-state")).To(Equal("terminated;expires=0"))
			matchGolden("subscribe-provisioning-200.sip", raw)
		})

		It("answers roaming-self with empty roamingData", func() {
			_, res := subscribe(ua, "desk", lyncwire.EventRoamingSelf, "")
			Expect(res.StatusCode).To(Equal(200))
			Expect(string(res.Body())).To(ContainSubstring("<roamingData"))
			Expect(header(res, "Event")).To(Equal(lyncwire.EventRoamingSelf), "a piggybacked document names its package (pidgin-sipe ignores it otherwise)")
		})

		It("sends a presence subscription its immediate NOTIFY (RFC 6665 4.2.1), without a document", func() {
			_, res := subscribe(ua, "desk", lyncwire.EventPresence, "Require: adhoclist, categoryList\nSupported: eventlist")
			Expect(res.StatusCode).To(Equal(200))
			Expect(header(res, "Event")).To(Equal(lyncwire.EventPresence))
			_, notify := ua.request()
			Expect(notify.Method).To(Equal(sip.NOTIFY))
			Expect(header(notify, "Event")).To(Equal(lyncwire.EventPresence))
			Expect(header(notify, "subscription-state")).To(HavePrefix("active;expires="))
			Expect(notify.CallID().Value()).To(Equal(res.CallID().Value()))
			Expect(notify.Body()).To(BeEmpty())
			ua.answer(notify, 200, "OK")
			Expect(sched.Settle()).To(Succeed())
		})

		It("refuses an unknown event package with 489 and Allow-Events, changing nothing", func() {
			_, res := subscribe(ua, "desk", "vnd-microsoft-roaming-acls", "")
			Expect(res.StatusCode).To(Equal(489))
			Expect(header(res, "Allow-Events")).To(ContainSubstring(lyncwire.EventRoamingContacts))
			Expect(eng.Calls()).To(BeEmpty())
		})

		It("gives a Lync 2013 endpoint of a migrated user the empty migrated list", func() {
			eng.Migrate(kenURI)
			_, res := subscribe(ua, "desk", lyncwire.EventRoamingContacts, ucs)
			Expect(string(res.Body())).To(Equal(`<contactList deltaNum="1" ucsMode="migrated"></contactList>`))
		})

		It("gives a Lync 2010 endpoint of a migrated user the full list, flagged read-only", func() {
			eng.Migrate(kenURI)
			_, res := subscribe(ua, "desk", lyncwire.EventRoamingContacts, "")
			Expect(string(res.Body())).NotTo(ContainSubstring("ucsMode"))
			Expect(string(res.Body())).To(ContainSubstring(`uri="pat@litwareinc.com"`))
			Expect(header(res, "ms-diagnostics")).To(HavePrefix("2165;"))
		})

		It("refreshes in the dialog, ends it with Expires: 0, and answers 481 to an unknown dialog", func() {
			_, res := subscribe(ua, "desk", lyncwire.EventRoamingContacts, ucs)
			toTag, _ := res.To().Params.Get("tag")
			refresh := strings.NewReplacer("tag=sub{n};", "tag=sub2;", "Call-ID: sub{n}", "Call-ID: sub2",
				"To: <sip:ken@litwareinc.com>", "To: <sip:ken@litwareinc.com>;tag="+toTag).Replace(subTpl)
			ua.send(fmt.Sprintf(refresh, "desk", lyncwire.EventRoamingContacts, "Expires: 600"), "")
			_, r := ua.response()
			Expect(r.StatusCode).To(Equal(200))
			Expect(header(r, "subscription-state")).To(Equal("active;expires=600"))
			ua.send(fmt.Sprintf(refresh, "desk", lyncwire.EventRoamingContacts, "Expires: 0"), "")
			_, r = ua.response()
			Expect(header(r, "subscription-state")).To(Equal("terminated;expires=0"))
			ua.send(fmt.Sprintf(refresh, "desk", lyncwire.EventRoamingContacts, "Expires: 600"), "")
			_, r = ua.response()
			Expect(r.StatusCode).To(Equal(481))
		})

		It("lets an unrefreshed subscription expire silently on the virtual clock", func() {
			_, res := subscribe(ua, "desk", lyncwire.EventRoamingContacts, ucs+"\nExpires: 600")
			Expect(res.StatusCode).To(Equal(200))
			Expect(sched.Advance(600 * time.Second)).To(Succeed())
			eng.Migrate(kenURI)
			Expect(sched.Tracker().Busy()).To(Equal(0), "no NOTIFY is in flight for an expired subscription")
		})

		It("carries a 1000-contact list over TCP, beyond sipgo's default 64 KiB message limit", func() {
			many := make([]string, 1000)
			for i := range many {
				many[i] = fmt.Sprintf("contact%04d.with.a.rather.long.alias@fabrikam.example.com", i)
			}
			eng.AddUser("sip:big@litwareinc.com", many...)
			big := strings.NewReplacer("sip:ken@", "sip:big@").Replace
			ua.send(big(fmt.Sprintf(regTpl, "bigdesk", "")), "")
			_, r := ua.response()
			Expect(r.StatusCode).To(Equal(200))
			ua.send(big(fmt.Sprintf(subTpl, "bigdesk", lyncwire.EventRoamingContacts, ucs)), "")
			_, res := ua.response()
			Expect(len(res.Body())).To(BeNumerically(">", 65535))
			doc, err := lyncwire.ParseRoamingContacts(res.Body())
			Expect(err).NotTo(HaveOccurred())
			Expect(doc.List.Contacts).To(HaveLen(1000))
		})
	})

	Describe("SERVICE and notifications", func() {
		BeforeEach(func() { signIn("desk") })

		It("answers presence publications 200 and ignores them; a malformed one gets 400", func() {
			publish := func(ctype, body string) *sip.Response {
				ua.send(strings.Replace(fmt.Sprintf(serviceTpl, "desk"), "application/SOAP+xml", ctype, 1), body)
				_, res := ua.response()
				return res
			}
			Expect(publish("application/msrtc-category-publish+xml",
				`<publish xmlns="http://schemas.microsoft.com/2006/09/sip/rich-presence"><publications uri="sip:ken@litwareinc.com"><publication categoryName="state" instance="1" container="2" version="0" expireType="endpoint"><state xmlns="http://schemas.microsoft.com/2006/09/sip/state" manual="false"><availability>3500</availability></state></publication></publications></publish>`).StatusCode).To(Equal(200))
			Expect(publish("application/msrtc-setcontainermembers+xml",
				`<setContainerMembers xmlns="http://schemas.microsoft.com/2006/09/sip/container-management" containerId="100" version="0"><containerMember action="add" type="sameEnterprise"/></setContainerMembers>`).StatusCode).To(Equal(200))
			bad := publish("application/msrtc-category-publish+xml", `<publish><publications>`)
			Expect(bad.StatusCode).To(Equal(400))
			Expect(header(bad, "Warning")).To(ContainSubstring("msrtc-category-publish+xml body"))
			Expect(eng.Calls()).To(Equal([]string{"SignIn sip:ken@litwareinc.com desk lync2013"}), "nothing reaches the contact list")
		})

		It("adds a group, answers its id, then pushes the delta on the same connection, holding virtual time until answered", func() {
			raw, res := service(ua, "desk", string(lyncwire.EncodeServiceOp(engine.Op{Kind: engine.OpAddGroup, Name: "Project", DeltaNum: 1})))
			Expect(res.StatusCode).To(Equal(200))
			Expect(lyncwire.ParseAddGroupResult(res.Body())).To(Equal(2))
			matchGolden("service-addgroup-200.sip", raw)

			nraw, notify := ua.request()
			Expect(notify.Method).To(Equal(sip.NOTIFY))
			Expect(notify.CSeq().SeqNo).To(Equal(uint32(2)), "the piggybacked notification was 1")
			Eventually(sched.Tracker().Busy).WithTimeout(2*time.Second).WithPolling(5*time.Millisecond).Should(Equal(1),
				"the NOTIFY still counts (the SERVICE handler's own unit ends just after its answer)")
			Consistently(sched.Tracker().Busy).WithTimeout(50*time.Millisecond).WithPolling(5*time.Millisecond).Should(Equal(1),
				"the unanswered NOTIFY keeps counting")
			matchGolden("notify-delta.sip", nraw)
			ua.answer(notify, 200, "OK")
			Expect(sched.Settle()).To(Succeed())
		})

		It("sends one notification at a time per subscription, in deltaNum order, each counted until answered", func() {
			add := func(uri string) {
				_, res := service(ua, "desk", string(lyncwire.EncodeServiceOp(engine.Op{Kind: engine.OpSetContact,
					Contact: engine.Contact{URI: uri, Groups: []int{1}, Subscribed: true}, DeltaNum: 1})))
				Expect(res.StatusCode).To(Equal(200))
			}
			add("a@litwareinc.com")
			_, first := ua.request()
			add("b@litwareinc.com")
			add("c@litwareinc.com")
			Eventually(sched.Tracker().Busy).WithTimeout(2*time.Second).WithPolling(5*time.Millisecond).Should(Equal(3),
				"one NOTIFY in flight, two queued behind it")
			ua.answer(first, 200, "OK")
			_, second := ua.request()
			ua.answer(second, 200, "OK")
			_, third := ua.request()
			ua.answer(third, 200, "OK")
			Expect(sched.Settle()).To(Succeed())
			var seqs []uint32
			var bodies []string
			for _, n := range []*sip.Request{first, second, third} {
				seqs = append(seqs, n.CSeq().SeqNo)
				bodies = append(bodies, string(n.Body()))
			}
			Expect(seqs).To(Equal([]uint32{2, 3, 4}))
			Expect(bodies[0]).To(HavePrefix(`<contactDelta deltaNum="2" prevDeltaNum="1"><addedContact uri="sip:a@`))
			Expect(bodies[1]).To(HavePrefix(`<contactDelta deltaNum="3" prevDeltaNum="2"><addedContact uri="sip:b@`))
			Expect(bodies[2]).To(HavePrefix(`<contactDelta deltaNum="4" prevDeltaNum="3"><addedContact uri="sip:c@`))
		})

		It("sends a delta as BENOTIFY to a subscriber that supports ms-benotify, unanswered", func() {
			_, res := subscribe(ua, "desk", lyncwire.EventRoamingContacts, ucs+"\nSupported: ms-benotify\nProxy-Require: ms-benotify")
			Expect(res.StatusCode).To(Equal(200))
			_, r := service(ua, "desk", string(lyncwire.EncodeServiceOp(engine.Op{Kind: engine.OpDeleteContact, Contact: engine.Contact{URI: "pat@litwareinc.com"}})))
			Expect(r.StatusCode).To(Equal(200))
			_, be := ua.request()
			Expect(string(be.Method)).To(Equal("BENOTIFY"))
			Expect(string(be.Body())).To(ContainSubstring(`<deletedContact uri="sip:pat@litwareinc.com"/>`), "delta URIs carry sip: ([MS-SIP] 2.2.4.1)")
			Expect(sched.Settle()).To(Succeed())
		})

		It("prompts a Lync 2013 endpoint when its list migrates: empty migrated list with ms-diagnostics 2165", func() {
			eng.Migrate(kenURI)
			raw, notify := ua.request()
			Expect(header(notify, "ms-diagnostics")).To(HavePrefix("2165;"))
			matchGolden("notify-migrated-prompt.sip", raw)
			ua.answer(notify, 200, "OK")
			Expect(sched.Settle()).To(Succeed())
		})

		It("refuses writes to a migrated list with 403 and ms-diagnostics 2165", func() {
			eng.Migrate(kenURI)
			_, notify := ua.request()
			ua.answer(notify, 200, "OK")
			raw, res := service(ua, "desk", string(lyncwire.EncodeServiceOp(engine.Op{Kind: engine.OpDeleteContact, Contact: engine.Contact{URI: "pat@litwareinc.com"}})))
			Expect(res.StatusCode).To(Equal(403))
			matchGolden("service-readonly-403.sip", raw)
		})

		DescribeTable("refuses a bad body with 400 and a precise reason, applying nothing",
			func(body, why string) {
				_, res := service(ua, "desk", body)
				Expect(res.StatusCode).To(Equal(400))
				Expect(header(res, "Warning")).To(ContainSubstring(why))
				Expect(eng.Calls()).NotTo(ContainElement(HavePrefix("Apply")))
			},
			Entry("not XML", "hello", "not XML"),
			Entry("not SOAP", `<setContact/>`, "SOAP"),
			Entry("unknown operation", soap(`<m:setPresence xmlns:m="http://schemas.microsoft.com/winrtc/2002/11/sip"><m:deltaNum>1</m:deltaNum></m:setPresence>`), "unknown operation"),
			Entry("missing child", soap(`<m:deleteContact xmlns:m="http://schemas.microsoft.com/winrtc/2002/11/sip"><m:deltaNum>1</m:deltaNum></m:deleteContact>`), "missing <URI>"),
			Entry("URI without sip:", soap(`<m:deleteContact xmlns:m="http://schemas.microsoft.com/winrtc/2002/11/sip"><m:URI>pat@litwareinc.com</m:URI><m:deltaNum>1</m:deltaNum></m:deleteContact>`), "does not start with sip:"),
			Entry("CR/LF in a value", soap("<m:addGroup xmlns:m=\"http://schemas.microsoft.com/winrtc/2002/11/sip\"><m:name>a\r\nb</m:name><m:deltaNum>1</m:deltaNum></m:addGroup>"), "CR or LF"),
		)

		It("refuses an oversized body with 413", func() {
			_, res := service(ua, "desk", soap(strings.Repeat(" ", lyncwire.MaxServiceBody)))
			Expect(res.StatusCode).To(Equal(413))
			Expect(eng.Calls()).NotTo(ContainElement(HavePrefix("Apply")))
		})

		It("refuses a wrong Content-Type with 400", func() {
			ua.send(strings.Replace(fmt.Sprintf(serviceTpl, "desk"), "application/SOAP+xml", "text/plain", 1), "x")
			_, res := ua.response()
			Expect(res.StatusCode).To(Equal(400))
			Expect(header(res, "Warning")).To(ContainSubstring("Content-Type"))
		})

		It("drops the subscription and releases its notifications when the connection is gone", func() {
			ua.close()
			Eventually(func() []string { return eng.Endpoints(kenURI) }).WithTimeout(2 * time.Second).WithPolling(10 * time.Millisecond).Should(BeEmpty())
			eng.Migrate(kenURI)
			Expect(sched.Settle()).To(Succeed(), "no NOTIFY is queued for a dropped subscription")
		})
	})

	Describe("bounds under a flood (issue 10)", func() {
		It("registers at most MaxEndpointsPerUser endpoints per user and refuses the next with 403", func() {
			for i := range frontend.MaxEndpointsPerUser {
				Expect(register(ua, fmt.Sprintf("flood%d", i), "").StatusCode).To(Equal(200))
			}
			res := register(ua, "one-more", "")
			Expect(res.StatusCode).To(Equal(403))
			Expect(header(res, "Warning")).To(ContainSubstring("already has 8 registered endpoints"))
			Expect(register(ua, "flood3", "").StatusCode).To(Equal(200), "a registered endpoint still refreshes")
			Expect(register(ua, "flood3", "Expires: 0").StatusCode).To(Equal(200))
			Expect(register(ua, "one-more", "").StatusCode).To(Equal(200), "a freed place can be taken")
		})

		It("remembers at most MaxClosedConnections closed connections", func() {
			for range frontend.MaxClosedConnections + 10 {
				c, err := net.Dial("tcp", srv.TCPAddr())
				Expect(err).NotTo(HaveOccurred())
				Expect(c.Close()).To(Succeed())
			}
			// Each close is seen by the server's read loop; under -race on a loaded machine that takes a while.
			Eventually(srv.ClosedConnections).WithTimeout(30 * time.Second).Should(Equal(frontend.MaxClosedConnections))
		})
	})

	Describe("idle connections (issue 10)", func() {
		var idle *frontend.Server
		BeforeEach(func() {
			var err error
			idle, err = frontend.New(frontend.Config{Engine: eng, Counter: sched.Tracker(), Scheduler: sched, Clock: sched.Clock(), IdleTimeout: 200 * time.Millisecond})
			Expect(err).NotTo(HaveOccurred())
			Expect(idle.Start("127.0.0.1:0", "")).To(Succeed())
			DeferCleanup(idle.Close)
		})

		It("closes a TCP connection that stays silent without registering", func() {
			c, err := net.Dial("tcp", idle.TCPAddr())
			Expect(err).NotTo(HaveOccurred())
			defer c.Close()
			Expect(c.SetReadDeadline(time.Now().Add(3 * time.Second))).To(Succeed())
			_, err = c.Read(make([]byte, 1))
			Expect(err).To(MatchError(io.EOF), "closed by the server, not by our deadline")
		})

		It("keeps a connection with a registered endpoint open while it is quiet", func() {
			u := dialRaw(idle.TCPAddr())
			defer u.close()
			Expect(register(u, "quiet", "").StatusCode).To(Equal(200))
			Expect(u.conn.SetReadDeadline(time.Now().Add(600 * time.Millisecond))).To(Succeed())
			_, err := u.r.ReadByte()
			var ne net.Error
			Expect(errors.As(err, &ne) && ne.Timeout()).To(BeTrue(), "our own deadline passed first: %v", err)
			Expect(register(u, "quiet", "").StatusCode).To(Equal(200))
		})
	})

	Describe("other requests", func() {
		DescribeTable("answers other methods with the Allow list",
			func(method string, status int) {
				ua.send(strings.NewReplacer("REGISTER sip:litwareinc.com", method+" sip:ken@litwareinc.com", "CSeq: {n} REGISTER", "CSeq: {n} "+method).Replace(fmt.Sprintf(regTpl, "desk", "")), "")
				_, res := ua.response()
				Expect(res.StatusCode).To(Equal(status))
				Expect(header(res, "Allow")).To(Equal(frontend.Allow))
			},
			Entry("a method it does not handle: 405", "INVITE", 405),
			Entry("OPTIONS: 200", "OPTIONS", 200),
		)

		DescribeTable("refuses a malformed REGISTER with 400 and a Warning, registering nothing",
			func(line, replacement, warning string) {
				ua.send(strings.Replace(fmt.Sprintf(regTpl, "desk", ""), line, replacement, 1), "")
				_, res := ua.response()
				Expect(res.StatusCode).To(Equal(400))
				Expect(header(res, "Warning")).To(ContainSubstring(warning))
				_, sub := subscribe(ua, "desk", lyncwire.EventRoamingContacts, ucs)
				Expect(sub.StatusCode).To(Equal(403), "the endpoint was not registered")
			},
			Entry("without Call-ID", "Call-ID: reg-desk\n", "", "Call-ID"),
			Entry("a CSeq whose method differs from the request method", "CSeq: {n} REGISTER", "CSeq: {n} SUBSCRIBE",
				"CSeq method SUBSCRIBE does not match the request method REGISTER"),
		)

		It("escapes quotes, backslashes and control characters of an epid inside the GRUU it answers", func() {
			epid := "a\"b\\c\x1b[31m"
			raw := strings.Replace(fmt.Sprintf(regTpl, "EPID", ""), ";epid=EPID", ";epid="+epid, 1)
			ua.send(raw, "")
			rawRes, res := ua.response()
			Expect(res.StatusCode).To(Equal(200), rawRes)
			Expect(rawRes).To(ContainSubstring(`;gruu="sip:ken@litwareinc.com;opaque=user:epid:a\"b\\c\` + "\x1b" + `[31m;gruu"`))
			Expect(header(res, "Contact")).To(HaveSuffix(`;gruu"`), "the quoted value ends where it should")
		})

		It("refuses an epid longer than frontend.MaxEpidLength with 400", func() {
			_, res := subscribe(ua, strings.Repeat("e", frontend.MaxEpidLength+1), lyncwire.EventRoamingContacts, ucs)
			Expect(res.StatusCode).To(Equal(400))
			Expect(header(res, "Warning")).To(ContainSubstring("epid is longer than 128 bytes"))
		})

		It("refuses a bare LF inside a header value with 400, registering nothing", func() {
			ua.send(fmt.Sprintf(regTpl, "desk", "X-Note: one{LF}two"), "")
			_, res := ua.response()
			Expect(res.StatusCode).To(Equal(400))
			Expect(header(res, "Warning")).To(ContainSubstring("CR or LF in header X-Note"))
			_, sub := subscribe(ua, "desk", lyncwire.EventRoamingContacts, ucs)
			Expect(sub.StatusCode).To(Equal(403), "the endpoint was not registered")
		})
	})
})

func soap(inner string) string {
	return `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` + inner + `</s:Body></s:Envelope>`
}
