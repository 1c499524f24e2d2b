package engine

// The help of the Lync Server cmdlets: descriptions in the project's words; syntax lines and
// example commands as Microsoft documents them (Lync Server 2013 cmdlet reference).

const seeAlsoPolicies = "Get-CsUserServicesPolicy, New-CsUserServicesPolicy, Set-CsUserServicesPolicy, Grant-CsUserServicesPolicy, Remove-CsUserServicesPolicy"

var helpNewPolicy = &cmdletHelp{
	Synopsis: "Creates a user services policy at the site, service (UserServer) or per-user scope.",
	Description: "A user services policy has one setting that matters here, UcsAllowed. When a user's effective policy has " +
		"UcsAllowed True (the default of a new policy), the user's contacts move to the unified contact store in Exchange 2013 " +
		"at the next sign-in with Lync 2013. A policy never moves contacts by itself.",
	Syntax: []string{`New-CsUserServicesPolicy -Identity <XdsIdentity> [-Confirm [<SwitchParameter>]] [-Force <SwitchParameter>] [-InMemory <SwitchParameter>] [-Tenant <Guid>] [-UcsAllowed <$true | $false>] [-WhatIf [<SwitchParameter>]]`},
	Examples: []helpExample{
		{`New-CsUserServicesPolicy -Identity "site:Redmond" -UcsAllowed $False`, "Creates a policy for the Redmond site that keeps its users' contacts out of the unified contact store."},
		{`New-CsUserServicesPolicy -Identity "AllowUnifiedContactStore" -UcsAllowed $True`, "Creates a per-user policy that allows the unified contact store (the seed document's first policy)."},
		{`New-CsUserServicesPolicy -Identity NoUnifiedContactStore -UcsAllowed $False`, "Creates a per-user policy that does not allow it (the seed document's rollback policy)."},
	},
	Inputs: "None.", Outputs: "The new UserServicesPolicy object.", Related: []string{seeAlsoPolicies},
}

var helpSetPolicy = &cmdletHelp{
	Synopsis: "Changes a user services policy (without -Identity: the global policy).",
	Description: "Set-CsUserServicesPolicy turns UcsAllowed on or off. Turning it off stops new migrations but leaves users " +
		"already in the unified contact store there: roll them back with Invoke-CsUcsRollback.",
	Syntax: []string{`Set-CsUserServicesPolicy [-Identity <XdsIdentity>] <COMMON PARAMETERS>`, `Set-CsUserServicesPolicy [-Instance <PSObject>] <COMMON PARAMETERS>`,
		`COMMON PARAMETERS: [-Confirm [<SwitchParameter>]] [-Force <SwitchParameter>] [-Tenant <Guid>] [-UcsAllowed <$true | $false>] [-WhatIf [<SwitchParameter>]]`},
	Examples: []helpExample{
		{`Set-CsUserServicesPolicy -Identity "RedmondUserServicesPolicy" -UcsAllowed $False`, "Stops new migrations for the users of the per-user policy RedmondUserServicesPolicy."},
		{`Get-CsUserServicesPolicy -Filter "site:*" | Set-CsUserServicesPolicy -UcsAllowed $False`, "Does the same for every site policy: the policies flow through the pipeline."},
		{`Set-CsUserServicesPolicy -Identity global -UcsAllowed $False`, "Keeps everybody out of the unified contact store unless a policy closer to the user allows it (the seed document's first step)."},
	},
	Inputs: "UserServicesPolicy objects (by value, to -Instance; by property name, Identity).", Outputs: "None.", Related: []string{seeAlsoPolicies},
}

var helpGetPolicy = &cmdletHelp{
	Synopsis:    "Lists user services policies.",
	Description: "Without parameters every policy is listed: global first, then sites, services and per-user (Tag:) policies.",
	Syntax: []string{`Get-CsUserServicesPolicy [-Identity <XdsIdentity>] <COMMON PARAMETERS>`, `Get-CsUserServicesPolicy [-Filter <String>] <COMMON PARAMETERS>`,
		`COMMON PARAMETERS: [-LocalStore <SwitchParameter>] [-Tenant <Guid>]`},
	Examples: []helpExample{
		{`Get-CsUserServicesPolicy`, "Lists every user services policy."},
		{`Get-CsUserServicesPolicy -Identity "site:Redmond"`, "Shows the Redmond site's policy."},
		{`Get-CsUserServicesPolicy -Filter "site:*"`, "Lists the site policies."},
		{`Get-CsUserServicesPolicy | Where-Object {$_.UcsAllowed -eq $False}`, "Lists the policies that do not allow the unified contact store."},
	},
	Inputs: "None.", Outputs: "UserServicesPolicy objects (Identity, UcsAllowed).", Related: []string{seeAlsoPolicies},
}

