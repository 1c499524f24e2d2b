package pwsh

import (
	"fmt"
	"strings"
	"unicode"
)

// ValueKind is the type of a value as PowerShell's parser sees it.
type ValueKind int

// Value kinds. The zero ValueKind is not a valid kind.
const (
	String      ValueKind = iota + 1 // a bare word or a quoted string
	Bool                             // $True or $False (any case)
	Null                             // $Null (any case)
	Number                           // an unquoted numeric literal such as 0, 1, -5, 2.5, 0x1F (Str as typed)
	Variable                         // $name or $name.Prop.Prop (Str: the name, Members: the properties)
	ScriptBlock                      // {...} (Str: the text between the braces, Block: its filter)
	List                             // a, b, c (Items)
)

func (k ValueKind) String() string {
	switch k {
	case String:
		return "String"
	case Bool:
		return "Bool"
	case Null:
		return "Null"
	case Number:
		return "Number"
	case Variable:
		return "Variable"
	case ScriptBlock:
		return "ScriptBlock"
	case List:
		return "List"
	}
	return fmt.Sprintf("ValueKind(%d)", int(k))
}

// Value is one argument value.
type Value struct {
	Kind ValueKind
	Str  string // String: the text after quote and escape processing; Number: as typed; Bool: "True"/"False"; Null: ""
	Bool bool   // Bool: the value
	Col  int    // 1-based column where the value starts (its opening quote, if quoted)

	Members []string // Variable: the properties after the name ($u.SipAddress)
	Block   *Filter  // ScriptBlock: the parsed condition
	Items   []*Value // List: the elements
}

// String formats the value as it would be typed: bare when that reads back the same, otherwise
// quoted. Parse(v.String()) as an argument yields the same Kind and Str.
func (v *Value) String() string {
	if v == nil {
		return ""
	}
	switch v.Kind {
	case Bool:
		if v.Bool {
			return "$True"
		}
		return "$False"
	case Null:
		return "$Null"
	case Number:
		return v.Str
	case Variable:
		return "$" + v.Str + memberSuffix(v.Members)
	case ScriptBlock:
		return "{" + v.Str + "}"
	case List:
		parts := make([]string, len(v.Items))
		for i, it := range v.Items {
			parts[i] = it.String()
		}
		return strings.Join(parts, ", ")
	}
	return quote(v.Str)
}

// quote returns s as a PowerShell argument: bare if safe, else single-quoted, else (when s holds
// characters a line may not contain raw) double-quoted with backtick escapes.
func quote(s string) string {
	if isBareSafe(s) {
		return s
	}
	needsEscapes := false
	for _, r := range s {
		if lineForbidden(r) {
			needsEscapes = true
			break
		}
	}
	var b strings.Builder
	if !needsEscapes {
		b.WriteByte('\'')
		for _, r := range s {
			if isSingleQuote(r) {
				b.WriteRune(r)
			}
			b.WriteRune(r)
		}
		b.WriteByte('\'')
		return b.String()
	}
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case isDoubleQuote(r) || r == '`' || r == '$':
			b.WriteByte('`')
			b.WriteRune(r)
		case lineForbidden(r) || r == '\t':
			if e, ok := shortEscapes[r]; ok {
				b.WriteByte('`')
				b.WriteByte(e)
			} else {
				fmt.Fprintf(&b, "`u{%X}", r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// shortEscapes maps characters to their one-letter backtick escape (the reverse of escapeChars).
var shortEscapes = map[rune]byte{
	0: '0', '\a': 'a', '\b': 'b', 0x1b: 'e', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\v': 'v',
}

// isBareSafe reports whether s can be written without quotes and read back as the same String:
// it starts with an ASCII letter (so it is neither a number, a parameter nor a variable) and holds
// only characters that never end or alter a bare word.
func isBareSafe(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r < unicode.MaxASCII && unicode.IsLetter(r):
		case i == 0:
			return false
		case r >= '0' && r <= '9', strings.ContainsRune("-_.:@/\\=+~*?!%^[]", r):
		default:
			return false
		}
	}
	return true
}

func memberSuffix(m []string) string {
	if len(m) == 0 {
		return ""
	}
	return "." + strings.Join(m, ".")
}
