package pwsh

import "strings"

// Bound maps canonical parameter names to their values, converted to the parameter's kind:
// String (or Null) for StringParam, Bool (or Null) for BoolParam, Bool for SwitchParam (a switch
// that is present without a value is Bool true).
type Bound map[string]*Value

// get looks a parameter up by canonical name, falling back to a case-insensitive match.
func (b Bound) get(name string) *Value {
	if v, ok := b[name]; ok {
		return v
	}
	for k, v := range b {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// String returns a string parameter's value; false if absent or $Null.
func (b Bound) String(name string) (string, bool) {
	if v := b.get(name); v != nil && (v.Kind == String || v.Kind == ScriptBlock) {
		return v.Str, true
	}
	return "", false
}

// Value returns a parameter's bound value; nil if absent.
func (b Bound) Value(name string) *Value { return b.get(name) }

// List returns a list parameter's items as text; nil if absent.
func (b Bound) List(name string) []string {
	v := b.get(name)
	if v == nil {
		return nil
	}
	if v.Kind != List {
		return []string{v.Str}
	}
	out := make([]string, len(v.Items))
	for i, it := range v.Items {
		out[i] = it.Str
	}
	return out
}

// Bool returns a Boolean or switch parameter's value; false if absent or $Null.
func (b Bound) Bool(name string) (bool, bool) {
	if v := b.get(name); v != nil && v.Kind == Bool {
		return v.Bool, true
	}
	return false, false
}

// IsNull reports whether the parameter was given as $Null.
func (b Bound) IsNull(name string) bool {
	v := b.get(name)
	return v != nil && v.Kind == Null
}

// Has reports whether the parameter was given (by name or position), whatever its value.
func (b Bound) Has(name string) bool { return b.get(name) != nil }

// Col returns the column of the parameter's value (of the switch, for a bare switch); 0 if absent.
func (b Bound) Col(name string) int {
	if v := b.get(name); v != nil {
		return v.Col
	}
	return 0
}
