package engine_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
)

// snapshot is the observable state a failed cmdlet must leave unchanged: every user's status and
// the policies as Get-CsUserServicesPolicy prints them.
func (w *world) snapshot() string {
	res, err := w.eng.Run(ctx(), "Get-CsUserServicesPolicy", engine.RunOptions{})
	Expect(err).NotTo(HaveOccurred())
	s := res.Text
	for _, u := range w.eng.Users() {
		st, err := w.eng.Status(u)
		Expect(err).NotTo(HaveOccurred())
		lync, _ := w.eng.LyncContacts(u)
		s += fmt.Sprintf("%+v %d\n", st, len(lync))
	}
	return s
}

var _ = Describe("Malformed and semantically wrong cmdlet lines", func() {
	var w *world
	BeforeEach(func() {
		w = kensWorld(3)
		w.addUser(engine.UserSpec{Name: "Pilar Ackerman", SIP: "sip:pilar@litwareinc.com"}, 2)
		w.mustRun("New-CsUserServicesPolicy -Identity Allow -UcsAllowed $True")
		w.mustRun("New-CsUserServicesPolicy -Identity site:Redmond -UcsAllowed $False")
		w.mustRun("Grant-CsUserServicesPolicy 'Ken Myer' Allow")
		w.migrate("Ken Myer")
	})

	DescribeTable("fail with a precise error and change nothing",
		func(line, want string) {
			before := w.snapshot()
			errs := w.count("cmdlet.error", "")
			_, err := w.run(line)
			Expect(err).To(HaveOccurred())
			var ce *engine.CmdletError
			Expect(err).To(BeAssignableToTypeOf(ce))
			Expect(err.Error()).To(Equal(want))
			Expect(w.snapshot()).To(Equal(before))
			Expect(w.count("cmdlet.error", "")).To(Equal(errs + 1))
		},
		Entry("unknown policy", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "NoSuch"`,
			`Grant-CsUserServicesPolicy: cannot find policy "NoSuch" (parameter -PolicyName, column 61)`),
		Entry("unknown user", `Grant-CsUserServicesPolicy -Identity "No Body" -PolicyName Allow`,
			`Grant-CsUserServicesPolicy: Management object not found for identity "No Body". (parameter -Identity, column 38)`),
		Entry("granting global", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName global`,
			`Grant-CsUserServicesPolicy: the global policy cannot be granted; use -PolicyName $Null to fall back to it (parameter -PolicyName, column 61)`),
		Entry("granting a site policy", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName site:Redmond`,
			`Grant-CsUserServicesPolicy: policy "site:Redmond" is not a per-user policy and cannot be granted (parameter -PolicyName, column 61)`),
		Entry("creating global", `New-CsUserServicesPolicy -Identity global`,
			`New-CsUserServicesPolicy: the global policy always exists and cannot be created; use Set-CsUserServicesPolicy -Identity global (parameter -Identity, column 36)`),
		Entry("New- on an existing identity", `New-CsUserServicesPolicy -Identity tag:allow -UcsAllowed $False`,
			`New-CsUserServicesPolicy: a policy with identity "Tag:Allow" already exists (parameter -Identity, column 36)`),
		Entry("a site that does not exist", `New-CsUserServicesPolicy -Identity site:Paris`,
			`New-CsUserServicesPolicy: cannot create policy "Site:Paris": there is no site "Paris" (parameter -Identity, column 36)`),
		Entry("Set on an unknown policy", `Set-CsUserServicesPolicy -Identity NoSuch -UcsAllowed $True`,
			`Set-CsUserServicesPolicy: cannot find policy "NoSuch" (parameter -Identity, column 36)`),
		Entry("Remove of an unknown policy", `Remove-CsUserServicesPolicy NoSuch`,
			`Remove-CsUserServicesPolicy: cannot find policy "NoSuch" (parameter -Identity, column 29)`),
		Entry("-Identity and -Filter together", `Get-CsUserServicesPolicy -Identity global -Filter "tag:*"`,
			`Get-CsUserServicesPolicy: Parameter set cannot be resolved using the specified named parameters: use either -Identity or -Filter. (parameter -Filter, column 51)`),
		Entry("rollback of an unknown user", `Invoke-CsUcsRollback -Identity "Nobody"`,
			`Invoke-CsUcsRollback: Management object not found for identity "Nobody". (parameter -Identity, column 32)`),
		Entry("Test- of an unknown user", `Test-CsUnifiedContactStore -UserSipAddress sip:nobody@litwareinc.com`,
			`Test-CsUnifiedContactStore: Management object not found for identity "sip:nobody@litwareinc.com". (parameter -UserSipAddress, column 44)`),
		Entry("Debug- without a form", `Debug-CsUnifiedContactStore`,
			`Debug-CsUnifiedContactStore: either -Identity or -PoolFqdn is required`),
		Entry("Debug- of an unknown pool", `Debug-CsUnifiedContactStore -PoolFqdn nosuch.litwareinc.com`,
			`Debug-CsUnifiedContactStore: cannot find pool "nosuch.litwareinc.com" (parameter -PoolFqdn, column 39)`),
		Entry("Move-CsUser to an unknown pool", `Move-CsUser -Identity "Ken Myer" -Target nosuch.litwareinc.com`,
			`Move-CsUser: cannot find pool "nosuch.litwareinc.com" (parameter -Target, column 42)`),
		Entry("a Boolean that is not one", `Set-CsUserServicesPolicy -UcsAllowed maybe`,
			`Set-CsUserServicesPolicy: Cannot bind parameter 'UcsAllowed'. Cannot convert value "maybe" to type System.Boolean. Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0. (parameter -UcsAllowed, column 38)`),
		Entry("an unknown parameter", `Get-CsUserServicesPolicy -Nope x`,
			`Get-CsUserServicesPolicy: A parameter cannot be found that matches parameter name 'Nope'. (parameter -Nope, column 26)`),
		Entry("a misspelt cmdlet", `Set-CsUserServicePolicy -UcsAllowed $False`,
			`Set-CsUserServicePolicy: The term 'Set-CsUserServicePolicy' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again. Did you mean Set-CsUserServicesPolicy? (column 1)`),
		Entry("a missing mandatory parameter", `Invoke-CsUcsRollback -Force`,
			`Invoke-CsUcsRollback: Cannot process command because of one or more missing mandatory parameters: Identity. (parameter -Identity, column 28)`),
		Entry("an unterminated string", `Grant-CsUserServicesPolicy -Identity "Ken Myer -PolicyName Allow`,
			`Grant-CsUserServicesPolicy: the string starting here is missing its closing quote (") (column 38)`),
	)
})
