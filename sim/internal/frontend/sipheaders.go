package frontend

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"

	"github.com/emiago/sipgo/sip"
)

// headerTokens returns the lower-cased comma-separated tokens of every header called name
// (headers may repeat or be comma-joined).
func headerTokens(m interface{ GetHeaders(string) []sip.Header }, name string) map[string]bool {
	set := map[string]bool{}
	for _, h := range m.GetHeaders(name) {
		for _, t := range strings.Split(h.Value(), ",") {
			if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
				set[t] = true
			}
		}
	}
	return set
}

// crlfHeader names the first header whose value holds CR or LF, or "".
func crlfHeader(req *sip.Request) string {
	for _, h := range req.Headers() {
		if strings.ContainsAny(h.Value(), "\r\n") {
			return h.Name()
		}
	}
	return ""
}

// expiresOf reads the Expires header; ok is false when absent.
func expiresOf(req *sip.Request) (secs int, ok bool, err error) {
	h := req.GetHeader("Expires")
	if h == nil {
		return 0, false, nil
	}
	v := strings.TrimSpace(h.Value())
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, true, fmt.Errorf("header Expires: %q is not a number of seconds", v)
	}
	return n, true, nil
}

// userURI is "sip:alias@domain" of an address.
func userURI(u sip.Uri) string {
	return "sip:" + strings.ToLower(u.User) + "@" + strings.ToLower(u.Host)
}

// parseUserURI turns "sip:alias@domain" into a sip.Uri.
func parseUserURI(s string) sip.Uri {
	var u sip.Uri
	if err := sip.ParseUri(s, &u); err != nil {
		rest := strings.TrimPrefix(s, "sip:")
		user, host, _ := strings.Cut(rest, "@")
		u = sip.Uri{Scheme: "sip", User: user, Host: host}
	}
	return u
}

// warning is a Warning header carrying the precise reason of an error answer.
func warning(agent, text string) sip.Header {
	return sip.NewHeader("Warning", fmt.Sprintf("399 %s \"%s\"", agent, lyncwire.Quotable(text)))
}

// extensions are the option tags ucssim accepts in Require: those a Lync pool and its clients
// use (RFC 3261 8.2.2.3 asks for 420 on any other).
var extensions = map[string]bool{
	"adhoclist": true, "categorylist": true, "eventlist": true, "ms-benotify": true,
	"ms-piggyback-first-notify": true, "com.microsoft.autoextend": true, "msrtc-event-categories": true,
	"ms-ucs": true, "gruu-10": true, "gruu": true, "com.microsoft.msrtc.presence": true,
}

// unsupportedRequire lists the Require option tags ucssim does not support, in order.
func unsupportedRequire(req *sip.Request) []string {
	var out []string
	for _, h := range req.GetHeaders("Require") {
		for _, t := range strings.Split(h.Value(), ",") {
			if t = strings.TrimSpace(t); t != "" && !extensions[strings.ToLower(t)] {
				out = append(out, t)
			}
		}
	}
	return out
}
