package pwsh_test

import (
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/ucssim/ucssim/engine/pwsh"
)

// FuzzParseCommand: no line makes Parse or Bind panic; every error is a *pwsh.Error pointing into
// the line; and a line that parses reads back the same from its canonical form.
func FuzzParseCommand(f *testing.F) {
	f.Add("Grant-CsUserServicesPolicy \u2013Identity \"Ken Myer\" \u2013PolicyName $Null")
	f.Add("Invoke-CsUcsRollback -Identity:'O''Neil' -Force -Confirm: $false # done")
	f.Fuzz(func(t *testing.T, line string) {
		cmd, err := pwsh.Parse(line)
		if err != nil {
			checkError(t, line, err, utf8.RuneCountInString(line)+1)
			if cmd != nil {
				t.Fatalf("Parse(%q) returned a command with an error", line)
			}
			return
		}
		canonical := cmd.String()
		again, err := pwsh.Parse(canonical)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its canonical form %q fails: %v", line, canonical, err)
		}
		if again.Name != cmd.Name || !reflect.DeepEqual(argsOf(again), argsOf(cmd)) {
			t.Fatalf("Parse(%q) = %#v, but its canonical form %q reads back as %#v", line, argsOf(cmd), canonical, argsOf(again))
		}
		if again.String() != canonical {
			t.Fatalf("canonical form not stable: %q then %q", canonical, again.String())
		}
		spec, err := pwsh.Resolve(cmd, allSpecs)
		if err != nil {
			checkError(t, line, err, cmd.EndCol)
			return
		}
		b, err := pwsh.Bind(cmd, spec)
		if err != nil {
			checkError(t, line, err, cmd.EndCol)
			if b != nil {
				t.Fatalf("Bind(%q) returned values with an error", line)
			}
			return
		}
		for _, p := range spec.Params {
			if p.Mandatory && !b.Has(p.Name) {
				t.Fatalf("Bind(%q) left mandatory -%s unbound", line, p.Name)
			}
		}
	})
}

func checkError(t *testing.T, line string, err error, maxCol int) {
	t.Helper()
	var perr *pwsh.Error
	if !errors.As(err, &perr) {
		t.Fatalf("%q: error %v is not a *pwsh.Error", line, err)
	}
	if perr.Col < 1 || perr.Col > maxCol {
		t.Fatalf("%q: error column %d outside 1..%d: %v", line, perr.Col, maxCol, err)
	}
	if perr.Msg == "" || perr.Code == 0 {
		t.Fatalf("%q: error without message or code: %#v", line, perr)
	}
}

// FuzzParseScript: no line makes ParseScript panic or point outside the line; every statement has
// elements, and every element after the first is a command.
func FuzzParseScript(f *testing.F) {
	f.Add(`Get-CsUser -Filter {RegistrarPool -eq "atl-cs-001.litwareinc.com"} | Invoke-CsUcsRollback -Confirm:$False`)
	f.Add(`$u = Get-CsUser "Ken Myer"; $u.UserServicesPolicy; Get-CsUser | ft DisplayName, SipAddress`)
	f.Add(`Get-CsUserServicesPolicy | Where-Object {$_.UcsAllowed -eq $False -and !($_.Identity -like 'Tag:*')}`)
	f.Fuzz(func(t *testing.T, line string) {
		sc, err := pwsh.ParseScript(line)
		if err != nil {
			checkError(t, line, err, utf8.RuneCountInString(line)+1)
			return
		}
		for _, st := range sc.Statements {
			if len(st.Elements) == 0 {
				t.Fatalf("ParseScript(%q): a statement without elements", line)
			}
			for i, el := range st.Elements {
				if (el.Cmd == nil) == (el.Expr == nil) || (i > 0 && el.Cmd == nil) {
					t.Fatalf("ParseScript(%q): element %d is %#v", line, i, el)
				}
			}
		}
	})
}

// FuzzFilter: no script block text makes ParseFilter or Eval panic.
func FuzzFilter(f *testing.F) {
	f.Add(`RegistrarPool -eq "atl-cs-001.litwareinc.com" -or (DisplayName -like '* Myer' -and -not Enabled)`)
	f.Add(`$_.UcsAllowed -ne $True -and $_.Count -ge 2`)
	obj := &pwsh.Object{Props: []pwsh.Prop{{Name: "RegistrarPool", Value: "atl-cs-001.litwareinc.com"}, {Name: "Enabled", Value: true}, {Name: "Count", Value: int64(3)}}}
	f.Fuzz(func(t *testing.T, text string) {
		flt, err := pwsh.ParseFilter(text, 1)
		if err != nil {
			checkError(t, text, err, utf8.RuneCountInString(text)+1)
			return
		}
		_, _ = flt.Eval(pwsh.Env{This: obj})
	})
}
