package pwsh_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine/pwsh"
)

// arg is a column-free view of an Arg for comparisons.
type arg struct {
	Name  string
	Kind  pwsh.ValueKind // 0 for a bare switch
	Str   string
	Colon bool
}

func argsOf(c *pwsh.Command) []arg {
	out := []arg{}
	for _, a := range c.Args {
		x := arg{Name: a.Name, Colon: a.Colon}
		if a.Value != nil {
			x.Kind, x.Str = a.Value.Kind, a.Value.Str
		}
		out = append(out, x)
	}
	return out
}

func mustParse(line string) *pwsh.Command {
	GinkgoHelper()
	c, err := pwsh.Parse(line)
	Expect(err).NotTo(HaveOccurred())
	return c
}

func str(name, s string) arg { return arg{Name: name, Kind: pwsh.String, Str: s} }
func num(name, s string) arg { return arg{Name: name, Kind: pwsh.Number, Str: s} }
func boolean(name string, b bool) arg {
	if b {
		return arg{Name: name, Kind: pwsh.Bool, Str: "True"}
	}
	return arg{Name: name, Kind: pwsh.Bool, Str: "False"}
}
func null(name string) arg      { return arg{Name: name, Kind: pwsh.Null} }
func switchArg(name string) arg { return arg{Name: name} }

