package engine_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
)

// Callers branch on the kind of an error (errors.Is), people read its sentence: both hold at once.
var _ = Describe("Errors callers can branch on", func() {
	var w *world
	BeforeEach(func() {
		w = newWorld(1)
		w.addUser(kenSpec(), 2)
	})

	DescribeTable("cmdlet errors wrap the engine's sentinel and keep their sentence",
		func(line string, kind error, sentence string) {
			_, err := w.run(line)
			Expect(errors.Is(err, kind)).To(BeTrue(), "%v", err)
			var ce *engine.CmdletError
			Expect(errors.As(err, &ce)).To(BeTrue())
			Expect(err.Error()).To(ContainSubstring(sentence))
		},
		Entry("unknown user", `Grant-CsUserServicesPolicy -Identity "Nobody" -PolicyName $Null`,
			engine.ErrUnknownUser, `Management object not found for identity "Nobody".`),
		Entry("unknown policy to grant", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName NoSuch`,
			engine.ErrUnknownPolicy, `cannot find policy "NoSuch"`),
		Entry("unknown policy to set", `Set-CsUserServicesPolicy -Identity tag:NoSuch -UcsAllowed $True`,
			engine.ErrUnknownPolicy, `cannot find policy "tag:NoSuch"`),
		Entry("global cannot be granted", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName global`,
			engine.ErrPolicyNotGrantable, "the global policy cannot be granted"),
		Entry("a duplicate policy", `New-CsUserServicesPolicy -Identity global`,
			engine.ErrPolicyExists, "cannot be created"),
		Entry("unknown user of a rollback", `Invoke-CsUcsRollback -Identity "Nobody" -Confirm:$False`,
			engine.ErrUnknownUser, `Management object not found for identity "Nobody".`),
	)

	It("marks a New-CsUserServicesPolicy on an identity in use", func() {
		w.mustRun(`New-CsUserServicesPolicy -Identity Allow`)
		_, err := w.run(`New-CsUserServicesPolicy -Identity tag:Allow`)
		Expect(err).To(MatchError(engine.ErrPolicyExists))
		Expect(err.Error()).To(ContainSubstring(`a policy with identity "Tag:Allow" already exists`))
	})

	It("tells an unknown user from an ambiguous one when resolving", func() {
		_, err := w.eng.ResolveUser("sip:nobody@litwareinc.com")
		Expect(err).To(MatchError(engine.ErrUnknownUser))
		Expect(w.eng.AddUser(engine.UserSpec{Name: "kenmyer@litwareinc.com", SIP: "sip:other@litwareinc.com"})).To(Succeed())
		Expect(w.eng.AddUser(engine.UserSpec{Name: "K", SIP: "sip:k2@litwareinc.com", UPN: "twin@litwareinc.com"})).To(Succeed())
		Expect(w.eng.AddUser(engine.UserSpec{Name: "twin@litwareinc.com", SIP: "sip:k3@litwareinc.com"})).To(Succeed())
		_, err = w.eng.ResolveUser("twin@litwareinc.com")
		Expect(err).To(MatchError(engine.ErrAmbiguousUser))
		Expect(err.Error()).To(ContainSubstring("is ambiguous"))
	})
})
