package frontend_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/internal/golden"
	"github.com/ucssim/ucssim/sim/internal/frontend"
)

// rawUA is a hand-written SIP endpoint on one TCP connection: it sends exactly the bytes a spec
// writes and reads exactly what the front end answers, for wire-level specs and golden files.
type rawUA struct {
	conn net.Conn
	r    *bufio.Reader
	seq  int
}

func dialRaw(addr string) *rawUA {
	c, err := net.Dial("tcp", addr)
	Expect(err).NotTo(HaveOccurred())
	return &rawUA{conn: c, r: bufio.NewReaderSize(c, 1<<20)}
}

func (u *rawUA) close() { _ = u.conn.Close() }

func (u *rawUA) port() string {
	_, p, _ := net.SplitHostPort(u.conn.LocalAddr().String())
	return p
}

// send writes a request template: headers separated by "\n", {port} {n} filled in, CRLF line
// ends, {LF} a bare line feed, Content-Length computed.
func (u *rawUA) send(head, body string) {
	u.seq++
	head = strings.NewReplacer("{port}", u.port(), "{n}", strconv.Itoa(u.seq)).Replace(head)
	lines := strings.Split(strings.TrimSpace(head), "\n")
	msg := strings.ReplaceAll(strings.Join(lines, "\r\n"), "{LF}", "\n") + fmt.Sprintf("\r\nContent-Length: %d\r\n\r\n", len(body)) + body
	_, err := io.WriteString(u.conn, msg)
	Expect(err).NotTo(HaveOccurred())
}

// read returns the next SIP message on the connection, raw and parsed.
func (u *rawUA) read() (string, sip.Message) {
	Expect(u.conn.SetReadDeadline(time.Now().Add(5 * time.Second))).To(Succeed())
	var head strings.Builder
	length := 0
	for {
		line, err := u.r.ReadString('\n')
		Expect(err).NotTo(HaveOccurred(), "reading a SIP message")
		if line == "\r\n" && head.Len() == 0 {
			continue
		}
		head.WriteString(line)
		if line == "\r\n" {
			break
		}
		if name, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			length, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	body := make([]byte, length)
	_, err := io.ReadFull(u.r, body)
	Expect(err).NotTo(HaveOccurred())
	raw := head.String() + string(body)
	parser := sip.NewParser()
	parser.MaxMessageLength = frontend.DefaultMaxMessageLength
	msg, err := parser.ParseSIP([]byte(raw))
	Expect(err).NotTo(HaveOccurred())
	return raw, msg
}

func (u *rawUA) response() (string, *sip.Response) {
	raw, m := u.read()
	res, ok := m.(*sip.Response)
	Expect(ok).To(BeTrue(), "expected a response, got:\n%s", raw)
	return raw, res
}

func (u *rawUA) request() (string, *sip.Request) {
	raw, m := u.read()
	req, ok := m.(*sip.Request)
	Expect(ok).To(BeTrue(), "expected a request, got:\n%s", raw)
	return raw, req
}

// answer writes a 200 OK (or other status) to a request received on the connection.
func (u *rawUA) answer(req *sip.Request, code int, reason string) {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	_, err := io.WriteString(u.conn, res.String())
	Expect(err).NotTo(HaveOccurred())
}

var normalizers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`tag=[^;>\s,]+`), "tag=TAG"},
	{regexp.MustCompile(`branch=[^;>\s,]+`), "branch=BRANCH"},
	{regexp.MustCompile(`(?m)^(Call-ID|i): .*$`), "Call-ID: CALLID"},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`(?m)(received|rport)=[^;\s]+`), "$1=X"},
	{regexp.MustCompile(`epid=[^;>\s,"]+`), "epid=EPID"},
	{regexp.MustCompile(`user:epid:[^;>\s,"]+`), "user:epid:EPID"},
	{regexp.MustCompile(`urn:uuid:[^>"\s]+`), "urn:uuid:UUID"},
}

// normalize replaces what differs between runs or endpoints (tags, branches, Call-IDs, ports,
// epids, instance ids).
func normalize(raw string) string {
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	for _, n := range normalizers {
		raw = n.re.ReplaceAllString(raw, n.with)
	}
	return raw
}

// matchGolden compares a normalized message with testdata/golden/<name> (package internal/golden:
// UCSSIM_UPDATE_GOLDEN=1 rewrites it).
func matchGolden(name, raw string) {
	ExpectWithOffset(1, golden.Check(filepath.Join("testdata", "golden", name), []byte(normalize(raw)))).To(Succeed())
}

const (
	kenURI = "sip:ken@litwareinc.com"
	regTpl = `REGISTER sip:litwareinc.com SIP/2.0
Via: SIP/2.0/TCP 127.0.0.1:{port};branch=z9hG4bKreg{n}
Max-Forwards: 70
From: <sip:ken@litwareinc.com>;tag=reg1;epid=%[1]s
To: <sip:ken@litwareinc.com>
Call-ID: reg-%[1]s
CSeq: {n} REGISTER
Contact: <sip:127.0.0.1:{port};transport=tcp>;methods="INVITE, MESSAGE, INFO, SUBSCRIBE, OPTIONS, BYE, CANCEL, NOTIFY, ACK, REFER, BENOTIFY";proxy=replace;+sip.instance="<urn:uuid:00000000-0000-0000-0000-%[1]s>"
Supported: gruu-10, adhoclist, msrtc-event-categories, com.microsoft.msrtc.presence
Event: registration
User-Agent: UCCAPI/15.0.4481.1000 OC/15.0.4481.1000 (Microsoft Lync)
%[2]s`
)

// subTpl and serviceTpl are Ken's SUBSCRIBE (epid, event, extra headers) and SERVICE (epid).
var (
	subTpl = kenRequest("SUBSCRIBE", "sub") + `Contact: <sip:127.0.0.1:{port};transport=tcp>
Event: %[2]s
Supported: com.microsoft.autoextend
Supported: ms-piggyback-first-notify
%[3]s`
	serviceTpl = kenRequest("SERVICE", "svc") + `Content-Type: application/SOAP+xml`
)

// kenRequest is the request line and first headers of a request Ken sends to himself: branch, tag
// and Call-ID start with short and hold {n}; the From epid is the template's first argument.
func kenRequest(method, short string) string {
	return method + ` sip:ken@litwareinc.com SIP/2.0
Via: SIP/2.0/TCP 127.0.0.1:{port};branch=z9hG4bK` + short + `{n}
Max-Forwards: 70
From: <sip:ken@litwareinc.com>;tag=` + short + `{n};epid=%[1]s
To: <sip:ken@litwareinc.com>
Call-ID: ` + short + `{n}-%[1]s
CSeq: 1 ` + method + `
`
}

func register(u *rawUA, epid string, extra string) *sip.Response {
	u.send(fmt.Sprintf(regTpl, epid, extra), "")
	_, res := u.response()
	return res
}

func subscribe(u *rawUA, epid, event, extra string) (string, *sip.Response) {
	u.send(fmt.Sprintf(subTpl, epid, event, extra), "")
	return u.response()
}

func service(u *rawUA, epid, body string) (string, *sip.Response) {
	u.send(fmt.Sprintf(serviceTpl, epid), body)
	return u.response()
}

func header(m interface{ GetHeader(string) sip.Header }, name string) string {
	if h := m.GetHeader(name); h != nil {
		return h.Value()
	}
	return ""
}
