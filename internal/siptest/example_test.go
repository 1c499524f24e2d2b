package siptest_test

import (
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/internal/siptest"
)

func ExampleRequest() {
	r := siptest.Request{Method: "REGISTER", Transport: "TCP", Local: "127.0.0.1:5070", Branch: "reg1",
		Tag: "t1", CallID: "c-1", Epid: "desk1", Extra: "Expires: 0\r\n"}
	fmt.Print(strings.ReplaceAll(r.String(), "\r\n", "\n"))
	// Output:
	// REGISTER sip:litwareinc.com SIP/2.0
	// Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bKreg1
	// Max-Forwards: 70
	// From: <sip:kenmyer@litwareinc.com>;tag=t1;epid=desk1
	// To: <sip:kenmyer@litwareinc.com>
	// Call-ID: c-1
	// CSeq: 1 REGISTER
	// Contact: <sip:127.0.0.1:5070;transport=tcp>
	// Expires: 0
	// Content-Length: 0
}
