package frontend

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"
)

// sipgo closes a stream connection on a message it cannot parse and drops such a datagram
// silently. RFC 3261 wants a 400 wherever the request can be answered, so the front end checks
// each message before sipgo sees it: a stream is cut into messages by Content-Length, a request
// that does not parse is answered 400 on the same connection (or to the datagram's source) and
// skipped, and only a stream that cannot be framed any further (no usable Content-Length, a head
// beyond the message limit) is answered 400 and ignored from there on.

// badRequest renders a 400 to a request that did not parse, copying what RFC 3261 8.2.6.2 asks
// for (Via, From, To, Call-ID, CSeq) from its raw header lines as far as they exist and parse.
func badRequest(raw []byte, pool, why string) []byte {
	return errorAnswer(raw, 400, "Bad Request", pool, why)
}

// errorAnswer renders an error answer to a request that sipgo never sees (badRequest).
func errorAnswer(raw []byte, code int, reason, pool, why string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "SIP/2.0 %d %s\r\n", code, reason)
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	lines := strings.Split(string(head), "\r\n")
	seen := map[string]bool{}
	for _, l := range lines[min(1, len(lines)):] {
		name, _, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		canon := map[string]string{"v": "via", "f": "from", "t": "to", "i": "call-id"}
		name = strings.ToLower(strings.TrimSpace(name))
		if c, short := canon[name]; short {
			name = c
		}
		if name != "via" && seen[name] {
			continue // the first of a repeated single-valued header
		}
		switch name {
		case "via", "from", "to", "call-id", "cseq":
			// only a line that parses on its own: the answer must be readable
			if _, err := sip.ParseMessage([]byte("SIP/2.0 400 Bad Request\r\n" + l + "\r\nContent-Length: 0\r\n\r\n")); err == nil {
				b.WriteString(l + "\r\n")
				seen[name] = true
			}
		}
	}
	fmt.Fprintf(&b, "Server: RTC/5.0\r\nWarning: 399 %s \"%s\"\r\nContent-Length: 0\r\n\r\n", pool, lyncwire.Quotable(why))
	return b.Bytes()
}

// singleValued are the headers RFC 3261 allows once (RFC 4475 3.3.8, 3.3.9).
var singleValued = []string{"Call-ID", "CSeq", "From", "To", "Max-Forwards", "Content-Length", "Content-Type", "Expires"}

var reasons = map[int]string{400: "Bad Request", 416: "Unsupported URI Scheme"}

// check explains why one whole message cannot be handed to sipgo: the status to answer and why,
// or 0.
func check(p *sip.Parser, frame []byte) (int, string) {
	if !isResponse(frame) {
		line, _, _ := bytes.Cut(frame, []byte("\r\n"))
		if f := strings.Split(string(line), " "); len(f) == 3 {
			scheme, _, _ := strings.Cut(f[1], ":")
			if s := strings.ToLower(scheme); s != "sip" && s != "sips" && !strings.HasPrefix(f[1], "<") {
				// RFC 3261 8.2.2.1
				return 416, fmt.Sprintf("Request-URI scheme %q is not sip or sips", scheme)
			}
		}
	}
	m, err := p.ParseSIP(frame)
	if err != nil {
		return 400, "unparseable message: " + err.Error()
	}
	for _, name := range singleValued {
		if hs := m.GetHeaders(name); len(hs) > 1 {
			return 400, fmt.Sprintf("%d %s headers: only one is allowed", len(hs), name)
		}
	}
	if req, ok := m.(*sip.Request); ok {
		if req.Recipient.Headers != nil && req.Recipient.Headers.Length() > 0 {
			// RFC 3261 19.1.5: headers are not allowed in a Request-URI (RFC 4475 3.1.2.11)
			return 400, "Request-URI carries URI headers"
		}
	}
	head, _, _ := bytes.Cut(frame, []byte("\r\n\r\n"))
	for _, l := range strings.Split(string(head), "\r\n")[1:] {
		name, v, ok := strings.Cut(l, ":")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "contact", "m", "from", "f", "to", "t":
			if ok && strings.Contains(v, "?") && !strings.Contains(v, "<") {
				// RFC 3261 20.10: a URI with "?" must be in angle brackets (RFC 4475 3.1.2.13)
				return 400, strings.TrimSpace(name) + " URI with headers is not enclosed in <>"
			}
		}
	}
	return 0, ""
}

// isResponse tells a response (never answered) from a request by its start line.
func isResponse(frame []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(frame, "\r\n"), []byte("SIP/"))
}

