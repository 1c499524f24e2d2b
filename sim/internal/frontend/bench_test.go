package frontend_test

import (
	"context"
	"fmt"
	"net"
	"testing"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/sim/internal/frontend"
	"github.com/ucssim/ucssim/sim/vclock"
)

// BenchmarkRegisterSubscribe measures sign-ins through the front end over TCP: one REGISTER, one
// roaming-contacts SUBSCRIBE (with the engine's sign-in and the piggybacked list) and the sign-out
// (REGISTER with Expires: 0) per op, so the user never reaches MaxEndpointsPerUser.
func BenchmarkRegisterSubscribe(b *testing.B) {
	sched := vclock.New(vclock.DefaultStart)
	eng := enginetest.NewFakeEngine()
	eng.AddUser(kenURI, "pat@litwareinc.com", "lee@litwareinc.com", "kim@litwareinc.com")
	srv, err := frontend.New(frontend.Config{Engine: eng, Counter: sched.Tracker(), Scheduler: sched, Clock: sched.Clock()})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0", ""); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	benchSignIns(b, srv.TCPAddr())
}

// BenchmarkBareSipgo is the baseline: a bare sipgo server answering the same requests with a
// static 200 OK.
func BenchmarkBareSipgo(b *testing.B) {
	srv, err := sipgo.NewServer(benchUA(b))
	if err != nil {
		b.Fatal(err)
	}
	ok := func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	}
	srv.OnRegister(ok)
	srv.OnSubscribe(ok)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.ServeTCP(l) }()
	benchSignIns(b, l.Addr().String())
}

func benchSignIns(b *testing.B, addr string) {
	sip.SetDefaultLogger(discard)
	cli, err := sipgo.NewClient(benchUA(b))
	if err != nil {
		b.Fatal(err)
	}
	user := sip.Uri{Scheme: "sip", User: "ken", Host: "litwareinc.com"}
	do := func(method sip.RequestMethod, target sip.Uri, epid string, hdrs ...sip.Header) {
		req := sip.NewRequest(method, target)
		from := &sip.FromHeader{Address: user, Params: sip.NewParams()}
		from.Params.Add("tag", sip.GenerateTagN(8))
		from.Params.Add("epid", epid)
		req.AppendHeader(from)
		req.AppendHeader(&sip.ToHeader{Address: user, Params: sip.NewParams()})
		req.AppendHeader(sip.NewHeader("Contact", "<sip:ken@127.0.0.1;transport=tcp>"))
		for _, h := range hdrs {
			req.AppendHeader(h)
		}
		req.SetBody(nil)
		req.SetDestination(addr)
		req.SetTransport("TCP")
		res, err := cli.Do(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if res.StatusCode != 200 {
			b.Fatalf("%s answered %d", method, res.StatusCode)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		epid := fmt.Sprintf("%x", i)
		do(sip.REGISTER, sip.Uri{Scheme: "sip", Host: "litwareinc.com"}, epid, sip.NewHeader("Event", "registration"))
		do(sip.SUBSCRIBE, user, epid, sip.NewHeader("Event", lyncwire.EventRoamingContacts), sip.NewHeader("Supported", "ms-ucs"))
		do(sip.REGISTER, sip.Uri{Scheme: "sip", Host: "litwareinc.com"}, epid, sip.NewHeader("Event", "registration"), sip.NewHeader("Expires", "0"))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signins/s")
}

// benchUA is a sipgo user agent closed when the benchmark ends.
func benchUA(b *testing.B) *sipgo.UserAgent {
	ua, err := sipgo.NewUA()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ua.Close() })
	return ua
}
