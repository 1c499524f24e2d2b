package frontend

import (
	"errors"
	"reflect"
	"testing"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"

	"github.com/emiago/sipgo/sip"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/sim/vclock"
)

// FuzzServiceBody feeds arbitrary SERVICE bodies to the front end: it must never panic, must
// answer a body it cannot parse with 400 (413 when oversized), and must then leave the list
// untouched.
func FuzzServiceBody(f *testing.F) {
	seeds := []engine.Op{
		{Kind: engine.OpSetContact, Contact: engine.Contact{URI: "lee@litwareinc.com", Name: "Lee", Groups: []int{1}, Subscribed: true}, DeltaNum: 1},
		{Kind: engine.OpDeleteContact, Contact: engine.Contact{URI: "pat@litwareinc.com"}, DeltaNum: 1},
		{Kind: engine.OpAddGroup, Name: "Project", DeltaNum: 1},
		{Kind: engine.OpModifyGroup, GroupID: 2, Name: "Renamed", DeltaNum: 1},
		{Kind: engine.OpDeleteGroup, GroupID: 2, DeltaNum: 1},
	}
	for _, op := range seeds {
		f.Add(lyncwire.EncodeServiceOp(op))
	}
	f.Add([]byte("<x/>"))
	sched := vclock.New(vclock.DefaultStart)
	eng := enginetest.NewFakeEngine()
	const ken = "sip:ken@litwareinc.com"
	eng.AddUser(ken, "pat@litwareinc.com")
	s, err := New(Config{Engine: eng, Scheduler: sched, Clock: sched.Clock()})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	f.Fuzz(func(t *testing.T, body []byte) {
		before, _ := eng.ContactList(ken)
		calls := len(eng.Calls())
		req := sip.NewRequest(lyncwire.MethodService, sip.Uri{Scheme: "sip", User: "ken", Host: "litwareinc.com"})
		req.AppendHeader(sip.NewHeader("Content-Type", lyncwire.ContentTypeSOAP))
		req.SetBody(body)

		a := s.service(endpointKey{user: ken, epid: "desk"}, req)

		_, perr := lyncwire.ParseServiceOp(body)
		if perr == nil {
			if a.code != 200 && a.code != 400 && a.code != 403 {
				t.Fatalf("parsed body answered %d %s", a.code, a.why)
			}
			return
		}
		var se *lyncwire.ServiceError
		if !errors.As(perr, &se) {
			t.Fatalf("parse error is not a *lyncwire.ServiceError: %v", perr)
		}
		if a.code != 400 && a.code != 413 {
			t.Fatalf("unparsable body answered %d, want 400/413 (%v)", a.code, perr)
		}
		if a.why == "" {
			t.Fatalf("400 without a reason")
		}
		after, _ := eng.ContactList(ken)
		if !reflect.DeepEqual(before, after) || len(eng.Calls()) != calls {
			t.Fatalf("a refused body changed state: calls %v", eng.Calls())
		}
	})
}