var helpRemovePolicy = &cmdletHelp{
	Synopsis: "Deletes a user services policy (the global policy is reset to its defaults instead).",
	Description: "Users granted a deleted per-user policy fall back to their service, site or global policy; " +
		"nobody's contacts move until their next check.",
	Syntax: []string{`Remove-CsUserServicesPolicy -Identity <XdsIdentity> [-Confirm [<SwitchParameter>]] [-Force <SwitchParameter>] [-Tenant <Guid>] [-WhatIf [<SwitchParameter>]]`},
	Examples: []helpExample{
		{`Remove-CsUserServicesPolicy -Identity "RedmondUserServicesPolicy"`, "Deletes the per-user policy RedmondUserServicesPolicy."},
		{`Get-CsUserServicesPolicy -Filter "site:*" | Remove-CsUserServicesPolicy`, "Deletes every site policy."},
		{`Get-CsUserServicesPolicy | Where-Object {$_.UcsAllowed -eq $True} | Remove-CsUserServicesPolicy`, "Deletes every policy that allows the unified contact store (global is reset rather than deleted)."},
	},
	Inputs: "UserServicesPolicy objects.", Outputs: "None.", Related: []string{seeAlsoPolicies},
}

var helpGrantPolicy = &cmdletHelp{
	Synopsis: "Assigns a per-user user services policy to users (or, with $Null, unassigns it).",
	Description: "The per-user policy wins over the service, site and global policies. Granting decides what happens at the user's " +
		"next check; it moves no contacts itself.",
	Syntax: []string{`Grant-CsUserServicesPolicy -Identity <UserIdParameter> [-Confirm [<SwitchParameter>]] [-DomainController <Fqdn>] [-PassThru <SwitchParameter>] [-PolicyName <String>] [-WhatIf [<SwitchParameter>]]`},
	Examples: []helpExample{
		{`Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName "RedmondUserServicesPolicy"`, "Assigns RedmondUserServicesPolicy to Ken Myer."},
		{`Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName $Null`, "Unassigns Ken Myer's per-user policy: his site or global policy applies again."},
		{`Get-CsUser -Filter {RegistrarPool -eq "atl-cs-001.litwareinc.com"} | Grant-CsUserServicesPolicy -PolicyName "RedmondUserServicesPolicy"`, "Assigns the policy to every user homed on atl-cs-001.litwareinc.com."},
	},
	Inputs: "User objects (from Get-CsUser) or identity strings.", Outputs: "With -PassThru, the user objects.", Related: []string{seeAlsoPolicies},
}

var helpRollback = &cmdletHelp{
	Synopsis: "Moves a user's contacts out of the unified contact store (Exchange 2013) back into Lync Server 2013.",
	Description: "The rollback runs at once. It does not change the user's policy: if the effective policy still allows the " +
		"unified contact store, the contacts migrate again automatically when the 7-day hold that the rollback starts ends. " +
		"To keep a user out for good, give the user a policy with UcsAllowed False as well. The cmdlet asks for confirmation " +
		"unless -Confirm:$False.",
	Syntax: []string{`Invoke-CsUcsRollback -Identity <UserIdParameter> [-Confirm [<SwitchParameter>]] [-DomainController <Fqdn>] [-Force <SwitchParameter>] [-PassThru <SwitchParameter>] [-WhatIf [<SwitchParameter>]]`},
	Examples: []helpExample{
		{`Invoke-CsUcsRollback -Identity "Ken Myer"`, "Rolls Ken Myer's contacts back into Lync Server, after asking."},
		{`Get-CsUser -Filter {RegistrarPool -eq "atl-cs-001.litwareinc.com"} | Invoke-CsUcsRollback -Confirm:$False`, "Rolls back every user homed on atl-cs-001.litwareinc.com without asking."},
	},
	Inputs: "User objects (from Get-CsUser) or identity strings.", Outputs: "None (with -PassThru, the user objects).",
	Related: []string{"Test-CsUnifiedContactStore, Debug-CsUnifiedContactStore, Set-CsUserServicesPolicy"},
}

