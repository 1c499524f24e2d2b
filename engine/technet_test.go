package engine_test

import (
	"context"
	"errors"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
)

// technetWorld: Ken Myer migrated (12 contacts) and Anne Wallace (3) on atl-cs-001, Pilar Ackerman
// (5) on dal-cs-001; lync2010.litwareinc.com is a Lync Server 2010 pool.
func technetWorld() *world {
	w := kensWorld(12)
	w.addUser(engine.UserSpec{Name: "Pilar Ackerman", SIP: "sip:pilar@litwareinc.com", Pool: "dal-cs-001.litwareinc.com"}, 5)
	w.addUser(engine.UserSpec{Name: "Anne Wallace", SIP: "sip:anne@litwareinc.com"}, 3)
	w.migrate("Ken Myer")
	return w
}

// runIn runs a line in a session, as the shell does.
func (w *world) runIn(sess *engine.Session, line string) (*engine.Result, error) {
	var res *engine.Result
	var err error
	w.step(func() { res, err = w.eng.Run(context.Background(), line, engine.RunOptions{Session: sess}) })
	return res, err
}

func names(res *engine.Result) []string {
	out := []string{}
	for _, r := range res.Records {
		n, _ := r.Get("DisplayName")
		if n == "" {
			n, _ = r.Get("Identity")
		}
		out = append(out, n)
	}
	return out
}

func policyIDs(w *world) []string {
	res := w.mustRun("Get-CsUserServicesPolicy")
	return names(res)
}

func users(want ...string) func(*world, *engine.Result) {
	return func(_ *world, res *engine.Result) { Expect(names(res)).To(Equal(append([]string{}, want...))) }
}

func effective(user, policy string) func(*world, *engine.Result) {
	return func(w *world, _ *engine.Result) { Expect(w.status(user).EffectivePolicy).To(Equal(policy)) }
}

func pool(user, fqdn string) func(*world, *engine.Result) {
	return func(w *world, _ *engine.Result) {
		res := w.mustRun(`Get-CsUser "` + user + `"`)
		Expect(field(res, "RegistrarPool")).To(Equal(fqdn))
	}
}

func all(checks ...func(*world, *engine.Result)) func(*world, *engine.Result) {
	return func(w *world, res *engine.Result) {
		for _, c := range checks {
			c(w, res)
		}
	}
}

const (
	newRedmond     = `New-CsUserServicesPolicy -Identity "RedmondUserServicesPolicy"`
	newSiteRedmond = `New-CsUserServicesPolicy -Identity "site:Redmond" -UcsAllowed $False`
)

