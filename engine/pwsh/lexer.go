package pwsh

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// token is one parameter (with its colon-attached value, if any) or one value.
type token struct {
	col   int
	param string // parameter name without the dash; "" for a value token
	colon bool
	value *Value
	bare  string // for a value token read as an unescaped bare word: the word (used for the cmdlet name)
	op    rune   // '|' or ';' for an operator token (no param, no value)
}

type lexer struct {
	src []rune
	pos int
}

// MaxLineBytes bounds a line, far above any real cmdlet line, so a runaway input fails fast.
const MaxLineBytes = 1 << 20

// decode turns the line into runes, rejecting invalid UTF-8 and characters a line may not hold.
func decode(line string) ([]rune, *Error) {
	if len(line) > MaxLineBytes {
		return nil, errAt(1, CodeTooLong, "the line is %d bytes long; the limit is %d", len(line), MaxLineBytes)
	}
	src := make([]rune, 0, len(line))
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		col := len(src) + 1
		if r == utf8.RuneError && size <= 1 {
			return nil, errAt(col, CodeInvalidUTF8, "invalid UTF-8 byte 0x%02x", line[i])
		}
		if r == '\n' || r == '\r' {
			return nil, errAt(col, CodeControlChar, "line break (%U) inside the line: give one command per line", r)
		}
		if lineForbidden(r) {
			return nil, errAt(col, CodeControlChar, "control or invisible character %U is not allowed", r)
		}
		src = append(src, r)
		i += size
	}
	return src, nil
}

func (l *lexer) eof() bool   { return l.pos >= len(l.src) }
func (l *lexer) peek() rune  { return l.src[l.pos] }
func (l *lexer) col() int    { return l.pos + 1 }
func (l *lexer) atEnd() bool { return l.pos >= len(l.src) || isBlank(l.src[l.pos]) }

func (l *lexer) skipBlanks() {
	for !l.eof() && isBlank(l.peek()) {
		l.pos++
	}
}

// next returns the next token, or nil at the end of the line (a '#' comment ends it too).
func (l *lexer) next() (*token, *Error) {
	l.skipBlanks()
	if l.eof() || l.peek() == '#' {
		return nil, nil
	}
	r := l.peek()
	if r == '|' || r == ';' {
		l.pos++
		return &token{col: l.pos, op: r}, nil
	}
	if isDash(r) && l.pos+1 < len(l.src) && isParamStart(l.src[l.pos+1]) {
		return l.param()
	}
	return l.list()
}

// list reads a value, or several separated by commas (an array: -Property DisplayName, SipAddress).
func (l *lexer) list() (*token, *Error) {
	first, err := l.value()
	if err != nil {
		return nil, err
	}
	p := l.pos
	for p < len(l.src) && isBlank(l.src[p]) {
		p++
	}
	if p >= len(l.src) || l.src[p] != ',' {
		return first, nil
	}
	items := []*Value{first.value}
	for {
		p = l.pos
		for p < len(l.src) && isBlank(l.src[p]) {
			p++
		}
		if p >= len(l.src) || l.src[p] != ',' {
			break
		}
		l.pos = p + 1
		l.skipBlanks()
		if l.eof() || l.peek() == '#' || l.peek() == '|' || l.peek() == ';' {
			return nil, errAt(l.col(), CodeSyntax, "Missing expression after ','.")
		}
		t, err := l.value()
		if err != nil {
			return nil, err
		}
		items = append(items, t.value)
	}
	return &token{col: first.col, value: &Value{Kind: List, Items: items, Col: first.col}}, nil
}

// param reads -Name, -Name:value or -Name: value.
func (l *lexer) param() (*token, *Error) {
	t := &token{col: l.col()}
	l.pos++ // the dash
	start := l.pos
	for !l.eof() && isParamChar(l.peek()) {
		l.pos++
	}
	t.param = string(l.src[start:l.pos])
	if l.atEnd() {
		return t, nil
	}
	r := l.peek()
	if isWordEnd(r) {
		return t, nil // an operator: the caller reads or reports it
	}
	if r != ':' {
		return nil, paramErr(l.col(), t.param, CodeSyntax,
			"unexpected %s after the parameter name: put a space or ':' between a parameter and its value", describe(r))
	}
	l.pos++ // the colon
	t.colon = true
	l.skipBlanks()
	if l.eof() || l.peek() == '#' || (isDash(l.peek()) && l.pos+1 < len(l.src) && isParamStart(l.src[l.pos+1])) {
		return nil, paramErr(t.col, t.param, CodeMissingArgument, "missing an argument after ':'")
	}
	v, err := l.value()
	if err != nil {
		return nil, err
	}
	t.value = v.value
	return t, nil
}

// isWordEnd: characters that end a bare word or a value in argument mode.
func isWordEnd(r rune) bool { return strings.ContainsRune("|;&<>(){},", r) }

func describe(r rune) string {
	if r == '\'' {
		return `character "'"`
	}
	return fmt.Sprintf("character '%c'", r)
}

