package pwsh_test

import (
	"testing"

	"github.com/ucssim/ucssim/engine/pwsh"
)

var benchLines = []string{
	`Set-CsUserServicesPolicy -Identity global -UcsAllowed $False`,
	`Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "AllowUnifiedContactStore"`,
	`Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com" -TargetFqdn "atl-cs-001.litwareinc.com"`,
	"Grant-CsUserServicesPolicy \u2013Identity \"Ken Myer\" \u2013PolicyName $Null",
	`Invoke-CsUcsRollback -Identity "Ken Myer" -Force -Confirm:$False`,
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := pwsh.Parse(benchLines[i%len(benchLines)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAndBind(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := run(benchLines[i%len(benchLines)]); err != nil {
			b.Fatal(err)
		}
	}
}