var _ = Describe("TechNet and Lync Server help command lines, run verbatim", func() {
	DescribeTable("have their documented effect",
		func(line string, setup []string, check func(*world, *engine.Result)) {
			w := technetWorld()
			sess := engine.NewSession()
			for _, s := range setup {
				_, err := w.runIn(sess, s)
				Expect(err).NotTo(HaveOccurred(), s)
			}
			res, err := w.runIn(sess, line)
			Expect(err).NotTo(HaveOccurred(), line)
			check(w, res)
		},
		// Get-CsUser, examples 1 to 10 of its help, and the identity forms of its -Identity.
		Entry("Get-CsUser ex. 1", `Get-CsUser`, nil, users("Anne Wallace", "Ken Myer", "Pilar Ackerman")),
		Entry("Get-CsUser ex. 2", `Get-CsUser | Format-Table -Property DisplayName, SipAddress, EnterpriseVoiceEnabled -AutoSize`, nil,
			func(_ *world, res *engine.Result) {
				Expect(res.Text).To(MatchRegexp(`(?m)^DisplayName\s+SipAddress\s+EnterpriseVoiceEnabled\n-+\s+-+\s+-+\n`))
				Expect(res.Text).To(MatchRegexp(`(?m)^Ken Myer\s+sip:kenmyer@litwareinc.com\s+False$`))
				Expect(strings.Count(res.Text, "\n")).To(Equal(5))
			}),
		Entry("Get-CsUser ex. 3", `Get-CsUser -Identity "Pilar Ackerman"`, nil, users("Pilar Ackerman")),
		Entry("Get-CsUser ex. 4", `Get-CsUser -Identity "Pilar*"`, nil, users("Pilar Ackerman")),
		Entry("Get-CsUser ex. 5", `Get-CsUser -Filter {VoicePolicy -eq $Null}`, nil, users("Anne Wallace", "Ken Myer", "Pilar Ackerman")),
		Entry("Get-CsUser ex. 5, the -ne form", `Get-CsUser -Filter {VoicePolicy -ne $Null}`, nil, users()),
		Entry("Get-CsUser ex. 6", `Get-CsUser -LdapFilter "Department=Finance"`, nil, users()),
		Entry("Get-CsUser ex. 7", `Get-CsUser -LdapFilter "&(Department=Finance)(Title=Manager)"`, nil, users()),
		Entry("Get-CsUser ex. 8", `Get-CsUser -LdapFilter "|(Title=Supervisor)(Title=Manager)"`, nil, users()),
		Entry("Get-CsUser ex. 9", `Get-CsUser -OU "ou=Finance,ou=North America,dc=litwareinc,dc=com"`, nil, users()),
		Entry("Get-CsUser ex. 10", `Get-CsUser -UnassignedUser`, nil, users()),
		Entry("Get-CsUser by SIP address", `Get-CsUser "sip:kenmyer@litwareinc.com"`, nil, users("Ken Myer")),
		Entry("Get-CsUser by SIP address without sip:", `Get-CsUser -Identity kenmyer@litwareinc.com`, nil, users("Ken Myer")),
		Entry("Get-CsUser by domain\\logon", `Get-CsUser "litwareinc\kenmyer"`, nil, users("Ken Myer")),
		Entry("Get-CsUser by distinguished name", `Get-CsUser "CN=Ken Myer,CN=Users,DC=litwareinc,DC=com"`, nil, users("Ken Myer")),
		Entry("Get-CsUser by display-name wildcard", `Get-CsUser "* Myer"`, nil, users("Ken Myer")),
		Entry("Get-CsUser -Filter on the pool", `Get-CsUser -Filter {RegistrarPool -eq "atl-cs-001.litwareinc.com"}`, nil, users("Anne Wallace", "Ken Myer")),
		Entry("Get-CsUser -Filter with -like and -or", `Get-CsUser -Filter {DisplayName -like "*Ack*" -or SipAddress -eq "sip:kenmyer@litwareinc.com"}`, nil,
			users("Ken Myer", "Pilar Ackerman")),
		Entry("Get-CsUser -Filter with -ne, -notlike and -and", `Get-CsUser -Filter {RegistrarPool -ne "dal-cs-001.litwareinc.com" -and DisplayName -notlike "K*"}`, nil,
			users("Anne Wallace")),
		Entry("Get-CsUser -ResultSize", `Get-CsUser -ResultSize 2`, nil, users("Anne Wallace", "Ken Myer")),
		Entry("Get-CsUser -LdapFilter on a known attribute", `Get-CsUser -LdapFilter "(displayName=Ken*)"`, nil, users("Ken Myer")),

		// Invoke-CsUcsRollback, examples 1 and 2.
		Entry("Invoke-CsUcsRollback ex. 1", `Invoke-CsUcsRollback -Identity "Ken Myer"`, nil, func(w *world, _ *engine.Result) {
			Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreLync))
			Expect(w.lyncURIs("Ken Myer")).To(HaveLen(12))
		}),
		Entry("Invoke-CsUcsRollback ex. 2", `Get-CsUser -Filter {RegistrarPool -eq "atl-cs-001.litwareinc.com"} | Invoke-CsUcsRollback -Confirm:$False`, nil,
			func(w *world, res *engine.Result) {
				Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreLync))
				Expect(w.count("rollback.completed", kenSIP)).To(Equal(1))
				Expect(res.Warnings).To(ConsistOf(ContainSubstring("sip:anne@litwareinc.com are not in the unified contact store")))
			}),

		// Grant-CsUserServicesPolicy, examples 1 to 3.
		Entry("Grant ex. 1", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "RedmondUserServicesPolicy"`, []string{newRedmond},
			effective("Ken Myer", "Tag:RedmondUserServicesPolicy")),
		Entry("Grant ex. 2", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName $Null`,
			[]string{newRedmond, `Grant-CsUserServicesPolicy "Ken Myer" RedmondUserServicesPolicy`}, effective("Ken Myer", "Global")),
		Entry("Grant ex. 3", `Get-CsUser -Filter {RegistrarPool -eq "atl-cs-001.litwareinc.com"} | Grant-CsUserServicesPolicy -PolicyName "RedmondUserServicesPolicy"`,
			[]string{newRedmond}, all(effective("Ken Myer", "Tag:RedmondUserServicesPolicy"), effective("Anne Wallace", "Tag:RedmondUserServicesPolicy"),
				effective("Pilar Ackerman", "Global"))),
		Entry("Grant ex. 3 as its description writes it (en dash)", `Get-CsUser -Filter {RegistrarPool –eq "atl-cs-001.litwareinc.com"} | Grant-CsUserServicesPolicy -PolicyName "RedmondUserServicesPolicy"`,
			[]string{newRedmond}, all(effective("Anne Wallace", "Tag:RedmondUserServicesPolicy"), effective("Pilar Ackerman", "Global"))),

		// Get-CsUserServicesPolicy, examples 1 to 4.
		Entry("Get-CsUserServicesPolicy ex. 1", `Get-CsUserServicesPolicy`, []string{newSiteRedmond, newRedmond},
			users("Global", "Site:Redmond", "Tag:RedmondUserServicesPolicy")),
		Entry("Get-CsUserServicesPolicy ex. 2", `Get-CsUserServicesPolicy -Identity "site:Redmond"`, []string{newSiteRedmond}, users("Site:Redmond")),
		Entry("Get-CsUserServicesPolicy ex. 3", `Get-CsUserServicesPolicy -Filter "site:*"`, []string{newSiteRedmond, newRedmond}, users("Site:Redmond")),
		Entry("Get-CsUserServicesPolicy ex. 4", `Get-CsUserServicesPolicy | Where-Object {$_.UcsAllowed -eq $False}`, []string{newSiteRedmond, newRedmond},
			users("Site:Redmond")),

		// Set-CsUserServicesPolicy, examples 1 and 2.
		Entry("Set ex. 1", `Set-CsUserServicesPolicy -Identity "RedmondUserServicesPolicy" -UcsAllowed $False`, []string{newRedmond},
			func(w *world, _ *engine.Result) {
				Expect(field(w.mustRun(`Get-CsUserServicesPolicy RedmondUserServicesPolicy`), "UcsAllowed")).To(Equal("False"))
			}),
		Entry("Set ex. 2", `Get-CsUserServicesPolicy -Filter "site:*" | Set-CsUserServicesPolicy -UcsAllowed $False`,
			[]string{`New-CsUserServicesPolicy -Identity "site:Redmond" -UcsAllowed $True`}, func(w *world, _ *engine.Result) {
				Expect(field(w.mustRun(`Get-CsUserServicesPolicy site:Redmond`), "UcsAllowed")).To(Equal("False"))
				Expect(field(w.mustRun(`Get-CsUserServicesPolicy global`), "UcsAllowed")).To(Equal("True"))
			}),

		// New-CsUserServicesPolicy, example 1; Remove-CsUserServicesPolicy, examples 1 to 3.
		Entry("New ex. 1", `New-CsUserServicesPolicy -Identity "site:Redmond" -UcsAllowed $False`, nil, all(
			users("Site:Redmond"), effective("Ken Myer", "Site:Redmond"))),
		Entry("Remove ex. 1", `Remove-CsUserServicesPolicy -Identity "RedmondUserServicesPolicy"`, []string{newRedmond},
			func(w *world, _ *engine.Result) { Expect(policyIDs(w)).To(Equal([]string{"Global"})) }),
		Entry("Remove ex. 2", `Get-CsUserServicesPolicy -Filter "site:*" | Remove-CsUserServicesPolicy`, []string{newSiteRedmond, newRedmond},
			func(w *world, _ *engine.Result) {
				Expect(policyIDs(w)).To(Equal([]string{"Global", "Tag:RedmondUserServicesPolicy"}))
			}),
		Entry("Remove ex. 3", `Get-CsUserServicesPolicy | Where-Object {$_.UcsAllowed -eq $True} | Remove-CsUserServicesPolicy`,
			[]string{newSiteRedmond, newRedmond, `Set-CsUserServicesPolicy -UcsAllowed $False`}, func(w *world, res *engine.Result) {
				Expect(policyIDs(w)).To(Equal([]string{"Global", "Site:Redmond"}))
				Expect(field(w.mustRun(`Get-CsUserServicesPolicy global`), "UcsAllowed")).To(Equal("False"), "global did not allow the store: it was not selected")
			}),

		// Test-CsUnifiedContactStore, example 1 (two commands), and Debug-CsUnifiedContactStore, examples 1 and 2.
		Entry("Test ex. 1, first command", `$credential = Get-Credential "litwareinc\kenmyer"`, nil, func(_ *world, res *engine.Result) {
			Expect(res.Text).To(BeEmpty())
		}),
		Entry("Test ex. 1, second command", `Test-CsUnifiedContactStore -TargetFqdn "atl-cs-001.litwareinc.com" -UserSipAddress "sip:kenmyer@litwareinc.com" -UserCredential $credential`,
			[]string{`$credential = Get-Credential "litwareinc\kenmyer"`}, func(_ *world, res *engine.Result) {
				Expect(field(res, "Result")).To(Equal("Success"))
				Expect(field(res, "Target Fqdn")).To(Equal("atl-cs-001.litwareinc.com"))
			}),
		Entry("Debug ex. 1", `Debug-CsUnifiedContactStore -PoolFqdn "atl-cs-001.litwareinc.com"`, nil, func(_ *world, res *engine.Result) {
			Expect(field(res, "FrontEnd")).To(Equal("atl-cs-001.litwareinc.com"))
			Expect(field(res, "UcsMigratedCount")).To(Equal("1"))
			Expect(field(res, "UcsAllowedCount")).To(Equal("1"))
		}),
		Entry("Debug ex. 2", `Debug-CsUnifiedContactStore -Identity "kenmyer@litwareinc.com"`, nil, func(_ *world, res *engine.Result) {
			Expect(field(res, "UcsMigrated")).To(Equal("True"))
			Expect(field(res, "MigrationAttempts")).To(Equal("1"))
		}),

		// Move-CsUser, examples 1 to 3, and the pipeline to the Lync Server 2010 pool.
		Entry("Move ex. 1", `Move-CsUser -Identity "Pilar Ackerman" -Target "atl-cs-001.litwareinc.com"`, nil, all(
			pool("Pilar Ackerman", "atl-cs-001.litwareinc.com"), func(w *world, _ *engine.Result) {
				Expect(w.lastEvent("user.moved").Details).To(HaveKeyWithValue("from", "dal-cs-001.litwareinc.com"))
			})),
		Entry("Move ex. 2", `Get-CsUser -OU "ou=Finance,dc=litwareinc,dc=com" | Move-CsUser -Target "atl-cs-001.litwareinc.com"`, nil,
			func(w *world, _ *engine.Result) { Expect(w.count("user.moved", "")).To(Equal(0)) }),
		Entry("Move ex. 3", `Move-CsUser -Identity "Pilar Ackerman" -Target "atl-cs-001.litwareinc.com" -Force`, nil, pool("Pilar Ackerman", "atl-cs-001.litwareinc.com")),
		Entry("Move to Lync Server 2010 through a pipeline", `Get-CsUser "Ken Myer" | Move-CsUser -Target "lync2010.litwareinc.com" -Confirm:$False`, nil, all(
			pool("Ken Myer", "lync2010.litwareinc.com"), func(w *world, _ *engine.Result) {
				st := w.status("Ken Myer")
				Expect(st.ContactsIn).To(Equal(engine.StoreLync))
				Expect(st.HoldUntil.IsZero()).To(BeFalse())
				Expect(st.EffectivePolicy).To(Equal("Global"))
			})),

		// The seed document's commands.
		Entry("seed 1", `Set-CsUserServicesPolicy -Identity global -UcsAllowed $False`, nil, effective("Anne Wallace", "Global")),
		Entry("seed 2", `New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True`, nil, users("Tag:AllowUnifiedContactStore")),
		Entry("seed 3", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "AllowUnifiedContactStore"`,
			[]string{`New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True`}, effective("Ken Myer", "Tag:AllowUnifiedContactStore")),
		Entry("seed 4", `Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com" -TargetFqdn "atl-cs-001.litwareinc.com"`, nil,
			func(_ *world, res *engine.Result) { Expect(field(res, "Result")).To(Equal("Success")) }),
		Entry("seed 5", `New-CsUserServicesPolicy -Identity NoUnifiedContactStore -UcsAllowed $False`, nil, users("Tag:NoUnifiedContactStore")),
		Entry("seed 6", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName NoUnifiedContactStore`,
			[]string{`New-CsUserServicesPolicy -Identity NoUnifiedContactStore -UcsAllowed $False`}, effective("Ken Myer", "Tag:NoUnifiedContactStore")),
		Entry("seed 7 (en dashes as published)", `Grant-CsUserServicesPolicy –Identity "Ken Myer" –PolicyName $Null`,
			[]string{`New-CsUserServicesPolicy -Identity NoUnifiedContactStore -UcsAllowed $False`, `Grant-CsUserServicesPolicy "Ken Myer" NoUnifiedContactStore`},
			effective("Ken Myer", "Global")),
	)
})

var _ = Describe("The seed document", func() {
	It("runs its five commands verbatim and tells the story", func() {
		w := kensWorld(12)
		w.addUser(engine.UserSpec{Name: "Pilar Ackerman", SIP: "sip:pilar@litwareinc.com"}, 5)
		w.mustRun(`Set-CsUserServicesPolicy -Identity global -UcsAllowed $False`)
		w.mustRun(`New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True`)
		w.mustRun(`Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "AllowUnifiedContactStore"`)
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.signIn("Pilar Ackerman", "desktop", engine.Lync2013)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Migrating))
		w.advance(15 * time.Minute)
		st := w.status("Ken Myer")
		Expect(st.ContactsIn).To(Equal(engine.StoreExchange))
		Expect(st.Endpoints[0].Prompt).To(BeTrue())
		Expect(w.status("Pilar Ackerman").State).To(Equal(engine.Disabled))
		w.signOut("Ken Myer", "desktop")
		v := w.signIn("Ken Myer", "desktop", engine.Lync2013)
		Expect(v.ReadsFrom).To(Equal(engine.ReadsExchange))
		Expect(v.List.Migrated).To(BeTrue())
		res := w.mustRun(`Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com" -TargetFqdn "atl-cs-001.litwareinc.com"`)
		Expect(field(res, "Result")).To(Equal("Success"))
		w.mustRun(`New-CsUserServicesPolicy -Identity NoUnifiedContactStore -UcsAllowed $False`)
		w.mustRun(`Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName NoUnifiedContactStore`)
		w.mustRun(`Grant-CsUserServicesPolicy –Identity "Ken Myer" –PolicyName $Null`)
		w.mustRun(`Invoke-CsUcsRollback -Identity "Ken Myer"`)
		Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreLync))
		w.advance(8 * 24 * time.Hour)
		Expect(w.status("Ken Myer").State).To(Equal(engine.Disabled), "global is False: the rollback is permanent")
	})
})

