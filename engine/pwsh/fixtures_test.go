package pwsh_test

import (
	"github.com/ucssim/ucssim/engine/pwsh"
)

// Specs shaped like the Lync Server 2013 cmdlets the simulator offers (the engine owns the real
// ones); enough to exercise binding the way an administrator's lines need.
var (
	confirm = pwsh.ParamSpec{Name: "Confirm", Kind: pwsh.SwitchParam, Position: -1, Aliases: []string{"cf"}}
	whatIf  = pwsh.ParamSpec{Name: "WhatIf", Kind: pwsh.SwitchParam, Position: -1, Aliases: []string{"wi"}}
	force   = pwsh.ParamSpec{Name: "Force", Kind: pwsh.SwitchParam, Position: -1}

	setPolicy = pwsh.Spec{Name: "Set-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
		{Name: "Identity", Position: 0},
		{Name: "UcsAllowed", Kind: pwsh.BoolParam, Position: -1},
		force, whatIf, confirm,
	}}
	newPolicy = pwsh.Spec{Name: "New-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
		{Name: "Identity", Position: 0, Mandatory: true},
		{Name: "UcsAllowed", Kind: pwsh.BoolParam, Position: -1},
		{Name: "InMemory", Kind: pwsh.SwitchParam, Position: -1},
		force, whatIf, confirm,
	}}
	getPolicy = pwsh.Spec{Name: "Get-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
		{Name: "Identity", Position: 0},
		{Name: "Filter", Position: -1},
		{Name: "LocalStore", Kind: pwsh.SwitchParam, Position: -1},
	}}
	grantPolicy = pwsh.Spec{Name: "Grant-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
		{Name: "Identity", Position: 0, Mandatory: true},
		{Name: "PolicyName", Position: 1, Mandatory: true, AllowNull: true},
		{Name: "PassThru", Kind: pwsh.SwitchParam, Position: -1},
		whatIf, confirm,
	}}
	testUCS = pwsh.Spec{Name: "Test-CsUnifiedContactStore", Params: []pwsh.ParamSpec{
		{Name: "UserSipAddress", Position: -1, Mandatory: true},
		{Name: "TargetFqdn", Position: -1},
		{Name: "RegistrarPort", Position: -1},
	}}
	debugUCS = pwsh.Spec{Name: "Debug-CsUnifiedContactStore", Params: []pwsh.ParamSpec{
		{Name: "Identity", Position: 0},
		{Name: "PoolFqdn", Position: -1},
		{Name: "PolicyName", Position: -1},
	}}
	rollback = pwsh.Spec{Name: "Invoke-CsUcsRollback", Params: []pwsh.ParamSpec{
		{Name: "Identity", Position: 0, Mandatory: true},
		force, whatIf, confirm,
	}}

	allSpecs = []pwsh.Spec{setPolicy, newPolicy, getPolicy, grantPolicy, testUCS, debugUCS, rollback}
)

// run parses a line, finds its cmdlet and binds it: what the engine does with a shell line.
func run(line string) (pwsh.Bound, error) {
	cmd, err := pwsh.Parse(line)
	if err != nil {
		return nil, err
	}
	spec, err := pwsh.Resolve(cmd, allSpecs)
	if err != nil {
		return nil, err
	}
	return pwsh.Bind(cmd, spec)
}
