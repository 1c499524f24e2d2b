package pwsh

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Quoted strings and backtick escapes, as PowerShell reads them: 'single' is literal ('' is a
// quote); "double" and bare words take backtick escapes (`n, `t, `u{263A}, `" ...) but, here, no
// variable expansion.

func (l *lexer) singleQuoted() (*Value, *Error) {
	open := l.col()
	l.pos++
	var b strings.Builder
	for !l.eof() {
		r := l.peek()
		l.pos++
		if isSingleQuote(r) {
			if !l.eof() && isSingleQuote(l.peek()) {
				b.WriteRune(r)
				l.pos++
				continue
			}
			return &Value{Kind: String, Str: b.String()}, nil
		}
		b.WriteRune(r)
	}
	return nil, errAt(open, CodeUnterminatedString, "the string starting here is missing its closing quote (')")
}

func (l *lexer) doubleQuoted() (*Value, *Error) {
	open := l.col()
	l.pos++
	var b strings.Builder
	for !l.eof() {
		r := l.peek()
		switch {
		case r == '`':
			if l.pos+1 >= len(l.src) {
				return nil, errAt(open, CodeUnterminatedString, "the string starting here is missing its closing quote (\")")
			}
			if err := l.escape(&b); err != nil {
				return nil, err
			}
			continue
		case isDoubleQuote(r):
			l.pos++
			if !l.eof() && isDoubleQuote(l.peek()) {
				b.WriteRune(r)
				l.pos++
				continue
			}
			return &Value{Kind: String, Str: b.String()}, nil
		}
		b.WriteRune(r)
		l.pos++
	}
	return nil, errAt(open, CodeUnterminatedString, "the string starting here is missing its closing quote (\")")
}

var escapeChars = map[rune]rune{
	'0': 0, 'a': '\a', 'b': '\b', 'e': 0x1b, 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v',
}

// escape reads a backtick escape at l.pos (a character follows it) into b.
func (l *lexer) escape(b *strings.Builder) *Error {
	col := l.col()
	l.pos++ // the backtick
	r := l.peek()
	l.pos++
	if e, ok := escapeChars[r]; ok {
		b.WriteRune(e)
		return nil
	}
	if r != 'u' || l.eof() || l.peek() != '{' {
		b.WriteRune(r)
		return nil
	}
	l.pos++ // '{'
	start := l.pos
	for !l.eof() && l.pos-start < 7 && isHex(l.peek()) {
		l.pos++
	}
	digits := string(l.src[start:l.pos])
	if l.eof() || l.peek() != '}' || digits == "" || len(digits) > 6 {
		return errAt(col, CodeSyntax, "invalid Unicode escape: write `u{XXXX} with 1 to 6 hexadecimal digits")
	}
	l.pos++ // '}'
	n, _ := strconv.ParseUint(digits, 16, 32)
	if n > utf8.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
		return errAt(col, CodeSyntax, "invalid Unicode escape: U+%s is not a character", strings.ToUpper(digits))
	}
	b.WriteRune(rune(n))
	return nil
}

func isHex(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F')
}
