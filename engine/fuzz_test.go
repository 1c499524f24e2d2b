package engine_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/sim/vclock"
)

// fuzzWorld is a small world without Gomega: Ken migrated (seeded in Exchange), Pilar in Lync, a
// per-user and a site policy.
func fuzzWorld(t *testing.T) (*engine.Engine, *vclock.Scheduler) {
	s := vclock.New(vclock.DefaultStart)
	ex := enginetest.New(enginetest.Config{Clock: s.Clock(), Sleeper: s})
	eng, err := engine.New(engine.Config{Clock: s.Clock(), Scheduler: s, Exchange: ex, LegacyPools: []string{"lync2010.litwareinc.com"}})
	if err != nil {
		t.Fatal(err)
	}
	ex.AddMailbox(kenMbox, engine.MailboxExchange2013)
	ex.AddMailbox("pilar@litwareinc.com", engine.MailboxExchange2013)
	if err := ex.Seed(kenMbox, "a@fabrikam.com", "b@fabrikam.com"); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		eng.CreatePolicy("Allow", true),
		eng.CreatePolicy("site:Redmond", false),
		eng.AddUser(engine.UserSpec{Name: "Ken Myer", SIP: kenSIP, InExchange: true}),
		eng.AddUser(engine.UserSpec{Name: "Pilar Ackerman", SIP: "sip:pilar@litwareinc.com", Policy: "Allow",
			Contacts: []engine.ContactSpec{{URI: "c@fabrikam.com", Groups: []string{"Team"}}}}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Settle(); err != nil {
		t.Fatal(err)
	}
	return eng, s
}

func fuzzSnapshot(t *testing.T, eng *engine.Engine) string {
	res, err := eng.Run(context.Background(), "Get-CsUserServicesPolicy", engine.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := res.Text
	for _, u := range eng.Users() {
		st, _ := eng.Status(u)
		lync, _ := eng.LyncContacts(u)
		mirror, _ := eng.MirrorContacts(u)
		out += fmt.Sprintf("%+v %v %v\n", st, lync, mirror)
	}
	return out
}

var fuzzSeeds = []string{
	`Set-CsUserServicesPolicy -Identity global -UcsAllowed $False`,
	`New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True`,
	`Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "AllowUnifiedContactStore"`,
	`Grant-CsUserServicesPolicy –Identity "Ken Myer" –PolicyName $Null`,
	`Invoke-CsUcsRollback -Identity "Ken Myer" -Force -Confirm:$False`,
	`Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com" -TargetFqdn "atl-cs-001.litwareinc.com"`,
	`Debug-CsUnifiedContactStore -PoolFqdn atl-cs-001.litwareinc.com`,
	`Move-CsUser 'Pilar Ackerman' lync2010.litwareinc.com -WhatIf`,
	`Get-CsUserServicesPolicy -Filter 'tag:*'`,
	`Remove-CsUserServicesPolicy -Identity site:Redmond`,
	`Grant-CsUserServicesPolicy -Identity "Ken Myer -PolicyName`,
	`New-CsUserServicesPolicy -Identity global`,
}

// FuzzRun: any line runs without panicking, and a line that fails changes nothing.
func FuzzRun(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		eng, s := fuzzWorld(t)
		before := fuzzSnapshot(t, eng)
		_, err := eng.Run(context.Background(), line, engine.RunOptions{})
		if serr := s.Settle(); serr != nil {
			t.Fatal(serr)
		}
		if err == nil {
			return
		}
		var ce *engine.CmdletError
		if !errors.As(err, &ce) {
			t.Fatalf("%q: error %T is not a *CmdletError: %v", line, err, err)
		}
		if after := fuzzSnapshot(t, eng); after != before {
			t.Fatalf("%q failed (%v) but changed the state:\nbefore:\n%s\nafter:\n%s", line, err, before, after)
		}
	})
}

// FuzzParseCommand: the syntax check never panics, fails only with *CmdletError, and names a known
// cmdlet when it succeeds.
func FuzzParseCommand(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		cmd, err := engine.ParseCommand(line)
		if err != nil {
			var ce *engine.CmdletError
			if !errors.As(err, &ce) {
				t.Fatalf("%q: error %T is not a *CmdletError", line, err)
			}
			return
		}
		if !slices.Contains(engine.Cmdlets(), cmd.Cmdlet) {
			t.Fatalf("%q parsed as unknown cmdlet %q", line, cmd.Cmdlet)
		}
	})
}
