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

// Parse splits one line into a command name and its arguments (syntax only). One trailing "\n" or
// "\r\n" is ignored; a line break anywhere else is an error. Errors are *Error.
func Parse(line string) (*Command, error) {
	cmd, err := parse(line)
	if err != nil {
		return nil, err
	}
	return cmd, nil
}

func parse(line string) (*Command, *Error) {
	// A line read with its terminator (bufio.Reader.ReadString, a Windows console) is still one line.
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	src, err := decode(line)
	if err != nil {
		return nil, err
	}
	l := &lexer{src: src}
	first, err := l.next()
	if err != nil {
		return nil, err
	}
	if first == nil {
		return nil, errAt(1, CodeEmptyLine, "empty line: expected a cmdlet such as Get-CsUserServicesPolicy")
	}
	if err := checkCmdletName(first); err != nil {
		return nil, err
	}
	cmd := &Command{Name: first.bare, NameCol: first.col, EndCol: len(src) + 1}
	var open *Arg // a parameter without a value yet, which takes the next value token
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		if t == nil {
			break
		}
		switch {
		case t.param == "":
			if open != nil {
				open.Value = t.value
				open = nil
				continue
			}
			cmd.Args = append(cmd.Args, Arg{Value: t.value, Col: t.col})
		default:
			cmd.Args = append(cmd.Args, Arg{Name: t.param, Value: t.value, Col: t.col, Colon: t.colon})
			open = nil
			if !t.colon {
				open = &cmd.Args[len(cmd.Args)-1]
			}
		}
	}
	return cmd, nil
}

func checkCmdletName(t *token) *Error {
	found := ""
	switch {
	case t.param != "":
		found = "a parameter (-" + t.param + ")"
	case t.value.Kind == Bool || t.value.Kind == Null:
		found = "the value " + t.value.String()
	case t.bare == "":
		found = "a quoted or escaped string"
	case isCmdletName(t.bare):
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