var _ = Describe("Test-CsUnifiedContactStore and Debug-CsUnifiedContactStore (docs/BEHAVIOR.md B-5.1, B-5.2)", func() {
	var w *world
	BeforeEach(func() {
		w = kensWorld(2)
	})
	test := func() *engine.Result {
		return w.mustRun(`Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com" -TargetFqdn "atl-cs-001.litwareinc.com"`)
	}

	It("prints the five fields, Success for a migrated user with contacts", func() {
		w.migrate("Ken Myer")
		w.ex.SetFault(enginetest.Fault{Kind: engine.FaultSlow, Latency: 1500 * time.Millisecond})
		res := test()
		var names []string
		for _, f := range res.Records[0] {
			names = append(names, f.Name)
		}
		Expect(names).To(Equal([]string{"Target Fqdn", "Result", "Latency", "Error Message", "Diagnosis"}))
		Expect(field(res, "Result")).To(Equal("Success"))
		Expect(field(res, "Latency")).To(Equal("00:00:01.5000000"))
		Expect(res.Text).To(HavePrefix("Target Fqdn   : atl-cs-001.litwareinc.com\nResult        : Success\n"))
	})

	It("fails for a migrated user with zero contacts", func() {
		w.addUser(engine.UserSpec{Name: "Empty", SIP: "sip:empty@litwareinc.com"}, 0)
		w.migrate("Empty")
		res := w.mustRun(`Test-CsUnifiedContactStore -UserSipAddress sip:empty@litwareinc.com -TargetFqdn atl-cs-001.litwareinc.com`)
		Expect(field(res, "Result")).To(Equal("Failure"))
		Expect(field(res, "Error Message") + " " + field(res, "Diagnosis")).To(Equal("No contacts were received for the user. Verify that contacts exist for the user."))
	})

	It("fails for a user not migrated, and for an unknown pool", func() {
		res := test()
		Expect(field(res, "Result")).To(Equal("Failure"))
		Expect(field(res, "Diagnosis")).To(ContainSubstring("not been migrated to the unified contact store"))
		res = w.mustRun(`Test-CsUnifiedContactStore -UserSipAddress sip:kenmyer@litwareinc.com -TargetFqdn nosuch.litwareinc.com`)
		Expect(field(res, "Result")).To(Equal("Failure"))
		Expect(field(res, "Error Message")).To(ContainSubstring("Unable to connect"))
	})

	It("debugs one user (attempts, last attempt) and a pool (counts per state)", func() {
		w.addUser(engine.UserSpec{Name: "Pilar Ackerman", SIP: "sip:pilar@litwareinc.com"}, 1)
		w.migrate("Ken Myer")
		res := w.mustRun("Debug-CsUnifiedContactStore -Identity 'Ken Myer'")
		Expect(field(res, "UcsMigrated")).To(Equal("True"))
		Expect(field(res, "MigrationAttempts")).To(Equal("1"))
		Expect(field(res, "LastMigrationAttempt")).To(Equal("1/5/2026 9:00:00 AM"))
		res = w.mustRun("Debug-CsUnifiedContactStore -PoolFqdn atl-cs-001.litwareinc.com")
		Expect(field(res, "FrontEnd")).To(Equal("atl-cs-001.litwareinc.com"))
		Expect(field(res, "UcsMigratedCount")).To(Equal("1"))
		Expect(field(res, "UcsAllowedCount")).To(Equal("1"))
		Expect(field(res, "UcsDisabledCount")).To(Equal("0"))
		Expect(field(res, "UcsMigratingCount")).To(Equal("0"))
		Expect(field(res, "FailedUserData")).To(Equal("{}"))
	})
})

// Callers branch on the kind of an error (errors.Is), people read its sentence: both hold at once.
var _ = Describe("Errors callers can branch on", func() {
	var w *world
	BeforeEach(func() {
		w = kensWorld(2)
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