var helpTest = &cmdletHelp{
	Synopsis: "Checks that a user's contacts can be read from the unified contact store.",
	Description: "The test signs the user in through the pool and reads the contact list from Exchange. It fails when the user " +
		"has not migrated, when the list cannot be read, and when a migrated user has no contacts (\"No contacts were " +
		"received for the user. Verify that contacts exist for the user.\").",
	Syntax: []string{
		`Test-CsUnifiedContactStore -UserCredential <PSCredential> -UserSipAddress <String> [-Authentication <TrustedServer | Negotiate | ClientCertificate | LiveID>] [-RegistrarPort <Int32>] [-TargetFqdn <String>] <COMMON PARAMETERS>`,
		`Test-CsUnifiedContactStore -TargetFqdn <String> [-Authentication <TrustedServer | Negotiate | ClientCertificate | LiveID>] [-RegistrarPort <Int32>] [-UserSipAddress <String>] <COMMON PARAMETERS>`,
		`Test-CsUnifiedContactStore [-Authentication <TrustedServer | Negotiate | ClientCertificate | LiveID>] <COMMON PARAMETERS>`,
		`COMMON PARAMETERS: [-Force <SwitchParameter>] [-OutLoggerVariable <String>] [-OutVerboseVariable <String>]`},
	Examples: []helpExample{
		{`$credential = Get-Credential "litwareinc\kenmyer"`, "Creates a credential object for Ken Myer (first command of the documented example)."},
		{`Test-CsUnifiedContactStore -TargetFqdn "atl-cs-001.litwareinc.com" -UserSipAddress "sip:kenmyer@litwareinc.com" -UserCredential $credential`, "Tests Ken Myer's unified contact store access through atl-cs-001.litwareinc.com."},
		{`Test-CsUnifiedContactStore -UserSipAddress "sip:kenmyer@litwareinc.com" -TargetFqdn "atl-cs-001.litwareinc.com"`, "The seed document's check that Ken Myer's contacts have migrated."},
	},
	Inputs: "None.", Outputs: "A test result: Target Fqdn, Result, Latency, Error Message, Diagnosis.",
	Related: []string{"Invoke-CsUcsRollback, Debug-CsUnifiedContactStore"},
}

var helpDebug = &cmdletHelp{
	Synopsis: "Shows whether a user's contacts (or those of a pool's users) are in the unified contact store.",
	Description: "For a user: the state, where the contacts are, the migration attempts and the last attempt's time, the rollback " +
		"hold and the effective policy. For a pool: how many of its users are UcsDisabled, UcsAllowed, UcsMigrating and " +
		"UcsMigrated, and the users whose migration failed (FailedUserData).",
	Syntax: []string{`Debug-CsUnifiedContactStore -Identity <UserIdParameter> [-ContactDataExportFileName <String>] <COMMON PARAMETERS>`,
		`Debug-CsUnifiedContactStore -PoolFqdn <Fqdn> <COMMON PARAMETERS>`, `COMMON PARAMETERS: [-Force <SwitchParameter>]`},
	Examples: []helpExample{
		{`Debug-CsUnifiedContactStore -PoolFqdn "atl-cs-001.litwareinc.com"`, "Counts the users of atl-cs-001.litwareinc.com by unified contact store state."},
		{`Debug-CsUnifiedContactStore -Identity "kenmyer@litwareinc.com"`, "Shows Ken Myer's unified contact store status."},
	},
	Inputs: "None.", Outputs: "A user's or a pool's unified contact store data.", Related: []string{"Test-CsUnifiedContactStore"},
}

