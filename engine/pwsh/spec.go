package pwsh

import (
	"fmt"
	"strings"
)

// ParamKind is the .NET type of a parameter, as far as binding cares.
type ParamKind int

// Parameter kinds.
const (
	StringParam ParamKind = iota // takes a value; numbers and $True/$False convert to text
	BoolParam                    // takes $True/$False or a number (0 is False)
	SwitchParam                  // present or not; -Name:$False turns it off; never positional
	ListParam                    // one value or several (a, b, c): Format-Table -Property
	ScriptParam                  // a script block {...}: Where-Object -FilterScript
)

func (k ParamKind) String() string {
	switch k {
	case StringParam:
		return "String"
	case BoolParam:
		return "Boolean"
	case SwitchParam:
		return "SwitchParameter"
	case ListParam:
		return "Object[]"
	case ScriptParam:
		return "ScriptBlock"
	}
	return fmt.Sprintf("ParamKind(%d)", int(k))
}

// Spec describes a cmdlet's parameters.
type Spec struct {
	Name   string // e.g. "Grant-CsUserServicesPolicy"
	Params []ParamSpec
}

// ParamSpec describes one parameter.
type ParamSpec struct {
	Name      string    // canonical, e.g. "Identity"
	Kind      ParamKind // StringParam, BoolParam, SwitchParam
	Position  int       // 0 = first positional; -1 = named only (ignored for switches)
	Mandatory bool
	AllowNull bool // e.g. Grant-... -PolicyName $Null
	Aliases   []string
	// FromPipeline: an input object binds here by value (a user object, or a string, to -Identity).
	FromPipeline bool
	// FromPipelineByName: an input object's property of the same name (or alias) binds here.
	FromPipelineByName bool
	// Type is the .NET type help shows (UserIdParameter, Fqdn, XdsIdentity); "" derives it from Kind.
	Type string
	// Values lists the accepted values of an enumeration (TrustedServer, Negotiate, ...).
	Values []string
	// PipelineKinds are the Object kinds ("user", "policy") a FromPipeline parameter takes by value.
	PipelineKinds []string
	// Help describes the parameter for Get-Help.
	Help string
}

// Validate reports an inconsistent Spec: empty or duplicate names and aliases (case-insensitive),
// two non-switch parameters at the same Position, a Position below -1, an unknown Kind.
func (s Spec) Validate() error {
	if err := s.validate(); err != nil {
		return err
	}
	return nil
}

func (s Spec) validate() *Error {
	bad := func(format string, args ...any) *Error {
		return &Error{Code: CodeBadSpec, Msg: fmt.Sprintf("cmdlet spec %q: ", s.Name) + fmt.Sprintf(format, args...)}
	}
	names := map[string]string{}
	positions := map[int]string{}
	for _, p := range s.Params {
		if p.Name == "" || !validParamName(p.Name) {
			return bad("parameter name %q is not a valid name", p.Name)
		}
		if p.Kind < StringParam || p.Kind > ScriptParam {
			return bad("parameter %s has an unknown kind %d", p.Name, int(p.Kind))
		}
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			if !validParamName(n) {
				return bad("alias %q of parameter %s is not a valid name", n, p.Name)
			}
			key := strings.ToLower(n)
			if other, dup := names[key]; dup {
				return bad("the name %s is used by both %s and %s", n, other, p.Name)
			}
			names[key] = p.Name
		}
		if p.Position < -1 {
			return bad("parameter %s has position %d (use -1 for named only)", p.Name, p.Position)
		}
		if p.Kind != SwitchParam && p.Position >= 0 {
			if other, dup := positions[p.Position]; dup {
				return bad("parameters %s and %s both have position %d", other, p.Name, p.Position)
			}
			positions[p.Position] = p.Name
		}
	}
	return nil
}

func validParamName(n string) bool {
	for i, r := range n {
		if (i == 0 && !isParamStart(r)) || !isParamChar(r) {
			return false
		}
	}
	return n != ""
}

// lookup finds the parameter a typed name means: an exact name or alias (any case), else the one
// parameter whose name or alias starts with it.
func (s Spec) lookup(typed string, col int) (*ParamSpec, *Error) {
	for i := range s.Params {
		p := &s.Params[i]
		if strings.EqualFold(p.Name, typed) {
			return p, nil
		}
		for _, a := range p.Aliases {
			if strings.EqualFold(a, typed) {
				return p, nil
			}
		}
	}
	lt := strings.ToLower(typed)
	var matches []*ParamSpec
	for i := range s.Params {
		p := &s.Params[i]
		if strings.HasPrefix(strings.ToLower(p.Name), lt) {
			matches = append(matches, p)
			continue
		}
		for _, a := range p.Aliases {
			if strings.HasPrefix(strings.ToLower(a), lt) {
				matches = append(matches, p)
				break
			}
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return nil, paramErr(col, typed, CodeUnknownParameter,
			"A parameter cannot be found that matches parameter name '%s'.", typed)
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = "-" + m.Name
	}
	return nil, paramErr(col, typed, CodeAmbiguousParameter,
		"Parameter cannot be processed because the parameter name '%s' is ambiguous. Possible matches include: %s.",
		typed, strings.Join(names, " "))
}

// Resolve finds the spec for cmd's name (case-insensitive). An unknown name is an *Error with
// CodeUnknownCmdlet in PowerShell's words, suggesting a close name when there is one.
func Resolve(cmd *Command, specs []Spec) (Spec, error) {
	if cmd == nil {
		return Spec{}, &Error{Code: CodeBadSpec, Msg: "no command"}
	}
	for _, s := range specs {
		if strings.EqualFold(s.Name, cmd.Name) {
			return s, nil
		}
	}
	msg := fmt.Sprintf("The term '%s' is not recognized as the name of a cmdlet.", cmd.Name)
	if near := closest(cmd.Name, specs); near != "" {
		msg += " Did you mean " + near + "?"
	}
	return Spec{}, errAt(cmd.NameCol, CodeUnknownCmdlet, "%s", msg)
}

// closest returns the spec name within a small edit distance of name, if exactly one is nearest.
func closest(name string, specs []Spec) string {
	best, bestD, tie := "", 4, false
	for _, s := range specs {
		d := EditDistance(strings.ToLower(name), strings.ToLower(s.Name))
		switch {
		case d < bestD:
			best, bestD, tie = s.Name, d, false
		case d == bestD:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b over runes: what "did you mean"
// suggestions for cmdlet, parameter and shell verb names measure.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
