package engine_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
)

var _ = Describe("User services policies (docs/BEHAVIOR.md section 1, B-1.1 to B-1.10)", func() {
	var w *world
	BeforeEach(func() {
		w = kensWorld(3)
		w.addUser(engine.UserSpec{Name: "Pilar Ackerman", SIP: "sip:pilar@litwareinc.com", UPN: "pilar.ackerman@corp.litwareinc.com"}, 1)
	})

	It("installs the global policy with UcsAllowed True and prints it in the list view", func() {
		res := w.mustRun("Get-CsUserServicesPolicy")
		Expect(res.Text).To(Equal("Identity   : Global\nUcsAllowed : True\n"))
	})

	It("resolves per-user, then service (pool), then site, then global", func() {
		Expect(w.status("Ken Myer").EffectivePolicy).To(Equal("Global"))
		w.mustRun("New-CsUserServicesPolicy -Identity site:Redmond -UcsAllowed $False")
		Expect(w.status("Ken Myer").EffectivePolicy).To(Equal("Site:Redmond"))
		Expect(w.status("Ken Myer").State).To(Equal(engine.Disabled))
		w.mustRun("New-CsUserServicesPolicy -Identity UserServer:atl-cs-001.litwareinc.com")
		Expect(w.status("Ken Myer").EffectivePolicy).To(Equal("Service:UserServer:atl-cs-001.litwareinc.com"))
		Expect(w.status("Ken Myer").State).To(Equal(engine.Allowed))
		w.mustRun("New-CsUserServicesPolicy -Identity NoUcs -UcsAllowed $False")
		w.mustRun("Grant-CsUserServicesPolicy -Identity 'Ken Myer' -PolicyName NoUcs")
		Expect(w.status("Ken Myer").EffectivePolicy).To(Equal("Tag:NoUcs"))
		Expect(w.status("Pilar Ackerman").EffectivePolicy).To(Equal("Service:UserServer:atl-cs-001.litwareinc.com"))
		res := w.mustRun("Get-CsUserServicesPolicy")
		var ids []string
		for _, r := range res.Records {
			v, _ := r.Get("Identity")
			ids = append(ids, v)
		}
		Expect(ids).To(Equal([]string{"Global", "Site:Redmond", "Service:UserServer:atl-cs-001.litwareinc.com", "Tag:NoUcs"}))
	})

	It("treats tag:X and X as the same policy, case-insensitively", func() {
		w.mustRun(`New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True`)
		Expect(field(w.mustRun("Get-CsUserServicesPolicy -Identity tag:allowunifiedcontactstore"), "Identity")).To(Equal("Tag:AllowUnifiedContactStore"))
		_, err := w.run("New-CsUserServicesPolicy -Identity Tag:ALLOWUNIFIEDCONTACTSTORE")
		Expect(err).To(MatchError(ContainSubstring(`a policy with identity "Tag:AllowUnifiedContactStore" already exists`)))
	})

	It("creates with UcsAllowed True by default; Set without Identity means global and warns on True to False", func() {
		Expect(field(w.mustRun("New-CsUserServicesPolicy -Identity Default"), "UcsAllowed")).To(Equal("True"))
		res := w.mustRun("Set-CsUserServicesPolicy -UcsAllowed $False")
		Expect(res.Warnings).To(ConsistOf(ContainSubstring("does not move contacts")))
		Expect(field(w.mustRun("Get-CsUserServicesPolicy global"), "UcsAllowed")).To(Equal("False"))
		Expect(w.mustRun("Set-CsUserServicesPolicy -UcsAllowed $False").Warnings).To(BeEmpty())
	})

	It("filters with -Filter wildcards", func() {
		w.mustRun("New-CsUserServicesPolicy -Identity A1")
		w.mustRun("New-CsUserServicesPolicy -Identity site:Redmond")
		res := w.mustRun(`Get-CsUserServicesPolicy -Filter "tag:*"`)
		Expect(res.Records).To(HaveLen(1))
		Expect(field(res, "Identity")).To(Equal("Tag:A1"))
	})

	It("resets global on Remove and unassigns a removed per-user policy with a warning", func() {
		w.mustRun("Set-CsUserServicesPolicy -Identity global -UcsAllowed $False")
		w.mustRun("Remove-CsUserServicesPolicy -Identity global")
		Expect(field(w.mustRun("Get-CsUserServicesPolicy global"), "UcsAllowed")).To(Equal("True"))

		w.mustRun("New-CsUserServicesPolicy -Identity Pinned -UcsAllowed $False")
		w.mustRun("Grant-CsUserServicesPolicy 'Ken Myer' Pinned")
		res := w.mustRun("Remove-CsUserServicesPolicy -Identity Pinned")
		Expect(res.Text).To(HavePrefix("WARNING: Policy Tag:Pinned was assigned to sip:kenmyer@litwareinc.com"))
		Expect(w.status("Ken Myer").EffectivePolicy).To(Equal("Global"))
		Expect(w.count("policy.removed", "")).To(Equal(2))
	})

	It("unassigns with -PolicyName $Null, falling back to global without moving contacts", func() {
		w.mustRun("New-CsUserServicesPolicy -Identity Allow -UcsAllowed $True")
		w.mustRun("Set-CsUserServicesPolicy -Identity global -UcsAllowed $False")
		w.mustRun("Grant-CsUserServicesPolicy -Identity 'Ken Myer' -PolicyName Allow")
		w.migrate("Ken Myer")
		w.mustRun("Grant-CsUserServicesPolicy –Identity \"Ken Myer\" –PolicyName $Null")
		st := w.status("Ken Myer")
		Expect(st.EffectivePolicy).To(Equal("Global"))
		Expect(st.ContactsIn).To(Equal(engine.StoreExchange))
		Expect(st.State).To(Equal(engine.Migrated))
		Expect(w.lastEvent("policy.granted").Details).To(HaveKeyWithValue("policy", BeNil()))
	})

	DescribeTable("resolves user identities",
		func(identity string) {
			sip, err := w.eng.ResolveUser(identity)
			Expect(err).NotTo(HaveOccurred())
			Expect(sip).To(Equal("sip:pilar@litwareinc.com"))
		},
		Entry("display name", "Pilar Ackerman"),
		Entry("display name in another case", "pilar ackerman"),
		Entry("SIP address", "sip:pilar@litwareinc.com"),
		Entry("bare address", "pilar@litwareinc.com"),
		Entry("user principal name", "pilar.ackerman@corp.litwareinc.com"),
	)
})