var _ = Describe("Parse", func() {
	Describe("the seed document's lines, verbatim", func() {
		DescribeTable("parse into the cmdlet and its arguments",
			func(line, name string, want []arg) {
				c := mustParse(line)
				Expect(c.Name).To(Equal(name))
				Expect(c.NameCol).To(Equal(1))
				Expect(argsOf(c)).To(Equal(want))
			},
			Entry(nil, `Set-CsUserServicesPolicy -Identity global -UcsAllowed $False`,
				"Set-CsUserServicesPolicy", []arg{str("Identity", "global"), boolean("UcsAllowed", false)}),
			Entry(nil, `New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True`,
				"New-CsUserServicesPolicy", []arg{str("Identity", "AllowUnifiedContactStore"), boolean("UcsAllowed", true)}),
			Entry(nil, `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "AllowUnifiedContactStore"`,
				"Grant-CsUserServicesPolicy", []arg{str("Identity", "Ken Myer"), str("PolicyName", "AllowUnifiedContactStore")}),
			Entry(nil, `Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com" -TargetFqdn "atl-cs-001.litwareinc.com"`,
				"Test-CsUnifiedContactStore", []arg{str("UserSipAddress", "sip:kenmyer@litwareinc.com"), str("TargetFqdn", "atl-cs-001.litwareinc.com")}),
			Entry(nil, `New-CsUserServicesPolicy -Identity NoUnifiedContactStore -UcsAllowed $False`,
				"New-CsUserServicesPolicy", []arg{str("Identity", "NoUnifiedContactStore"), boolean("UcsAllowed", false)}),
			Entry(nil, `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName NoUnifiedContactStore`,
				"Grant-CsUserServicesPolicy", []arg{str("Identity", "Ken Myer"), str("PolicyName", "NoUnifiedContactStore")}),
			Entry("with the en dashes pasted from TechNet", `Grant-CsUserServicesPolicy –Identity "Ken Myer" –PolicyName $Null`,
				"Grant-CsUserServicesPolicy", []arg{str("Identity", "Ken Myer"), null("PolicyName")}),
			Entry(nil, `Invoke-CsUcsRollback -Identity "Ken Myer"`,
				"Invoke-CsUcsRollback", []arg{str("Identity", "Ken Myer")}),
		)

		It("reads the document's dash as the en dash, U+2013", func() {
			Expect([]rune(`–`)).To(Equal([]rune{0x2013}))
		})

		It("binds every seed line to its cmdlet", func() {
			for _, line := range []string{
				`Set-CsUserServicesPolicy -Identity global -UcsAllowed $False`,
				`New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True`,
				`Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "AllowUnifiedContactStore"`,
				`Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com" -TargetFqdn "atl-cs-001.litwareinc.com"`,
				`New-CsUserServicesPolicy -Identity NoUnifiedContactStore -UcsAllowed $False`,
				`Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName NoUnifiedContactStore`,
				`Grant-CsUserServicesPolicy –Identity "Ken Myer" –PolicyName $Null`,
				`Invoke-CsUcsRollback -Identity "Ken Myer"`,
				"    Set-CsUserServicesPolicy -Identity global -UcsAllowed $False", // indented as in the document
			} {
				_, err := run(line)
				Expect(err).NotTo(HaveOccurred(), line)
			}
		})
	})

	It("records the column of the name, of each argument and of each value, counting characters", func() {
		c := mustParse("  Grant-CsUserServicesPolicy \u2013Identity \"Ken Myer\" \u2013PolicyName:$Null")
		Expect(c.NameCol).To(Equal(3))
		Expect(c.Args[0].Col).To(Equal(30))
		Expect(c.Args[0].Value.Col).To(Equal(40))
		Expect(c.Args[1].Col).To(Equal(51))
		Expect(c.Args[1].Colon).To(BeTrue())
		Expect(c.Args[1].Value.Col).To(Equal(63))
		Expect(c.EndCol).To(Equal(68))
	})

	Describe("parameters", func() {
		It("accepts the hyphen, en dash, em dash and horizontal bar as the parameter dash", func() {
			for _, dash := range []string{"-", "\u2013", "\u2014", "\u2015"} {
				c := mustParse("Invoke-CsUcsRollback " + dash + "Identity x " + dash + "Force")
				Expect(argsOf(c)).To(Equal([]arg{str("Identity", "x"), switchArg("Force")}), dash)
			}
		})

		It("keeps a parameter without a following value as a bare switch", func() {
			c := mustParse(`Invoke-CsUcsRollback -Force -WhatIf -Identity x`)
			Expect(argsOf(c)).To(Equal([]arg{switchArg("Force"), switchArg("WhatIf"), str("Identity", "x")}))
		})

		It("reads -Name:value and -Name: value, marking the colon form", func() {
			c := mustParse(`Invoke-CsUcsRollback -Identity:x -Confirm: $False -Force:$True`)
			Expect(argsOf(c)).To(Equal([]arg{
				{Name: "Identity", Kind: pwsh.String, Str: "x", Colon: true},
				{Name: "Confirm", Kind: pwsh.Bool, Str: "False", Colon: true},
				{Name: "Force", Kind: pwsh.Bool, Str: "True", Colon: true},
			}))
		})

		It("treats a dash not followed by a letter as a value", func() {
			c := mustParse(`Get-Thing -Offset -5 - --x`)
			Expect(argsOf(c)).To(Equal([]arg{num("Offset", "-5"), str("", "-"), str("", "--x")}))
		})

		It("keeps the parameter name as typed (binding ignores case)", func() {
			c := mustParse(`invoke-csucsrollback -IDENTITY x`)
			Expect(c.Name).To(Equal("invoke-csucsrollback"))
			Expect(c.Args[0].Name).To(Equal("IDENTITY"))
			Expect(c.Is("Invoke-CsUcsRollback")).To(BeTrue())
		})
	})

	Describe("values", func() {
		DescribeTable("read as PowerShell's argument mode reads them",
			func(value string, want arg) {
				c := mustParse("Get-Thing " + value)
				Expect(argsOf(c)).To(Equal([]arg{want}))
			},
			Entry("a bare identity", `global`, str("", "global")),
			Entry("a scoped identity", `site:Redmond`, str("", "site:Redmond")),
			Entry("a tag identity", `tag:AllowUnifiedContactStore`, str("", "tag:AllowUnifiedContactStore")),
			Entry("a SIP address", `sip:kenmyer@litwareinc.com`, str("", "sip:kenmyer@litwareinc.com")),
			Entry("a pool FQDN", `atl-cs-001.litwareinc.com`, str("", "atl-cs-001.litwareinc.com")),
			Entry("a service identity", `UserServer:atl-cs-001.litwareinc.com`, str("", "UserServer:atl-cs-001.litwareinc.com")),
			Entry("a filter with a wildcard", `tag:*`, str("", "tag:*")),
			Entry("a word with '#' inside", `a#b`, str("", "a#b")),
			Entry("single quotes, literal", `'Ken $Myer `+"`"+`n'`, str("", "Ken $Myer `n")),
			Entry("single quotes, '' escapes a quote", `'O''Neil'`, str("", "O'Neil")),
			Entry("an empty single-quoted string", `''`, str("", "")),
			Entry("double quotes, `\" escapes a quote", "\"say `\"hi`\"\"", str("", `say "hi"`)),
			Entry("double quotes, \"\" escapes a quote", `"say ""hi"""`, str("", `say "hi"`)),
			Entry("double quotes, backtick escapes", "\"a`tb`nc``d`$e`u{263A}\"", str("", "a\tb\nc`d$e\u263a")),
			Entry("double quotes keep $True as text", `"$True"`, str("", "$True")),
			Entry("double quotes keep $Null as text", `"$Null"`, str("", "$Null")),
			Entry("typographic double quotes", "\u201cKen Myer\u201d", str("", "Ken Myer")),
			Entry("typographic single quotes", "\u2018Ken Myer\u2019", str("", "Ken Myer")),
			Entry("an escaped space in a bare word", "Ken` Myer", str("", "Ken Myer")),
			Entry("$True in any case", `$TRUE`, boolean("", true)),
			Entry("$False in any case", `$false`, boolean("", false)),
			Entry("$Null in any case", `$nUlL`, null("")),
			Entry("an integer", `1`, num("", "1")),
			Entry("a decimal", `2.50`, num("", "2.50")),
			Entry("a hexadecimal number", `0x1F`, num("", "0x1F")),
			Entry("an escaped digit stays a string", "`1", str("", "1")),
		)

		It("ends the line at a comment", func() {
			c := mustParse(`Invoke-CsUcsRollback "Ken Myer" # roll Ken back | ; >`)
			Expect(argsOf(c)).To(Equal([]arg{str("", "Ken Myer")}))
		})

		It("ignores the line's own terminator", func() {
			for _, end := range []string{"\n", "\r\n"} {
				c := mustParse("Invoke-CsUcsRollback -Identity x" + end)
				Expect(argsOf(c)).To(Equal([]arg{str("Identity", "x")}))
				Expect(c.EndCol).To(Equal(33))
			}
			_, err := pwsh.Parse("Invoke-CsUcsRollback -Identity x\n\n")
			Expect(err).To(MatchError("column 33: line break (U+000A) inside the line: give one command per line"))
		})

		It("accepts tabs and no-break spaces between arguments", func() {
			c := mustParse("Invoke-CsUcsRollback\t-Identity\u00a0x")
			Expect(argsOf(c)).To(Equal([]arg{str("Identity", "x")}))
		})
	})

	Describe("String, the canonical form", func() {
		DescribeTable("formats a command so that it reads back the same",
			func(line, canonical string) {
				c := mustParse(line)
				Expect(c.String()).To(Equal(canonical))
				again := mustParse(c.String())
				Expect(again.Name).To(Equal(c.Name))
				Expect(argsOf(again)).To(Equal(argsOf(c)))
			},
			Entry(nil, "Grant-CsUserServicesPolicy \u2013Identity \u201cKen Myer\u201d \u2013PolicyName $null",
				`Grant-CsUserServicesPolicy -Identity 'Ken Myer' -PolicyName $Null`),
			Entry(nil, `Set-CsUserServicesPolicy   global -UcsAllowed:$TRUE`,
				`Set-CsUserServicesPolicy global -UcsAllowed:$True`),
			Entry(nil, `Invoke-CsUcsRollback -Identity "O'Neil" -Force -Confirm: $false`,
				`Invoke-CsUcsRollback -Identity 'O''Neil' -Force -Confirm:$False`),
			Entry(nil, "Get-Thing \"line`nbreak\" '-NotAParam' '5' 5 '' '$x'",
				"Get-Thing \"line`nbreak\" '-NotAParam' '5' 5 '' '$x'"),
			Entry(nil, `Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com"`,
				`Test-CsUnifiedContactStore -UserSipAddress sip:kenmyer@litwareinc.com`),
		)
	})
})