var helpMove = &cmdletHelp{
	Synopsis: "Moves user accounts to another registrar pool.",
	Description: "The user's RegistrarPool changes and a user.moved event is recorded. Moving a user whose contacts are in the " +
		"unified contact store to a Lync Server 2010 pool rolls the contacts back into Lync Server first (the policy is " +
		"unchanged and the 7-day hold starts). The cmdlet asks for confirmation unless -Confirm:$False.",
	Syntax: []string{`Move-CsUser -Identity <UserIdParameter> -Target <Fqdn> [-Confirm [<SwitchParameter>]] [-Credential <PSCredential>] [-DomainController <Fqdn>] [-Force <SwitchParameter>] [-HostedMigrationOverrideUrl <String>] [-IgnoreBackendStoreException <SwitchParameter>] [-MoveConferenceData <SwitchParameter>] [-PassThru <SwitchParameter>] [-ProxyPool <Fqdn>] [-WhatIf [<SwitchParameter>]]`},
	Examples: []helpExample{
		{`Move-CsUser -Identity "Pilar Ackerman" -Target "atl-cs-001.litwareinc.com"`, "Moves Pilar Ackerman to atl-cs-001.litwareinc.com."},
		{`Get-CsUser -OU "ou=Finance,dc=litwareinc,dc=com" | Move-CsUser -Target "atl-cs-001.litwareinc.com"`, "Moves every user of the Finance organizational unit."},
		{`Move-CsUser -Identity "Pilar Ackerman" -Target "atl-cs-001.litwareinc.com" -Force`, "Moves Pilar Ackerman even if her user data cannot be moved."},
		{`Get-CsUser "Ken Myer" | Move-CsUser -Target "lync2010.litwareinc.com" -Confirm:$False`, "Moves Ken Myer to the Lync Server 2010 pool of the default shell world: a migrated Ken is rolled back automatically."},
	},
	Inputs: "User objects (from Get-CsUser) or identity strings.", Outputs: "None (with -PassThru, the user objects).", Related: []string{"Get-CsUser"},
}

var helpGetUser = &cmdletHelp{
	Synopsis: "Lists the users enabled for Lync Server, with their Lync properties.",
	Description: "Get-CsUser returns user objects that other cmdlets take from the pipeline (Grant-CsUserServicesPolicy, " +
		"Invoke-CsUcsRollback, Move-CsUser). -Filter selects users by their Lync properties (RegistrarPool, " +
		"UserServicesPolicy, DisplayName, SipAddress, ...), -LdapFilter by directory attributes.",
	Syntax: []string{`Get-CsUser [-Identity <UserIdParameter>] [-Credential <PSCredential>] [-DomainController <Fqdn>] [-Filter <String>] [-LdapFilter <String>] [-OnLyncServer <SwitchParameter>] [-OnOfficeCommunicationServer <SwitchParameter>] [-OU <OUIdParameter>] [-ResultSize <Unlimited>] [-UnassignedUser <SwitchParameter>]`},
	Examples: []helpExample{
		{`Get-CsUser`, "Lists every user."},
		{`Get-CsUser | Format-Table -Property DisplayName, SipAddress, EnterpriseVoiceEnabled -AutoSize`, "Lists every user as a table of three columns."},
		{`Get-CsUser -Identity "Pilar Ackerman"`, "Shows Pilar Ackerman."},
		{`Get-CsUser -Identity "Pilar*"`, "Shows the users whose display name starts with Pilar."},
		{`Get-CsUser -Filter {VoicePolicy -eq $Null}`, "Lists the users without a per-user voice policy (all of them, in the simulator)."},
		{`Get-CsUser -LdapFilter "Department=Finance"`, "Lists the users of the Finance department (none in the simulator's directory)."},
		{`Get-CsUser -LdapFilter "&(Department=Finance)(Title=Manager)"`, "Lists the Finance managers."},
		{`Get-CsUser -LdapFilter "|(Title=Supervisor)(Title=Manager)"`, "Lists the supervisors and the managers."},
		{`Get-CsUser -OU "ou=Finance,ou=North America,dc=litwareinc,dc=com"`, "Lists the users of an organizational unit (the simulator's users are in cn=Users)."},
		{`Get-CsUser -UnassignedUser`, "Lists the users not assigned to a registrar pool."},
	},
	Inputs: "Identity strings.", Outputs: "User objects (Microsoft.Rtc.Management.ADConnect.Schema.OCSADUser).", Related: []string{"Move-CsUser, Grant-CsUserServicesPolicy, Invoke-CsUcsRollback"},
}
