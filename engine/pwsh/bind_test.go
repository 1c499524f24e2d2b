package pwsh_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine/pwsh"
)

func mustRun(line string) pwsh.Bound {
	GinkgoHelper()
	b, err := run(line)
	Expect(err).NotTo(HaveOccurred())
	return b
}

func bound(b pwsh.Bound) map[string]string {
	out := map[string]string{}
	for k, v := range b {
		out[k] = v.Kind.String() + ":" + v.Str
	}
	return out
}

var _ = Describe("Bind", func() {
	DescribeTable("binds what an administrator types to the canonical parameters",
		func(line string, want map[string]string) {
			Expect(bound(mustRun(line))).To(Equal(want))
		},
		Entry("named values", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName NoUnifiedContactStore`,
			map[string]string{"Identity": "String:Ken Myer", "PolicyName": "String:NoUnifiedContactStore"}),
		Entry("any case, cmdlet and parameters", `grant-csuserservicespolicy -IDENTITY "Ken Myer" -policyname X`,
			map[string]string{"Identity": "String:Ken Myer", "PolicyName": "String:X"}),
		Entry("unambiguous prefixes", `Grant-CsUserServicesPolicy -Id "Ken Myer" -Po X`,
			map[string]string{"Identity": "String:Ken Myer", "PolicyName": "String:X"}),
		Entry("an alias", `Invoke-CsUcsRollback x -cf:$False`,
			map[string]string{"Identity": "String:x", "Confirm": "Bool:False"}),
		Entry("the colon form", `Grant-CsUserServicesPolicy -Identity:"Ken Myer" -PolicyName:X`,
			map[string]string{"Identity": "String:Ken Myer", "PolicyName": "String:X"}),
		Entry("positional values in Position order", `Grant-CsUserServicesPolicy "Ken Myer" X`,
			map[string]string{"Identity": "String:Ken Myer", "PolicyName": "String:X"}),
		Entry("positional values skip parameters bound by name", `Grant-CsUserServicesPolicy -Identity "Ken Myer" X`,
			map[string]string{"Identity": "String:Ken Myer", "PolicyName": "String:X"}),
		Entry("a named parameter after the positional one", `Grant-CsUserServicesPolicy -PolicyName X "Ken Myer"`,
			map[string]string{"Identity": "String:Ken Myer", "PolicyName": "String:X"}),
		Entry("$Null where allowed", "Grant-CsUserServicesPolicy \u2013Identity \"Ken Myer\" \u2013PolicyName $Null",
			map[string]string{"Identity": "String:Ken Myer", "PolicyName": "Null:"}),
		Entry("a bare switch", `Invoke-CsUcsRollback -Identity "Ken Myer" -Force`,
			map[string]string{"Identity": "String:Ken Myer", "Force": "Bool:True"}),
		Entry("switches turned off with a colon", `Invoke-CsUcsRollback -Identity "Ken Myer" -Force:$False -Confirm:$False -WhatIf:$false`,
			map[string]string{"Identity": "String:Ken Myer", "Force": "Bool:False", "Confirm": "Bool:False", "WhatIf": "Bool:False"}),
		Entry("a switch turned off with $Null", `Invoke-CsUcsRollback x -Force:$Null`,
			map[string]string{"Identity": "String:x", "Force": "Bool:False"}),
		Entry("a switch set by numbers", `Invoke-CsUcsRollback x -Force:0 -WhatIf:1`,
			map[string]string{"Identity": "String:x", "Force": "Bool:False", "WhatIf": "Bool:True"}),
		Entry("a value after a bare switch is positional", `Invoke-CsUcsRollback -Force "Ken Myer"`,
			map[string]string{"Identity": "String:Ken Myer", "Force": "Bool:True"}),
		Entry("Boolean $True", `Set-CsUserServicesPolicy -UcsAllowed $True`, map[string]string{"UcsAllowed": "Bool:True"}),
		Entry("Boolean $False", `Set-CsUserServicesPolicy -UcsAllowed $FALSE`, map[string]string{"UcsAllowed": "Bool:False"}),
		Entry("Boolean from 1", `Set-CsUserServicesPolicy -UcsAllowed 1`, map[string]string{"UcsAllowed": "Bool:True"}),
		Entry("Boolean from 0", `Set-CsUserServicesPolicy -UcsAllowed 0`, map[string]string{"UcsAllowed": "Bool:False"}),
		Entry("Boolean from 0x00", `Set-CsUserServicesPolicy -UcsAllowed 0x00`, map[string]string{"UcsAllowed": "Bool:False"}),
		Entry("Boolean from 0.0e5", `Set-CsUserServicesPolicy -UcsAllowed 0.0e5`, map[string]string{"UcsAllowed": "Bool:False"}),
		Entry("Boolean from -2.5", `Set-CsUserServicesPolicy -UcsAllowed -2.5`, map[string]string{"UcsAllowed": "Bool:True"}),
		Entry("a number as a string, as typed", `Test-CsUnifiedContactStore -UserSipAddress a -RegistrarPort 05061`,
			map[string]string{"UserSipAddress": "String:a", "RegistrarPort": "String:05061"}),
		Entry("$True as a string", `Get-CsUserServicesPolicy $True`, map[string]string{"Identity": "String:True"}),
		Entry("an optional Identity left out", `Set-CsUserServicesPolicy -UcsAllowed $False`, map[string]string{"UcsAllowed": "Bool:False"}),
		Entry("an empty string where not mandatory", `Get-CsUserServicesPolicy -Filter ''`, map[string]string{"Filter": "String:"}),
		Entry("the filter from the docs", `Get-CsUserServicesPolicy -Filter "tag:*"`, map[string]string{"Filter": "String:tag:*"}),
	)

	It("prefers an exact name over a longer name it prefixes", func() {
		spec := pwsh.Spec{Name: "Get-Thing", Params: []pwsh.ParamSpec{
			{Name: "PolicyName", Position: -1},
			{Name: "Policy", Position: -1},
		}}
		b, err := pwsh.Bind(mustParse(`Get-Thing -policy a -PolicyN b`), spec)
		Expect(err).NotTo(HaveOccurred())
		Expect(bound(b)).To(Equal(map[string]string{"Policy": "String:a", "PolicyName": "String:b"}))
	})

	It("counts a name and its alias matching one prefix as one candidate", func() {
		spec := pwsh.Spec{Name: "Get-Thing", Params: []pwsh.ParamSpec{
			{Name: "Identity", Position: -1, Aliases: []string{"Id"}},
		}}
		b, err := pwsh.Bind(mustParse(`Get-Thing -I a`), spec)
		Expect(err).NotTo(HaveOccurred())
		Expect(bound(b)).To(Equal(map[string]string{"Identity": "String:a"}))
	})

	Describe("Bound", func() {
		It("answers by canonical name, in any case, with the value's column", func() {
			b := mustRun("Grant-CsUserServicesPolicy \u2013Identity \"Ken Myer\" \u2013PolicyName $Null -PassThru")
			s, ok := b.String("identity")
			Expect(ok).To(BeTrue())
			Expect(s).To(Equal("Ken Myer"))
			Expect(b.Col("Identity")).To(Equal(38))
			Expect(b.IsNull("PolicyName")).To(BeTrue())
			_, ok = b.String("PolicyName")
			Expect(ok).To(BeFalse())
			on, ok := b.Bool("PassThru")
			Expect(ok && on).To(BeTrue())
			Expect(b.Col("PassThru")).To(Equal(67))
			Expect(b.Has("WhatIf")).To(BeFalse())
			_, ok = b.Bool("WhatIf")
			Expect(ok).To(BeFalse())
			Expect(b.Col("WhatIf")).To(Equal(0))
		})

		It("does not change the parsed command", func() {
			cmd := mustParse(`Invoke-CsUcsRollback -Force "Ken Myer" -Confirm:$False`)
			before := cmd.String()
			first, err := pwsh.Bind(cmd, rollback)
			Expect(err).NotTo(HaveOccurred())
			second, err := pwsh.Bind(cmd, rollback)
			Expect(err).NotTo(HaveOccurred())
			Expect(bound(second)).To(Equal(bound(first)))
			Expect(cmd.String()).To(Equal(before))
		})
	})

	Describe("inconsistent specs", func() {
		DescribeTable("are refused as programming errors",
			func(spec pwsh.Spec, message string) {
				Expect(spec.Validate()).To(MatchError(message))
				_, err := pwsh.Bind(mustParse(`Get-Thing`), spec)
				var perr *pwsh.Error
				Expect(errors.As(err, &perr)).To(BeTrue())
				Expect(perr.Code).To(Equal(pwsh.CodeBadSpec))
			},
			Entry("two parameters at one position", pwsh.Spec{Name: "Get-Thing", Params: []pwsh.ParamSpec{
				{Name: "Identity"}, {Name: "UcsAllowed", Kind: pwsh.BoolParam}}},
				`cmdlet spec "Get-Thing": parameters Identity and UcsAllowed both have position 0`),
			Entry("a name used twice", pwsh.Spec{Name: "Get-Thing", Params: []pwsh.ParamSpec{
				{Name: "Identity", Position: -1}, {Name: "Filter", Position: -1, Aliases: []string{"identity"}}}},
				`cmdlet spec "Get-Thing": the name identity is used by both Identity and Filter`),
			Entry("an invalid name", pwsh.Spec{Name: "Get-Thing", Params: []pwsh.ParamSpec{{Name: "-Identity"}}},
				`cmdlet spec "Get-Thing": parameter name "-Identity" is not a valid name`),
			Entry("an invalid alias", pwsh.Spec{Name: "Get-Thing", Params: []pwsh.ParamSpec{{Name: "Identity", Aliases: []string{""}}}},
				`cmdlet spec "Get-Thing": alias "" of parameter Identity is not a valid name`),
			Entry("a bad position", pwsh.Spec{Name: "Get-Thing", Params: []pwsh.ParamSpec{{Name: "Identity", Position: -2}}},
				`cmdlet spec "Get-Thing": parameter Identity has position -2 (use -1 for named only)`),
			Entry("an unknown kind", pwsh.Spec{Name: "Get-Thing", Params: []pwsh.ParamSpec{{Name: "Identity", Kind: 7}}},
				`cmdlet spec "Get-Thing": parameter Identity has an unknown kind 7`),
		)

		It("lets switches share a position, since switches are never positional", func() {
			spec := pwsh.Spec{Name: "Get-Thing", Params: []pwsh.ParamSpec{
				{Name: "Identity"}, {Name: "Force", Kind: pwsh.SwitchParam}}}
			Expect(spec.Validate()).To(Succeed())
			b, err := pwsh.Bind(mustParse(`Get-Thing -Force x`), spec)
			Expect(err).NotTo(HaveOccurred())
			Expect(bound(b)).To(Equal(map[string]string{"Identity": "String:x", "Force": "Bool:True"}))
		})

		It("refuses a spec for another cmdlet and a nil command", func() {
			_, err := pwsh.Bind(mustParse(`Get-Thing`), rollback)
			Expect(err).To(MatchError(`column 1: cmdlet spec "Invoke-CsUcsRollback" cannot bind Get-Thing`))
			_, err = pwsh.Bind(nil, rollback)
			Expect(err).To(MatchError(`no command to bind`))
		})
	})
})

var _ = Describe("common parameters", func() {
	base := pwsh.Spec{Name: "Grant-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
		{Name: "Identity", Position: 0, Mandatory: true},
		{Name: "PolicyName", Position: 1, Mandatory: true, AllowNull: true},
		{Name: "PassThru", Kind: pwsh.SwitchParam, Position: -1},
		{Name: "Confirm", Kind: pwsh.SwitchParam, Position: -1},
	}}
	grant := base.WithCommon(true)

	bindGrant := func(line string) (pwsh.Bound, error) { return pwsh.Bind(mustParse(line), grant) }

	It("adds what every cmdlet takes, keeping the cmdlet's own declaration", func() {
		Expect(grant.Validate()).To(Succeed())
		b, err := bindGrant(`Grant-CsUserServicesPolicy x y -Verbose -ea Stop -wi -cf:$false`)
		Expect(err).NotTo(HaveOccurred())
		Expect(bound(b)).To(Equal(map[string]string{
			"Identity": "String:x", "PolicyName": "String:y", "Verbose": "Bool:True",
			"ErrorAction": "String:Stop", "WhatIf": "Bool:True", "Confirm": "Bool:False",
		}))
		n := 0
		for _, p := range grant.Params {
			if p.Name == "Confirm" {
				n++
			}
		}
		Expect(n).To(Equal(1))
		Expect(base.Params).To(HaveLen(4))
		Expect(base.Params[3].Aliases).To(BeEmpty())
	})

	It("leaves out a common parameter whose alias the cmdlet already uses", func() {
		spec := pwsh.Spec{Name: "Get-Thing", Params: []pwsh.ParamSpec{
			{Name: "Database", Position: -1, Aliases: []string{"db"}}}}.WithCommon(false)
		Expect(spec.Validate()).To(Succeed())
		b, err := pwsh.Bind(mustParse(`Get-Thing -db x -Verb`), spec)
		Expect(err).NotTo(HaveOccurred())
		Expect(bound(b)).To(Equal(map[string]string{"Database": "String:x", "Verbose": "Bool:True"}))
		_, err = pwsh.Bind(mustParse(`Get-Thing -Debug`), spec)
		Expect(err).To(MatchError(`column 11: A parameter cannot be found that matches parameter name 'Debug'.`))
	})

	It("makes prefixes ambiguous as they are in the product", func() {
		_, err := bindGrant(`Grant-CsUserServicesPolicy x -O v`)
		Expect(err).To(MatchError(`column 30: Parameter cannot be processed because the parameter name 'O' is ambiguous. Possible matches include: -OutVariable -OutBuffer.`))
	})
})
