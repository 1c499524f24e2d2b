package pwsh

import (
	"sort"
	"strconv"
	"strings"
)

// Bind matches a parsed command's arguments to a cmdlet's parameters as PowerShell does: named
// arguments first (exact name or alias, else an unambiguous prefix), then positional values in
// Position order, then the mandatory check. Errors are *Error; on error the Bound is nil.
func Bind(cmd *Command, spec Spec) (Bound, error) {
	b, err := bind(cmd, spec)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// BindPartial binds like Bind but leaves the mandatory check to CheckMandatory: a cmdlet fed by
// a pipeline gets some parameters from each input object (BindInput).
func BindPartial(cmd *Command, spec Spec) (Bound, error) {
	b, err := bindArgs(cmd, spec)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// CheckMandatory reports the first mandatory parameter of spec that b lacks; col is where the
// error points.
func CheckMandatory(b Bound, spec Spec, col int) error {
	if err := checkMandatory(b, spec, col); err != nil {
		return err
	}
	return nil
}

// BindInput binds a pipeline input object to the parameters not bound yet, as PowerShell does: by
// value first (a parameter with FromPipeline takes a string, or an *Object of one of its
// PipelineKinds, as its text), then by property name (a parameter with FromPipelineByName takes
// the object's property of the same name or alias). It returns a copy of b; an input that binds
// nowhere is a CodeInputNotBound error.
func BindInput(b Bound, spec Spec, input any) (Bound, error) {
	out := Bound{}
	for k, v := range b {
		out[k] = v
	}
	bound := false
	obj, isObj := input.(*Object)
	for i := range spec.Params {
		p := &spec.Params[i]
		if _, done := out[p.Name]; done || !p.FromPipeline {
			continue
		}
		switch {
		case isObj && kindAccepted(p, obj.Kind):
			out[p.Name] = &Value{Kind: String, Str: obj.String()}
			bound = true
		case !isObj && input != nil:
			v, err := convert(scalarValue(input), p)
			if err != nil {
				return nil, err
			}
			out[p.Name] = v
			bound = true
		}
		if bound {
			break
		}
	}
	if isObj {
		for i := range spec.Params {
			p := &spec.Params[i]
			if _, done := out[p.Name]; done || !p.FromPipelineByName {
				continue
			}
			for _, n := range append([]string{p.Name}, p.Aliases...) {
				pv, ok := obj.Get(n)
				if !ok {
					continue
				}
				v, err := convert(scalarValue(pv), p)
				if err != nil {
					return nil, err
				}
				out[p.Name] = v
				bound = true
				break
			}
		}
	}
	if !bound {
		return nil, &Error{Code: CodeInputNotBound, Msg: "The input object cannot be bound to any parameters for the command either because " +
			"the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input."}
	}
	return out, nil
}

func kindAccepted(p *ParamSpec, kind string) bool {
	for _, k := range p.PipelineKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// scalarValue turns a Go value from an object into a parser Value.
func scalarValue(v any) *Value {
	switch x := v.(type) {
	case nil:
		return &Value{Kind: Null}
	case bool:
		return boolValue(x, 0)
	case []any:
		items := make([]*Value, len(x))
		for i, it := range x {
			items[i] = scalarValue(it)
		}
		return &Value{Kind: List, Items: items}
	}
	return &Value{Kind: String, Str: Text(v)}
}

// ValueOf converts a variable's value to an argument Value at col: an object binds as its text
// (its Identity), a list as a List.
func ValueOf(v any, col int) *Value {
	out := scalarValue(v)
	out.Col = col
	for _, it := range out.Items {
		it.Col = col
	}
	return out
}

func bind(cmd *Command, spec Spec) (Bound, *Error) {
	b, err := bindArgs(cmd, spec)
	if err != nil {
		return nil, err
	}
	if err := checkMandatory(b, spec, cmd.EndCol); err != nil {
		return nil, err
	}
	return b, nil
}

func bindArgs(cmd *Command, spec Spec) (Bound, *Error) {
	if cmd == nil {
		return nil, &Error{Code: CodeBadSpec, Msg: "no command to bind"}
	}
	if err := spec.validate(); err != nil {
		return nil, err
	}
	if spec.Name != "" && !cmd.Is(spec.Name) {
		return nil, errAt(cmd.NameCol, CodeBadSpec, "cmdlet spec %q cannot bind %s", spec.Name, cmd.Name)
	}
	b := Bound{}
	var positional []*Value
	for _, a := range cmd.Args {
		if a.Name == "" {
			if a.Value != nil {
				positional = append(positional, a.Value)
			}
			continue
		}
		p, err := spec.lookup(a.Name, a.Col)
		if err != nil {
			return nil, err
		}
		if _, dup := b[p.Name]; dup {
			return nil, paramErr(a.Col, p.Name, CodeDuplicateParameter,
				"Cannot bind parameter because parameter '%s' is specified more than once.", p.Name)
		}
		if p.Kind == SwitchParam {
			v, err := switchValue(a, p)
			if err != nil {
				return nil, err
			}
			if a.Value != nil && !a.Colon {
				if k := a.Value.Kind; k == Bool || k == Null {
					return nil, paramErr(a.Value.Col, p.Name, CodeSwitchValue,
						"a switch takes its value after a colon: write -%s:%s", a.Name, a.Value)
				}
				positional = append(positional, a.Value)
			}
			b[p.Name] = v
			continue
		}
		if a.Value == nil {
			return nil, missingArgument(a.Col, p)
		}
		v, err := convert(a.Value, p)
		if err != nil {
			return nil, err
		}
		b[p.Name] = v
	}
	if err := bindPositional(b, positional, spec); err != nil {
		return nil, err
	}
	return b, nil
}

func missingArgument(col int, p *ParamSpec) *Error {
	if p.Kind == BoolParam {
		return paramErr(col, p.Name, CodeMissingArgument, "missing an argument: give $True or $False")
	}
	return paramErr(col, p.Name, CodeMissingArgument, "missing an argument")
}

func switchValue(a Arg, p *ParamSpec) (*Value, *Error) {
	if a.Value == nil || !a.Colon {
		return &Value{Kind: Bool, Bool: true, Str: "True", Col: a.Col}, nil
	}
	v := a.Value
	switch v.Kind {
	case Bool:
		return &Value{Kind: Bool, Bool: v.Bool, Str: v.Str, Col: v.Col}, nil
	case Null: // PowerShell converts $null to an absent switch
		return &Value{Kind: Bool, Str: "False", Col: v.Col}, nil
	case Number:
		return boolValue(!isZeroNumber(v.Str), v.Col), nil
	}
	return nil, paramErr(v.Col, p.Name, CodeConversion,
		"Cannot convert value \"%s\" to type System.Management.Automation.SwitchParameter. "+
			"Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.", v.Str)
}

func boolValue(t bool, col int) *Value {
	if t {
		return &Value{Kind: Bool, Bool: true, Str: "True", Col: col}
	}
	return &Value{Kind: Bool, Str: "False", Col: col}
}

// convert turns a value into the parameter's kind.
func convert(v *Value, p *ParamSpec) (*Value, *Error) {
	if v.Kind == Null {
		if !p.AllowNull {
			return nil, paramErr(v.Col, p.Name, CodeNullNotAllowed,
				"Cannot bind argument to parameter '%s' because it is null.", p.Name)
		}
		return &Value{Kind: Null, Col: v.Col}, nil
	}
	switch v.Kind {
	case Variable:
		return nil, paramErr(v.Col, p.Name, CodeUnsupported, "the variable %s was not replaced by its value before binding", v)
	case ScriptBlock:
		if p.Kind == StringParam || p.Kind == ScriptParam {
			return v, nil
		}
		return nil, paramErr(v.Col, p.Name, CodeConversion,
			"Cannot convert the \"{%s}\" value of type \"System.Management.Automation.ScriptBlock\" to type \"%s\".", v.Str, p.Kind)
	case List:
		if p.Kind == ListParam {
			return v, nil
		}
		return nil, paramErr(v.Col, p.Name, CodeConversion,
			"Cannot convert 'System.Object[]' to the type 'System.%s' required by parameter '%s'. Specified method is not supported.", p.Kind, p.Name)
	}
	if p.Kind == ScriptParam {
		return nil, paramErr(v.Col, p.Name, CodeConversion,
			"Cannot bind parameter '%s'. Cannot convert the \"%s\" value of type \"System.String\" to type \"System.Management.Automation.ScriptBlock\".", p.Name, v.Str)
	}
	if p.Kind == ListParam {
		one, err := convert(v, &ParamSpec{Name: p.Name, Kind: StringParam, AllowNull: p.AllowNull})
		if err != nil {
			return nil, err
		}
		return &Value{Kind: List, Items: []*Value{one}, Col: v.Col}, nil
	}
	if p.Kind == BoolParam {
		switch v.Kind {
		case Bool:
			return boolValue(v.Bool, v.Col), nil
		case Number:
			return boolValue(!isZeroNumber(v.Str), v.Col), nil
		}
		return nil, paramErr(v.Col, p.Name, CodeConversion,
			"Cannot convert value \"%s\" to type System.Boolean. "+
				"Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.", v.Str)
	}
	s := v.Str
	if v.Kind == Bool {
		s = map[bool]string{true: "True", false: "False"}[v.Bool]
	}
	if s == "" && p.Mandatory && !p.AllowNull {
		return nil, paramErr(v.Col, p.Name, CodeEmptyString,
			"Cannot bind argument to parameter '%s' because it is an empty string.", p.Name)
	}
	if len(p.Values) > 0 {
		for _, allowed := range p.Values {
			if strings.EqualFold(allowed, s) {
				return &Value{Kind: String, Str: allowed, Col: v.Col}, nil
			}
		}
		return nil, paramErr(v.Col, p.Name, CodeConversion,
			"Cannot convert value \"%s\" to type \"%s\". Error: \"Unable to match the identifier name %s to a valid enumerator name. "+
				"Specify one of the following enumerator names and try again: %s\"", s, p.Type, s, strings.Join(p.Values, ", "))
	}
	if p.Type == "Int32" {
		if n, err := strconv.Atoi(s); err != nil || n < 0 {
			return nil, paramErr(v.Col, p.Name, CodeConversion,
				"Cannot convert value \"%s\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"", s)
		}
	}
	return &Value{Kind: String, Str: s, Col: v.Col}, nil
}

// isZeroNumber reports whether a Number literal's value is zero (its digits, before any exponent,
// are all 0); PowerShell converts zero to False and anything else to True.
func isZeroNumber(s string) bool {
	s = strings.TrimLeft(s, "+-")
	if len(s) > 1 && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	} else if i := strings.IndexAny(s, "eE"); i >= 0 {
		s = s[:i]
	}
	return strings.Trim(s, "0.") == ""
}

// bindPositional binds values to the parameters not bound by name that take positions, lowest
// Position first.
func bindPositional(b Bound, values []*Value, spec Spec) *Error {
	var slots []*ParamSpec
	for i := range spec.Params {
		p := &spec.Params[i]
		if p.Kind == SwitchParam || p.Position < 0 {
			continue
		}
		if _, named := b[p.Name]; !named {
			slots = append(slots, p)
		}
	}
	sort.SliceStable(slots, func(i, j int) bool { return slots[i].Position < slots[j].Position })
	for i, v := range values {
		if i >= len(slots) {
			return errAt(v.Col, CodeTooManyPositional,
				"A positional parameter cannot be found that accepts argument '%s'.", v.String())
		}
		cv, err := convert(v, slots[i])
		if err != nil {
			return err
		}
		b[slots[i].Name] = cv
	}
	return nil
}

func checkMandatory(b Bound, spec Spec, endCol int) *Error {
	var missing []string
	for _, p := range spec.Params {
		if _, ok := b[p.Name]; p.Mandatory && !ok {
			missing = append(missing, p.Name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return paramErr(endCol, missing[0], CodeMissingMandatory,
		"Cannot process command because of one or more missing mandatory parameters: %s.", strings.Join(missing, " "))
}
