package engine_test

import (
	"context"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
)

// runAsking runs a line in a session with a scripted sequence of confirmation answers; it returns
// the questions asked.
func (w *world) runAsking(sess *engine.Session, line string, answers ...engine.Choice) (*engine.Result, []string, error) {
	var asked []string
	ask := func(_, q string) engine.Choice {
		asked = append(asked, q)
		if len(answers) == 0 {
			return engine.No
		}
		a := answers[0]
		answers = answers[1:]
		return a
	}
	var res *engine.Result
	var err error
	w.step(func() { res, err = w.eng.Run(context.Background(), line, engine.RunOptions{Session: sess, Ask: ask}) })
	return res, asked, err
}

var _ = Describe("The Management Shell language", func() {
	var w *world
	var sess *engine.Session
	BeforeEach(func() {
		w = technetWorld()
		sess = engine.NewSession()
	})
	run := func(line string) *engine.Result {
		GinkgoHelper()
		res, err := w.runIn(sess, line)
		Expect(err).NotTo(HaveOccurred(), line)
		return res
	}

	Describe("pipelines", func() {
		It("bind a user object to -Identity by value", func() {
			run(`Get-CsUser "Pilar Ackerman" | Move-CsUser -Target atl-cs-001.litwareinc.com -Confirm:$False`)
			Expect(w.lastEvent("user.moved").User).To(Equal("sip:pilar@litwareinc.com"))
		})
		It("bind a string to -Identity by value", func() {
			run(`"sip:pilar@litwareinc.com" | Move-CsUser -Target atl-cs-001.litwareinc.com -Confirm:$False`)
			Expect(w.lastEvent("user.moved").User).To(Equal("sip:pilar@litwareinc.com"))
		})
		It("bind a policy's Identity property by name", func() {
			run(newSiteRedmond)
			run(`Get-CsUserServicesPolicy -Identity site:Redmond | Remove-CsUserServicesPolicy`)
			Expect(policyIDs(w)).To(Equal([]string{"Global"}))
		})
		It("report an input object that binds to no parameter, per object, and go on", func() {
			res, err := w.runIn(sess, `Get-CsUser "* Myer" | Get-CsUserServicesPolicy`)
			Expect(err).To(HaveOccurred())
			Expect(res.Errors).To(HaveLen(1))
			Expect(res.Text).To(ContainSubstring("Get-CsUserServicesPolicy : The input object cannot be bound to any parameters for the command"))
			Expect(res.Text).To(ContainSubstring("FullyQualifiedErrorId : InputObjectNotBound,"))
		})
		It("run nothing when a later element does not bind: a typo changes nothing", func() {
			_, err := w.runIn(sess, `Get-CsUser | Invoke-CsUcsRollback -Confirm:$False -Forse`)
			Expect(err).To(MatchError(ContainSubstring("A parameter cannot be found that matches parameter name 'Forse'.")))
			Expect(w.count("rollback.started", "")).To(BeZero())
		})
		It("refuse an expression after the first element", func() {
			_, err := w.runIn(sess, `Get-CsUser | "x"`)
			Expect(err).To(MatchError(ContainSubstring("Expressions are only allowed as the first element of a pipeline.")))
		})
	})

	Describe("variables and ';'", func() {
		It("keep objects between lines and read their properties", func() {
			Expect(run(`$u = Get-CsUser "Ken Myer"`).Text).To(BeEmpty())
			Expect(run(`$u.RegistrarPool`).Text).To(Equal("atl-cs-001.litwareinc.com\n"))
			run(`New-CsUserServicesPolicy Allow; Grant-CsUserServicesPolicy -Identity $u -PolicyName Allow`)
			Expect(run(`$u = Get-CsUser "Ken Myer"; $u.UserServicesPolicy`).Text).To(Equal("Allow\n"))
		})
		It("pipe a variable holding several objects", func() {
			run(`$all = Get-CsUser`)
			Expect(field(run(`$all | Measure-Object`), "Count")).To(Equal("3"))
		})
		It("read an unset variable as $null", func() {
			Expect(run(`$nothing`).Text).To(BeEmpty())
		})
	})

	Describe("the utility cmdlets", func() {
		It("select properties into a table, and the first objects", func() {
			res := run(`Get-CsUser | Select-Object DisplayName, RegistrarPool -First 2`)
			Expect(res.Text).To(Equal("DisplayName  RegistrarPool\n-----------  -------------\nAnne Wallace atl-cs-001.litwareinc.com\nKen Myer     atl-cs-001.litwareinc.com\n"))
		})
		It("expand a property", func() {
			Expect(run(`Get-CsUser | Select-Object -ExpandProperty SipAddress -Last 1`).Text).To(Equal("sip:pilar@litwareinc.com\n"))
		})
		It("sort, descending, and filter with Where-Object over $_", func() {
			res := run(`Get-CsUser | Where-Object {$_.RegistrarPool -like "atl-*"} | Sort-Object DisplayName -Descending | Select-Object -ExpandProperty DisplayName`)
			Expect(res.Text).To(Equal("Ken Myer\nAnne Wallace\n"))
		})
		It("count with Measure-Object", func() {
			res := run(`Get-CsUser -Filter {RegistrarPool -eq "atl-cs-001.litwareinc.com"} | measure`)
			Expect(res.Text).To(HavePrefix("Count    : 2\n"))
		})
		It("format a list of chosen properties with fl", func() {
			Expect(run(`Get-CsUser "Ken Myer" | fl DisplayName, Registrar*`).Text).To(Equal("DisplayName   : Ken Myer\nRegistrarPool : atl-cs-001.litwareinc.com\n"))
		})
		It("list an object's properties with Get-Member", func() {
			Expect(run(`Get-CsUser "Ken Myer" | Get-Member`).Text).To(ContainSubstring("TypeName: Microsoft.Rtc.Management.ADConnect.Schema.OCSADUser"))
		})
	})

	Describe("common parameters", func() {
		It("-WhatIf prints what would happen and changes nothing", func() {
			res := run(`Get-CsUser -Filter {RegistrarPool -eq "atl-cs-001.litwareinc.com"} | Invoke-CsUcsRollback -WhatIf`)
			Expect(res.Text).To(Equal(`What if: Performing the operation "Invoke-CsUcsRollback" on target "sip:anne@litwareinc.com".` + "\n" +
				`What if: Performing the operation "Invoke-CsUcsRollback" on target "sip:kenmyer@litwareinc.com".` + "\n"))
			Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreExchange))
			for _, line := range []string{`Set-CsUserServicesPolicy -UcsAllowed $False -WhatIf`, `New-CsUserServicesPolicy X -WhatIf`,
				`Grant-CsUserServicesPolicy "Ken Myer" $Null -WhatIf`, `Remove-CsUserServicesPolicy global -WhatIf`, `Move-CsUser "Ken Myer" lync2010.litwareinc.com -WhatIf`} {
				Expect(run(line).Text).To(HavePrefix("What if: Performing the operation"), line)
			}
			Expect(policyIDs(w)).To(Equal([]string{"Global"}))
			Expect(w.count("user.moved", "")).To(BeZero())
			Expect(w.count("policy.set", "")).To(BeZero())
		})
		It("-Confirm asks; Yes to All answers the rest of the pipeline", func() {
			res, asked, err := w.runAsking(sess, `Get-CsUser | Grant-CsUserServicesPolicy -PolicyName $Null -Confirm`, engine.YesToAll)
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Text).To(BeEmpty())
			Expect(asked).To(Equal([]string{"Are you sure you want to perform this action?\nPerforming the operation \"Grant-CsUserServicesPolicy\" on target \"sip:anne@litwareinc.com\"."}))
			Expect(w.count("policy.granted", "")).To(Equal(3))
		})
		It("No to All skips the rest of the pipeline", func() {
			_, asked, err := w.runAsking(sess, `Get-CsUser | Move-CsUser -Target lync2010.litwareinc.com`, engine.Yes, engine.NoToAll)
			Expect(err).NotTo(HaveOccurred())
			Expect(asked).To(HaveLen(2))
			Expect(w.count("user.moved", "")).To(Equal(1))
		})
		It("Invoke-CsUcsRollback asks without -Confirm, and not with -Confirm:$False", func() {
			_, asked, _ := w.runAsking(sess, `Invoke-CsUcsRollback "Ken Myer"`, engine.No)
			Expect(asked).To(HaveLen(1))
			Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreExchange))
			_, asked, _ = w.runAsking(sess, `Invoke-CsUcsRollback "Ken Myer" -Confirm:$False`)
			Expect(asked).To(BeEmpty())
			Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreLync))
		})
		It("-PassThru outputs the user", func() {
			res := run(`Grant-CsUserServicesPolicy "Ken Myer" $Null -PassThru`)
			Expect(field(res, "SipAddress")).To(Equal(kenSIP))
		})
		It("-ErrorAction SilentlyContinue hides an error; Stop ends the line", func() {
			res, err := w.runIn(sess, `Get-CsUser Nobody -ErrorAction SilentlyContinue; Get-CsUser "Ken Myer"`)
			Expect(err).NotTo(HaveOccurred())
			Expect(names(res)).To(Equal([]string{"Ken Myer"}))
			res, err = w.runIn(sess, `Get-CsUser Nobody -ErrorAction Stop; Get-CsUser "Ken Myer"`)
			Expect(err).To(HaveOccurred())
			Expect(res.Records).To(BeEmpty())
		})
		It("-WarningAction SilentlyContinue hides a warning; Stop turns it into an error", func() {
			res := run(`Invoke-CsUcsRollback "Anne Wallace" -Confirm:$False -WarningAction SilentlyContinue`)
			Expect(res.Text).To(BeEmpty())
			_, err := w.runIn(sess, `Invoke-CsUcsRollback "Anne Wallace" -Confirm:$False -WarningAction Stop`)
			Expect(err).To(MatchError(ContainSubstring(`The running command stopped because the preference variable "WarningPreference" or common parameter is set to Stop`)))
		})
		It("refuses an -ErrorAction that is not an ActionPreference", func() {
			_, err := w.runIn(sess, `Get-CsUser -ErrorAction Maybe`)
			Expect(err).To(MatchError(ContainSubstring("Specify one of the following enumerator names and try again: SilentlyContinue, Stop, Continue, Inquire, Ignore, Suspend")))
		})
		It("accepts -DomainController and -Verbose", func() {
			res := run(`Grant-CsUserServicesPolicy "Ken Myer" $Null -DomainController atl-dc-001.litwareinc.com -Verbose`)
			Expect(res.Verbose).To(BeTrue())
		})
	})

	Describe("errors as PowerShell prints them", func() {
		It("underlines the command of a runtime error and names its category", func() {
			line := `Get-CsUser "Nobody"`
			_, err := w.runIn(sess, line)
			var ce *engine.CmdletError
			Expect(err).To(BeAssignableToTypeOf(ce))
			ce = err.(*engine.CmdletError)
			Expect(ce.Format(line)).To(Equal(`Get-CsUser : Management object not found for identity "Nobody".` + "\n" +
				"At line:1 char:1\n+ " + line + "\n+ ~~~~~~~~~~~~~~~~~~~\n" +
				"    + CategoryInfo          : InvalidData: (Nobody:UserIdParameter) [Get-CsUser], ManagementException\n" +
				"    + FullyQualifiedErrorId : Identity,Microsoft.Rtc.Management.AD.Cmdlets.GetOcsUserCmdlet\n"))
		})
		It("underlines the parameter of a binding error", func() {
			line := `Get-CsUser | Invoke-CsUcsRollback -Frce`
			_, err := w.runIn(sess, line)
			Expect(err.(*engine.CmdletError).Format(line)).To(HavePrefix("Invoke-CsUcsRollback : A parameter cannot be found that matches parameter name 'Frce'.\n" +
				"At line:1 char:35\n+ " + line + "\n+                                   ~~~~~\n" +
				"    + CategoryInfo          : InvalidArgument: (:) [Invoke-CsUcsRollback], ParameterBindingException\n"))
		})
	})

	Describe("Test-CsUnifiedContactStore's parameter sets", func() {
		It("needs a user when no health monitoring test users exist", func() {
			_, err := w.runIn(sess, `Test-CsUnifiedContactStore -TargetFqdn atl-cs-001.litwareinc.com`)
			Expect(err).To(MatchError(ContainSubstring("No health monitoring test users are configured for atl-cs-001.litwareinc.com")))
		})
		It("needs -UserSipAddress with -UserCredential", func() {
			run(`$c = Get-Credential litwareinc\kenmyer`)
			_, err := w.runIn(sess, `Test-CsUnifiedContactStore -UserCredential $c`)
			Expect(err).To(MatchError(ContainSubstring("missing mandatory parameters: UserSipAddress")))
		})
		It("checks -Authentication's values and fails on a wrong -RegistrarPort", func() {
			_, err := w.runIn(sess, `Test-CsUnifiedContactStore -UserSipAddress sip:kenmyer@litwareinc.com -Authentication Kerberos`)
			Expect(err).To(MatchError(ContainSubstring("TrustedServer, Negotiate, ClientCertificate, LiveID")))
			res := run(`Test-CsUnifiedContactStore -UserSipAddress sip:kenmyer@litwareinc.com -Authentication Negotiate -RegistrarPort 5062`)
			Expect(field(res, "Result")).To(Equal("Failure"))
			Expect(field(res, "Error Message")).To(ContainSubstring(":5062"))
		})
		It("tests through the user's own pool by default and fills -OutVerboseVariable", func() {
			res := run(`Test-CsUnifiedContactStore -UserSipAddress sip:kenmyer@litwareinc.com -OutVerboseVariable TestOutput`)
			Expect(field(res, "Target Fqdn")).To(Equal("atl-cs-001.litwareinc.com"))
			Expect(run(`$TestOutput`).Text).To(ContainSubstring("12 contacts received\nResult: Success\n"))
		})
	})

	Describe("Debug-CsUnifiedContactStore's parameter sets", func() {
		It("exports a migrated user's contacts, and refuses one who has not migrated", func() {
			res := run(`Debug-CsUnifiedContactStore -Identity "Ken Myer" -ContactDataExportFileName C:\Exports\KenMyer.xml`)
			Expect(res.Files).To(HaveLen(1))
			Expect(res.Files[0].Path).To(Equal(`C:\Exports\KenMyer.xml`))
			Expect(strings.Count(res.Files[0].Content, "<Contact ")).To(Equal(12))
			_, err := w.runIn(sess, `Debug-CsUnifiedContactStore -Identity "Anne Wallace" -ContactDataExportFileName x.xml`)
			Expect(err).To(MatchError(ContainSubstring("are not in the unified contact store: nothing was exported")))
		})
		It("refuses -ContactDataExportFileName with -PoolFqdn", func() {
			_, err := w.runIn(sess, `Debug-CsUnifiedContactStore -PoolFqdn atl-cs-001.litwareinc.com -ContactDataExportFileName x.xml`)
			Expect(err).To(MatchError(ContainSubstring("-ContactDataExportFileName goes with -Identity")))
		})
	})

	Describe("one truth", func() {
		It("a rollback that fails half-way ends its rollback.started with rollback.failed", func() {
			w.ex.SetFault(enginetest.Fault{Kind: engine.FaultDown})
			_, err := w.runIn(sess, `Invoke-CsUcsRollback "Ken Myer" -Confirm:$False`)
			Expect(err).To(HaveOccurred())
			Expect(w.count("rollback.started", kenSIP)).To(Equal(1))
			Expect(w.count("rollback.failed", kenSIP)).To(Equal(1))
			Expect(w.status("Ken Myer").ContactsIn).To(Equal(engine.StoreExchange))
		})
		It("Move-CsUser records the move and changes RegistrarPool", func() {
			run(`Move-CsUser "Anne Wallace" dal-cs-001.litwareinc.com -Confirm:$False`)
			ev := w.lastEvent("user.moved")
			Expect(ev.Details).To(HaveKeyWithValue("to", "dal-cs-001.litwareinc.com"))
			Expect(w.status("Anne Wallace").Pool).To(Equal("dal-cs-001.litwareinc.com"))
			Expect(field(run(`Get-CsUser "Anne Wallace"`), "RegistrarPool")).To(Equal("dal-cs-001.litwareinc.com"))
		})
	})

	Describe("help", func() {
		It("shows a cmdlet's documented syntax and examples", func() {
			res := run(`Get-Help Invoke-CsUcsRollback`)
			Expect(res.Text).To(ContainSubstring("NAME\n    Invoke-CsUcsRollback\n"))
			Expect(res.Text).To(ContainSubstring("Invoke-CsUcsRollback -Identity <UserIdParameter> [-Confirm [<SwitchParameter>]]"))
			Expect(res.Text).To(ContainSubstring(`get-help Invoke-CsUcsRollback -examples`))
			ex := run(`Get-Help Invoke-CsUcsRollback -Examples`).Text
			Expect(ex).To(ContainSubstring("-------------------------- EXAMPLE 2 --------------------------\n\n    C:\\PS>Get-CsUser -Filter {RegistrarPool -eq \"atl-cs-001.litwareinc.com\"} | Invoke-CsUcsRollback -Confirm:$False\n"))
			Expect(run(`Invoke-CsUcsRollback -?`).Text).To(Equal(res.Text))
		})
		It("-Full shows how each parameter binds", func() {
			Expect(run(`Get-Help Grant-CsUserServicesPolicy -Full`).Text).To(MatchRegexp(`-Identity <UserIdParameter>\n(.+\n)+\s+Required\?\s+true\n\s+Position\?\s+1\n\s+Accept pipeline input\?\s+true \(ByValue, ByPropertyName\)`))
		})
		It("Get-Command lists the cmdlets and the aliases asked for", func() {
			res := run(`Get-Command *UserServices*`)
			Expect(names2(res, "Name")).To(Equal([]string{"Get-CsUserServicesPolicy", "Grant-CsUserServicesPolicy", "New-CsUserServicesPolicy",
				"Remove-CsUserServicesPolicy", "Set-CsUserServicesPolicy"}))
			Expect(names2(run(`gcm ft`), "Name")).To(Equal([]string{"ft -> Format-Table"}))
		})
	})
})

func names2(res *engine.Result, prop string) []string {
	var out []string
	for _, r := range res.Records {
		v, _ := r.Get(prop)
		out = append(out, v)
	}
	return out
}
