package pwsh

import "strings"

// Command is one parsed line: a cmdlet name and its arguments in the order typed.
type Command struct {
	Name    string // as typed, e.g. "Grant-CsUserServicesPolicy"
	NameCol int    // 1-based column of the name
	Args    []Arg
	EndCol  int // the column just past the last character of the line (where a missing argument would go)
}

// Arg is one argument. A parameter followed by a value (-Name value) carries that value even when
// the parameter turns out to be a switch; Bind then treats the value as positional, as PowerShell does.
type Arg struct {
	Name  string // parameter name as typed, without the dash ("" for a positional value)
	Value *Value // nil for a bare switch (-Force)
	Col   int    // 1-based column of the argument (its dash, or the value for a positional)
	Colon bool   // written -Name:value
}

// isCmdletName: Verb-Noun, ASCII letters, the noun may hold digits after its first letter.
func isCmdletName(s string) bool {
	dash := strings.IndexByte(s, '-')
	if dash <= 0 || dash+1 >= len(s) || !isASCIILetter(s[dash+1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i != dash && !isASCIILetter(c) && !(i > dash && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// Parse reads a line that holds exactly one cmdlet (no pipeline, no ';', no assignment): the form
// a scenario's single-command checks and older callers want. Errors are *Error.
func Parse(line string) (*Command, error) {
	sc, err := parseScript(line)
	if err != nil {
		return nil, err
	}
	st := sc.Statements[0]
	if el := st.Elements[0]; el.Expr != nil {
		found := "a quoted or escaped string"
		switch el.Expr.Kind {
		case Bool, Null, Number, List, ScriptBlock:
			found = "the value " + el.Expr.String()
		case Variable:
			found = "the variable " + el.Expr.String()
		}
		return nil, errAt(el.Col, CodeNotCmdlet, "expected a cmdlet name in Verb-Noun form such as Get-CsUserServicesPolicy, found %s", found)
	}
	if len(sc.Statements) != 1 || st.Assign != "" || len(st.Elements) != 1 {
		return nil, errAt(st.Col, CodeUnsupported, "expected one cmdlet: this line holds a pipeline, several statements or an assignment")
	}
	return sc.Statements[0].Elements[0].Cmd, nil
}

func checkCmdletName(t *token) *Error {
	found := ""
	switch {
	case t.op != 0:
		return errAt(t.col, CodeSyntax, "An empty pipe element is not allowed.")
	case t.param != "":
		found = "a parameter (-" + t.param + ")"
	case t.value.Kind == Bool || t.value.Kind == Null:
		found = "the value " + t.value.String()
	case t.bare == "":
		found = "a quoted or escaped string"
	case isCmdletName(t.bare), isAliasName(t.bare):
		return nil
	case strings.ContainsAny(t.bare, "\u2013\u2014\u2015"):
		return errAt(t.col, CodeNotCmdlet,
			"expected a cmdlet name in Verb-Noun form, found %q: it contains a typographic dash; type '-' between verb and noun", t.bare)
	default:
		found = "\"" + t.bare + "\""
	}
	return errAt(t.col, CodeNotCmdlet,
		"expected a cmdlet name in Verb-Noun form such as Get-CsUserServicesPolicy, found %s", found)
}

// String formats the command in canonical form: the name as typed, "-Name value" or
// "-Name:value", values bare when that reads back the same and quoted otherwise. Parsing the result
// gives the same command (columns aside).
func (c *Command) String() string {
	if c == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(c.Name)
	for _, a := range c.Args {
		b.WriteByte(' ')
		if a.Name != "" {
			b.WriteByte('-')
			b.WriteString(a.Name)
			if a.Value == nil {
				continue
			}
			if a.Colon {
				b.WriteByte(':')
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(a.Value.String())
	}
	return b.String()
}

// Is reports whether the command's name is name (case-insensitive, as PowerShell compares them).
func (c *Command) Is(name string) bool { return c != nil && strings.EqualFold(c.Name, name) }

// isAliasName: a bare command word that is not Verb-Noun (fl, ft, select, where, ?, gcm, help...):
// letters, digits and '?' / '%'; Resolve decides whether it names a command.
func isAliasName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isASCIILetter(c) && !(c >= '0' && c <= '9') && c != '?' && c != '%' && c != '-' {
			return false
		}
	}
	return true
}
