package pwsh_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine/pwsh"
)

var _ = Describe("ParseScript", func() {
	It("reads TechNet's pipeline: a script block filter and a colon switch", func() {
		sc, err := pwsh.ParseScript(`Get-CsUser -Filter {RegistrarPool -eq "atl-cs-001.litwareinc.com"} | Invoke-CsUcsRollback -Confirm:$False`)
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Statements).To(HaveLen(1))
		els := sc.Statements[0].Elements
		Expect(els).To(HaveLen(2))
		Expect(els[0].Cmd.Name).To(Equal("Get-CsUser"))
		f := els[0].Cmd.Args[0].Value
		Expect(f.Kind).To(Equal(pwsh.ScriptBlock))
		Expect(f.Str).To(Equal(`RegistrarPool -eq "atl-cs-001.litwareinc.com"`))
		Expect(f.Block.Props()).To(Equal([]string{"RegistrarPool"}))
		Expect(els[1].Cmd.Name).To(Equal("Invoke-CsUcsRollback"))
		Expect(els[1].Col).To(Equal(70))
	})
	It("reads statements, an assignment, a variable's property and a comma list", func() {
		sc, err := pwsh.ParseScript(`$u = Get-CsUser "Ken Myer"; $u.UserServicesPolicy ; Get-CsUser | ft DisplayName, SipAddress`)
		Expect(err).NotTo(HaveOccurred())
		Expect(sc.Statements).To(HaveLen(3))
		Expect(sc.Statements[0].Assign).To(Equal("u"))
		Expect(sc.Statements[1].Elements[0].Expr.Kind).To(Equal(pwsh.Variable))
		Expect(sc.Statements[1].Elements[0].Expr.Members).To(Equal([]string{"UserServicesPolicy"}))
		list := sc.Statements[2].Elements[1].Cmd.Args[0].Value
		Expect(list.Kind).To(Equal(pwsh.List))
		Expect(list.String()).To(Equal("DisplayName, SipAddress"))
	})
	DescribeTable("refuses malformed lines with PowerShell's message and the column",
		func(line string, col int, msg string) {
			_, err := pwsh.ParseScript(line)
			var pe *pwsh.Error
			Expect(errors.As(err, &pe)).To(BeTrue())
			Expect(pe.Col).To(Equal(col))
			Expect(pe.Msg).To(Equal(msg))
		},
		Entry(nil, `Get-CsUser |`, 13, "An empty pipe element is not allowed."),
		Entry(nil, `Get-CsUser || Get-CsUser`, 13, "An empty pipe element is not allowed."),
		Entry(nil, `Get-CsUser | $u`, 14, "Expressions are only allowed as the first element of a pipeline."),
		Entry(nil, `$u =`, 5, "You must provide a value expression following the '=' operator."),
		Entry(nil, `$u -Identity x`, 4, "Unexpected token '-Identity' in expression or statement."),
		Entry(nil, `Get-CsUser -Filter {RegistrarPool -eq "x"`, 20, "Missing closing '}' in statement block."),
		Entry(nil, `Get-CsUser -Filter {RegistrarPool -eq}`, 38, "You must provide a value expression on the right-hand side of the operator."),
		Entry(nil, `Get-CsUser -Filter {RegistrarPool -frob 1}`, 35, "Unexpected token '-frob': the comparison operators are -eq -ne -like -notlike -match -notmatch -gt -ge -lt -le -contains"),
		Entry(nil, `Get-CsUser -Filter {(A -eq 1}`, 21, "Missing closing ')' in expression."),
		Entry(nil, `Select-Object a,`, 17, "Missing expression after ','."),
		Entry(nil, `$u.`, 4, "Missing property name after reference operator '.'."),
	)
})

var _ = Describe("Filter", func() {
	user := &pwsh.Object{Props: []pwsh.Prop{
		{Name: "DisplayName", Value: "Ken Myer"}, {Name: "RegistrarPool", Value: "atl-cs-001.litwareinc.com"},
		{Name: "Enabled", Value: true}, {Name: "VoicePolicy", Value: nil}, {Name: "Attempts", Value: int64(2)},
	}}
	DescribeTable("evaluates as PowerShell compares",
		func(text string, want bool) {
			f, err := pwsh.ParseFilter(text, 1)
			Expect(err).To(BeNil())
			got, everr := f.Eval(pwsh.Env{This: user})
			Expect(everr).NotTo(HaveOccurred())
			Expect(got).To(Equal(want), text)
		},
		Entry(nil, `RegistrarPool -eq "ATL-CS-001.litwareinc.com"`, true),
		Entry(nil, `RegistrarPool -ceq "ATL-CS-001.litwareinc.com"`, false),
		Entry(nil, `DisplayName -like "* myer"`, true),
		Entry(nil, `DisplayName -notlike "K*"`, false),
		Entry(nil, `DisplayName -match "^ken"`, true),
		Entry(nil, `VoicePolicy -eq $Null`, true),
		Entry(nil, `VoicePolicy -ne $Null`, false),
		Entry(nil, `$_.Enabled -eq $True -and Attempts -gt 1`, true),
		Entry(nil, `Attempts -lt 2 -or DisplayName -eq "Ken Myer"`, true),
		Entry(nil, `-not (Attempts -ge 2)`, false),
		Entry(nil, `!Enabled -or Attempts -le 1`, false),
		Entry(nil, `Enabled -eq "True"`, true),
		Entry(nil, `Nope -eq $Null`, true),
		Entry(nil, `RegistrarPool –eq "atl-cs-001.litwareinc.com"`, true),
	)
})

var _ = Describe("formatting", func() {
	objs := []any{
		&pwsh.Object{Props: []pwsh.Prop{{Name: "Identity", Value: "Global"}, {Name: "UcsAllowed", Value: true}, {Name: "Count", Value: int64(12)}}},
		&pwsh.Object{Props: []pwsh.Prop{{Name: "Identity", Value: "Tag:AllowUnifiedContactStore"}, {Name: "UcsAllowed", Value: false}, {Name: "Count", Value: int64(3)}}},
	}
	It("lists properties as Name : Value, padded to the longest name", func() {
		Expect(pwsh.FormatList(objs[:1], nil)).To(Equal("Identity   : Global\nUcsAllowed : True\nCount      : 12\n"))
	})
	It("tabulates with a dashed rule, numbers right-aligned", func() {
		Expect(pwsh.FormatTable(objs, []string{"identity", "Count"})).To(Equal(
			"Identity                     Count\n--------                     -----\nGlobal                          12\nTag:AllowUnifiedContactStore     3\n"))
	})
	It("prints times, durations and nothing as PowerShell does", func() {
		Expect(pwsh.Text(time.Date(2026, 1, 5, 9, 10, 0, 0, time.UTC))).To(Equal("1/5/2026 9:10:00 AM"))
		Expect(pwsh.Text(time.Hour + 2*time.Second)).To(Equal("01:00:02"))
		Expect(pwsh.Text(nil)).To(Equal(""))
		Expect(pwsh.Text([]string{"a", "b"})).To(Equal("{a, b}"))
	})
})
