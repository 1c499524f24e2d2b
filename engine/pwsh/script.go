package pwsh

import "strings"

// Script is one line of input: statements separated by ';'.
type Script struct {
	Statements []*Statement
}

// Statement is a pipeline, optionally assigned to a variable ($u = Get-CsUser "Ken Myer").
type Statement struct {
	Assign    string // variable name without '$'; "" when the output is shown
	AssignCol int
	Elements  []*Element // the pipeline's elements, separated by '|'
	Col       int        // column of the statement's first character
	EndCol    int        // column just past its last character
}

// Element is one element of a pipeline: a command, or (first element only) an expression such as
// $u, $u.SipAddress, "text" or 42.
type Element struct {
	Cmd  *Command
	Expr *Value
	Col  int // column of the element's first character
	End  int // column just past the element's last non-blank character
}

// ParseScript reads one line as PowerShell does: statements separated by ';', each an optional
// `$name =` followed by a pipeline of commands separated by '|'. Errors are *Error.
func ParseScript(line string) (*Script, error) {
	sc, err := parseScript(line)
	if err != nil {
		return nil, err
	}
	return sc, nil
}

func parseScript(line string) (*Script, *Error) {
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	src, err := decode(line)
	if err != nil {
		return nil, err
	}
	l := &lexer{src: src}
	sc := &Script{}
	for {
		l.skipBlanks()
		if l.eof() || l.peek() == '#' {
			break
		}
		if l.peek() == ';' {
			l.pos++
			continue
		}
		st, err := l.statement()
		if err != nil {
			return nil, err
		}
		sc.Statements = append(sc.Statements, st)
	}
	if len(sc.Statements) == 0 {
		return nil, errAt(1, CodeEmptyLine, "empty line: expected a cmdlet such as Get-CsUserServicesPolicy")
	}
	return sc, nil
}

// statement reads one statement up to and including its ';' (or the end of the line).
func (l *lexer) statement() (*Statement, *Error) {
	st := &Statement{Col: l.col()}
	if name, col, ok := l.assignment(); ok {
		st.Assign, st.AssignCol = name, col
		l.skipBlanks()
		if l.eof() || l.peek() == ';' || l.peek() == '#' {
			return nil, errAt(l.col(), CodeSyntax, "You must provide a value expression following the '=' operator.")
		}
	}
	for {
		el, op, err := l.element(len(st.Elements) == 0)
		if err != nil {
			return nil, err
		}
		st.Elements = append(st.Elements, el)
		st.EndCol = el.End
		if op != '|' {
			return st, nil
		}
		l.skipBlanks()
		if l.eof() || l.peek() == ';' || l.peek() == '|' || l.peek() == '#' {
			return nil, errAt(l.col(), CodeSyntax, "An empty pipe element is not allowed.")
		}
	}
}

// assignment reads `$name =` (not `==`) at the start of a statement; otherwise it reads nothing.
func (l *lexer) assignment() (string, int, bool) {
	save := l.pos
	if l.eof() || l.peek() != '$' {
		return "", 0, false
	}
	col := l.col()
	l.pos++
	start := l.pos
	for !l.eof() && isParamChar(l.peek()) {
		l.pos++
	}
	name := string(l.src[start:l.pos])
	l.skipBlanks()
	if name == "" || l.eof() || l.peek() != '=' || (l.pos+1 < len(l.src) && l.src[l.pos+1] == '=') {
		l.pos = save
		return "", 0, false
	}
	l.pos++
	return name, col, true
}

// element reads one pipeline element and the operator that ends it ('|', ';' or 0 at the end).
func (l *lexer) element(first bool) (*Element, rune, *Error) {
	l.skipBlanks()
	el := &Element{Col: l.col()}
	t, err := l.next()
	if err != nil {
		return nil, 0, err
	}
	if t == nil {
		return nil, 0, errAt(l.col(), CodeSyntax, "An empty pipe element is not allowed.")
	}
	if t.op != 0 {
		return nil, 0, errAt(t.col, CodeSyntax, "An empty pipe element is not allowed.")
	}
	if t.param == "" && t.value != nil && (t.bare == "" || t.value.Kind == Number) {
		// An expression: $u, $u.Prop, 'text', 42, $True.
		if !first {
			return nil, 0, errAt(t.col, CodeSyntax, "Expressions are only allowed as the first element of a pipeline.")
		}
		return l.expression(el, t)
	}
	if err := checkCmdletName(t); err != nil {
		return nil, 0, err
	}
	cmd := &Command{Name: t.bare, NameCol: t.col}
	var open *Arg // a parameter without a value yet, which takes the next value token
	for {
		end := l.col()
		t, err := l.next()
		if err != nil {
			return nil, 0, err
		}
		if t == nil || t.op != 0 {
			cmd.EndCol = l.col()
			el.End = trimEnd(l.src, end)
			if t != nil {
				cmd.EndCol = t.col
				el.End = trimEnd(l.src, t.col)
			}
			el.Cmd = cmd
			if t == nil {
				return el, 0, nil
			}
			return el, t.op, nil
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
}

// trimEnd moves a column back over blanks: the column just past the last non-blank before col.
func trimEnd(src []rune, col int) int {
	for col > 1 && col-2 < len(src) && isBlank(src[col-2]) {
		col--
	}
	return col
}

// expression ends an element that is a lone expression: only an operator or the end may follow.
func (l *lexer) expression(el *Element, t *token) (*Element, rune, *Error) {
	el.Expr = t.value
	el.End = l.col()
	nt, err := l.next()
	if err != nil {
		return nil, 0, err
	}
	if nt == nil {
		return el, 0, nil
	}
	if nt.op != 0 {
		el.End = nt.col
		return el, nt.op, nil
	}
	return nil, 0, errAt(nt.col, CodeSyntax, "Unexpected token '%s' in expression or statement.", l.tokenText(nt))
}

func (l *lexer) tokenText(t *token) string {
	if t.param != "" {
		return "-" + t.param
	}
	if t.value != nil {
		return t.value.String()
	}
	return string(t.op)
}