// contentLengthOf reads the Content-Length of a stream message head; an error when it is absent
// (RFC 3261 18.3 requires it on streams), not a number, or two values differ: the stream cannot
// be framed any further.
func contentLengthOf(head []byte) (int, error) {
	n, seen := 0, false
	for _, l := range strings.Split(string(head), "\r\n")[1:] {
		name, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "content-length" && name != "l" {
			continue
		}
		v = strings.TrimSpace(v)
		k, err := strconv.Atoi(v)
		if err != nil || k < 0 {
			return 0, fmt.Errorf("Content-Length %q is not a number of bytes", v)
		}
		if seen && k != n {
			return 0, fmt.Errorf("conflicting Content-Length headers (%d and %d)", n, k)
		}
		n, seen = k, true
	}
	if !seen {
		return 0, errors.New("no Content-Length: a stream message must carry one (RFC 3261 18.3)")
	}
	return n, nil
}

// framedConn hands sipgo only whole messages that parse, answering the others itself.
type framedConn struct {
	net.Conn
	pool   string
	max    int
	parser *sip.Parser

	in, out []byte
	buf     []byte
	broken  bool
}

func newFramedConn(c net.Conn, pool string, max int) *framedConn {
	p := sip.NewParser()
	p.MaxMessageLength = max
	return &framedConn{Conn: c, pool: pool, max: max, parser: p, buf: make([]byte, lyncwire.ReadBufferSize)}
}

func (c *framedConn) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		c.frame()
		if len(c.out) > 0 {
			break
		}
		n, err := c.Conn.Read(c.buf)
		if !c.broken {
			c.in = append(c.in, c.buf[:n]...)
		}
		if err != nil {
			c.frame()
			if len(c.out) == 0 {
				return 0, err
			}
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// frame moves every complete, parseable message from in to out.
func (c *framedConn) frame() {
	for len(c.in) > 0 && !c.broken {
		// keep-alives (RFC 5626 3.5.1) pass through on their own
		if c.in[0] == '\r' || c.in[0] == '\n' {
			k := len(c.in) - len(bytes.TrimLeft(c.in, "\r\n"))
			c.out = append(c.out, c.in[:k]...)
			c.in = c.in[k:]
			return
		}
		end := bytes.Index(c.in, []byte("\r\n\r\n"))
		if end < 0 {
			if len(c.in) > c.max {
				c.fail(c.in, fmt.Sprintf("message head exceeds %d bytes", c.max))
			}
			return
		}
		head := c.in[:end+4]
		n, err := contentLengthOf(head)
		if err != nil {
			c.fail(head, err.Error())
			return
		}
		total := end + 4 + n
		if total > c.max {
			c.fail(head, fmt.Sprintf("message of %d bytes exceeds %d", total, c.max))
			return
		}
		if len(c.in) < total {
			return
		}
		frame := c.in[:total:total]
		c.in = c.in[total:]
		if code, why := check(c.parser, frame); code != 0 {
			if !isResponse(frame) {
				c.answer(errorAnswer(frame, code, reasons[code], c.pool, why))
			}
			continue
		}
		c.out = append(c.out, frame...)
	}
}

// fail answers 400 to a stream that cannot be framed any further; the rest of it is read and
// dropped until the client closes, so answers to the requests before it still go out (closing
// here would cut them off).
func (c *framedConn) fail(head []byte, why string) {
	if !isResponse(head) {
		c.answer(badRequest(head, c.pool, why))
	}
	c.broken, c.in = true, nil
}

// answer writes one whole message; net.Conn serializes it with sipgo's own writes.
func (c *framedConn) answer(b []byte) {
	_, _ = c.Conn.Write(b)
}

// checkedPacketConn hands sipgo only datagrams that parse; a request that does not is answered
// 400 to its source, one longer than sipgo reads at once (lyncwire.ReadBufferSize) 513.
type checkedPacketConn struct {
	net.PacketConn
	pool   string
	parser *sip.Parser
	buf    []byte // the largest datagram UDP carries, so that a long one is seen whole
}

func newCheckedPacketConn(c net.PacketConn, pool string, max int) *checkedPacketConn {
	p := sip.NewParser()
	p.MaxMessageLength = max
	return &checkedPacketConn{PacketConn: c, pool: pool, parser: p, buf: make([]byte, 64<<10)}
}

func (c *checkedPacketConn) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		n, addr, err := c.PacketConn.ReadFrom(c.buf)
		if err != nil || n == 0 {
			return copy(b, c.buf[:n]), addr, err
		}
		if n > len(b) {
			// RFC 3261 21.5.14; sipgo would parse it cut short
			if !isResponse(c.buf[:n]) {
				_, _ = c.PacketConn.WriteTo(errorAnswer(c.buf[:n], 513, "Message Too Large", c.pool,
					fmt.Sprintf("a datagram of %d bytes exceeds %d: send it over TCP", n, len(b))), addr)
			}
			continue
		}
		n = copy(b, c.buf[:n])
		data := b[:n]
		if len(bytes.Trim(data, "\r\n\x00")) == 0 {
			return n, addr, nil
		}
		if code, why := check(c.parser, data); code != 0 {
			if !isResponse(data) {
				_, _ = c.PacketConn.WriteTo(errorAnswer(data, code, reasons[code], c.pool, why), addr)
			}
			continue
		}
		return n, addr, nil
	}
}