// value reads one value: a quoted string, $True/$False/$Null, or a bare word (maybe a number).
func (l *lexer) value() (*token, *Error) {
	col := l.col()
	r := l.peek()
	var v *Value
	var err *Error
	bare := ""
	switch {
	case isSingleQuote(r):
		v, err = l.singleQuoted()
	case isDoubleQuote(r):
		v, err = l.doubleQuoted()
	case r == '$':
		v, err = l.variable()
	case r == '@':
		return nil, errAt(col, CodeUnsupported, "'@' (arrays, hash tables, here-strings, splatting) is not supported")
	case r == '{':
		v, err = l.scriptBlock()
	default:
		if msg := unsupportedOp(r); msg != "" {
			return nil, errAt(col, CodeUnsupported, "%s", msg)
		}
		if isWordEnd(r) {
			return nil, errAt(col, CodeSyntax, "Missing expression before '%c'.", r)
		}
		v, bare, err = l.bareWord()
	}
	if err != nil {
		return nil, err
	}
	v.Col = col
	if !l.atEnd() {
		r := l.peek()
		if !isWordEnd(r) && r != '#' {
			return nil, errAt(l.col(), CodeSyntax,
				"unexpected %s right after the value that starts at column %d: separate arguments with a space", describe(r), col)
		}
	}
	return &token{col: col, value: v, bare: bare}, nil
}

func (l *lexer) variable() (*Value, *Error) {
	col := l.col()
	start := l.pos
	l.pos++
	for !l.eof() && isParamChar(l.peek()) {
		l.pos++
	}
	name := string(l.src[start+1 : l.pos])
	var v *Value
	switch strings.ToLower(name) {
	case "true":
		v = &Value{Kind: Bool, Bool: true, Str: "True"}
	case "false":
		v = &Value{Kind: Bool, Str: "False"}
	case "null":
		v = &Value{Kind: Null}
	}
	if v != nil {
		if l.atEnd() || isOperatorOrComment(l.peek()) {
			return v, nil
		}
		return nil, errAt(l.col(), CodeUnsupported,
			"unexpected %s after $%s: expressions are not supported; separate arguments with a space", describe(l.peek()), name)
	}
	if name == "" {
		shown := string(l.src[start:min(l.pos+1, len(l.src))])
		return nil, errAt(col, CodeUnsupported,
			"'%s' is not a variable: write $Name (letters, digits, _) or quote a literal '$'", shown)
	}
	v = &Value{Kind: Variable, Str: name}
	for !l.eof() && l.peek() == '.' {
		l.pos++
		ms := l.pos
		for !l.eof() && isParamChar(l.peek()) {
			l.pos++
		}
		if l.pos == ms {
			return nil, errAt(l.col(), CodeSyntax, "Missing property name after reference operator '.'.")
		}
		v.Members = append(v.Members, string(l.src[ms:l.pos]))
	}
	if !l.atEnd() && !isOperatorOrComment(l.peek()) {
		return nil, errAt(l.col(), CodeUnsupported,
			"unexpected %s after $%s: only $name and $name.Property are supported", describe(l.peek()), name)
	}
	return v, nil
}

// scriptBlock reads {...} (braces and quotes may nest inside); the value's Str is the text between
// the braces and Block its parsed filter.
func (l *lexer) scriptBlock() (*Value, *Error) {
	open := l.pos
	depth := 0
	var quote rune
	for ; l.pos < len(l.src); l.pos++ {
		r := l.src[l.pos]
		switch {
		case quote != 0:
			if r == '`' && quote == '"' {
				l.pos++
			} else if (quote == '"' && isDoubleQuote(r)) || (quote == '\'' && isSingleQuote(r)) {
				quote = 0
			}
		case isDoubleQuote(r):
			quote = '"'
		case isSingleQuote(r):
			quote = '\''
		case r == '{':
			depth++
		case r == '}':
			depth--
			if depth == 0 {
				text := string(l.src[open+1 : l.pos])
				l.pos++
				f, err := ParseFilter(text, open+2)
				if err != nil {
					return nil, err
				}
				return &Value{Kind: ScriptBlock, Str: text, Block: f}, nil
			}
		}
	}
	return nil, errAt(open+1, CodeSyntax, "Missing closing '}' in statement block.")
}

func isOperatorOrComment(r rune) bool {
	return r == '#' || isWordEnd(r)
}

var numberRE = regexp.MustCompile(`^[+-]?(0[xX][0-9a-fA-F]+|([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?)$`)

// bareWord reads an unquoted argument. Backtick escapes apply; a word without escapes that looks
// like a number is a Number.
func (l *lexer) bareWord() (*Value, string, *Error) {
	var b strings.Builder
	escaped := false
	for !l.atEnd() {
		r := l.peek()
		switch {
		case isOperatorOrComment(r) && r != '#':
			goto done
		case r == '`':
			if l.pos+1 >= len(l.src) {
				return nil, "", errAt(l.col(), CodeUnsupported,
					"line continuation (a backtick at the end of the line) is not supported: write the whole command on one line")
			}
			if err := l.escape(&b); err != nil {
				return nil, "", err
			}
			escaped = true
			continue
		case isSingleQuote(r) || isDoubleQuote(r):
			return nil, "", errAt(l.col(), CodeSyntax, "unexpected quote inside an unquoted word: quote the whole value")
		case r == '$':
			return nil, "", errAt(l.col(), CodeUnsupported,
				"variables are not supported ('$' inside an unquoted word): quote the value with single quotes")
		}
		b.WriteRune(r)
		l.pos++
	}
done:
	s := b.String()
	if escaped {
		return &Value{Kind: String, Str: s}, "", nil
	}
	if looksNumeric(s) && numberRE.MatchString(s) {
		return &Value{Kind: Number, Str: s}, s, nil
	}
	return &Value{Kind: String, Str: s}, s, nil
}

func looksNumeric(s string) bool {
	return s != "" && (s[0] == '.' || s[0] == '+' || s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
}
