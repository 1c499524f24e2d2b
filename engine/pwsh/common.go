package pwsh

import "strings"

// CommonParameters are the parameters Windows PowerShell 3.0 (the Lync Server 2013 Management
// Shell's host) gives every cmdlet, with their aliases. They matter for prefix matching: in the
// product, -P on Grant-CsUserServicesPolicy is ambiguous because of -PassThru, -O because of
// -OutVariable and -OutBuffer. All are named only.
func CommonParameters() []ParamSpec {
	return []ParamSpec{
		{Name: "Verbose", Kind: SwitchParam, Position: -1, Aliases: []string{"vb"}},
		{Name: "Debug", Kind: SwitchParam, Position: -1, Aliases: []string{"db"}},
		{Name: "ErrorAction", Position: -1, Aliases: []string{"ea"}, Type: "System.Management.Automation.ActionPreference", Values: actionPreferences},
		{Name: "WarningAction", Position: -1, Aliases: []string{"wa"}, Type: "System.Management.Automation.ActionPreference", Values: actionPreferences},
		{Name: "ErrorVariable", Position: -1, Aliases: []string{"ev"}},
		{Name: "WarningVariable", Position: -1, Aliases: []string{"wv"}},
		{Name: "OutVariable", Position: -1, Aliases: []string{"ov"}},
		{Name: "OutBuffer", Position: -1, Aliases: []string{"ob"}},
	}
}

// actionPreferences are the values of -ErrorAction and -WarningAction (PowerShell 3.0 order).
var actionPreferences = []string{"SilentlyContinue", "Stop", "Continue", "Inquire", "Ignore", "Suspend"}

// ShouldProcessParameters are -WhatIf and -Confirm, which cmdlets that change state offer.
func ShouldProcessParameters() []ParamSpec {
	return []ParamSpec{
		{Name: "WhatIf", Kind: SwitchParam, Position: -1, Aliases: []string{"wi"}},
		{Name: "Confirm", Kind: SwitchParam, Position: -1, Aliases: []string{"cf"}},
	}
}

// WithCommon returns a copy of s with the common parameters appended, and -WhatIf/-Confirm when
// shouldProcess. When s already declares one of them by name, s's declaration is kept and only the
// standard aliases it lacks are added; a parameter whose name or alias s uses otherwise is left out.
func (s Spec) WithCommon(shouldProcess bool) Spec {
	out := Spec{Name: s.Name, Params: append([]ParamSpec(nil), s.Params...)}
	taken := map[string]bool{}
	for _, p := range out.Params {
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			taken[strings.ToLower(n)] = true
		}
	}
	extra := CommonParameters()
	if shouldProcess {
		extra = append(ShouldProcessParameters(), extra...)
	}
next:
	for _, p := range extra {
		for i := range out.Params {
			own := &out.Params[i]
			if !strings.EqualFold(own.Name, p.Name) {
				continue
			}
			own.Aliases = append([]string(nil), own.Aliases...)
			for _, a := range p.Aliases {
				if !taken[strings.ToLower(a)] {
					own.Aliases = append(own.Aliases, a)
					taken[strings.ToLower(a)] = true
				}
			}
			continue next
		}
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			if taken[strings.ToLower(n)] {
				continue next
			}
		}
		out.Params = append(out.Params, p)
	}
	return out
}
