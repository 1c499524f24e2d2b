package shell_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/shell"
)

var _ = Describe("Tab completion", func() {
	var s *shell.Shell
	BeforeEach(func() {
		s, _ = open(shell.Options{}, `New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True
New-CsUserServicesPolicy -Identity site:Redmond -UcsAllowed $False
checkpoint before-class
`)
	})

	complete := func(line string) (string, []string, string) {
		return s.Complete(line, len([]rune(line)))
	}

	DescribeTable("completes what the syntax wants where the cursor is",
		func(line string, wantHead string, want []string) {
			head, got, tail := complete(line)
			Expect(head).To(Equal(wantHead))
			Expect(got).To(Equal(want))
			Expect(tail).To(BeEmpty())
		},
		Entry("cmdlet names, case-insensitively", "get-csus", "", []string{"Get-CsUser", "Get-CsUserServicesPolicy"}),
		Entry("cmdlet names and shell verbs", "s", "", []string{"Select-Object", "Set-CsUserServicesPolicy", "Sort-Object", "save", "signin", "signout", "status"}),
		Entry("the shell's own cmdlets", "Get-Hi", "", []string{"Get-History"}),
		Entry("parameter names of the cmdlet", "Grant-CsUserServicesPolicy -Po", "Grant-CsUserServicesPolicy ", []string{"-PolicyName"}),
		Entry("the parameter that starts so", "Move-CsUser -t", "Move-CsUser ", []string{"-Target"}),
		Entry("common parameters too", "Move-CsUser -wh", "Move-CsUser ", []string{"-WhatIf"}),
		Entry("users by display name (quoted) or SIP address", "Invoke-CsUcsRollback -Identity ", "Invoke-CsUcsRollback -Identity ",
			[]string{`"Ken Myer"`, `"Pilar Ackerman"`, "sip:kenmyer@litwareinc.com", "sip:pilar@litwareinc.com"}),
		Entry("a user name inside an open quote", `Invoke-CsUcsRollback -Identity "Pi`, "Invoke-CsUcsRollback -Identity ", []string{`"Pilar Ackerman"`}),
		Entry("a positional user of a verb", "signin k", "signin ", []string{`"Ken Myer"`}),
		Entry("SIP addresses for -UserSipAddress", "Test-CsUnifiedContactStore -UserSipAddress sip:k", "Test-CsUnifiedContactStore -UserSipAddress ", []string{"sip:kenmyer@litwareinc.com"}),
		Entry("policy identities as Get-CsUserServicesPolicy prints them", "Set-CsUserServicesPolicy -Identity ", "Set-CsUserServicesPolicy -Identity ",
			[]string{"Global", "Site:Redmond", "Tag:AllowUnifiedContactStore"}),
		Entry("per-user policy names for -PolicyName", `Grant-CsUserServicesPolicy "Ken Myer" -PolicyName a`, `Grant-CsUserServicesPolicy "Ken Myer" -PolicyName `, []string{"AllowUnifiedContactStore"}),
		Entry("pools, the Lync Server 2010 one too", "Move-CsUser \"Ken Myer\" -Target ", "Move-CsUser \"Ken Myer\" -Target ", []string{"atl-cs-001.litwareinc.com", "lync2010.litwareinc.com"}),
		Entry("the command after a pipe or ;", "Get-CsUserServicesPolicy | Remove-Cs", "Get-CsUserServicesPolicy | ", []string{"Remove-CsUserServicesPolicy"}),
		Entry("no shell verbs after a pipe", "Get-CsUserServicesPolicy | sig", "Get-CsUserServicesPolicy | ", nil),
		Entry("checkpoint names", "restore b", "restore ", []string{"before-class"}),
		Entry("nothing where no value is known", "wait ", "wait ", nil),
	)

	It("offers every parameter of the cmdlet after a bare dash, its own and the common ones", func() {
		_, got, _ := complete("Move-CsUser -")
		Expect(got).To(ContainElements("-Identity", "-Target", "-Force", "-Confirm", "-WhatIf", "-Verbose", "-ErrorAction"))
	})

	It("keeps the text after the cursor", func() {
		head, got, tail := s.Complete("signin Ke lync2010", len("signin Ke"))
		Expect(head).To(Equal("signin "))
		Expect(got).To(Equal([]string{`"Ken Myer"`}))
		Expect(tail).To(Equal(" lync2010"))
	})
})
