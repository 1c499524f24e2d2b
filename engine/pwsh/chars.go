package pwsh

import (
	"unicode"
	"unicode/utf8"
)

// PowerShell treats the typographic quotes and dashes that word processors (and TechNet pages)
// substitute as their ASCII counterparts; so do we, because administrators paste such lines.

func isSingleQuote(r rune) bool {
	return r == '\'' || r == '\u2018' || r == '\u2019' || r == '\u201A' || r == '\u201B'
}

func isDoubleQuote(r rune) bool {
	return r == '"' || r == '\u201C' || r == '\u201D' || r == '\u201E'
}

// isDash: hyphen-minus, en dash, em dash, horizontal bar.
func isDash(r rune) bool {
	return r == '-' || r == '\u2013' || r == '\u2014' || r == '\u2015'
}

// isBlank: argument separators. Tab and the Unicode space separators (no-break space included).
func isBlank(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\t'
	}
	return unicode.Is(unicode.Zs, r)
}

// lineForbidden: characters a line may not contain raw: C0/C1 controls other than tab, line and
// paragraph separators, and invisible format characters (zero-width space, byte order mark, ...).
func lineForbidden(r rune) bool {
	if r == '\t' || (r >= 0x20 && r < 0x7f) {
		return false
	}
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r)
}

func isParamStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

func isParamChar(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// unsupportedOp returns the message for an operator character, or "" for any other character.
func unsupportedOp(r rune) string {
	switch r {
	case '&', '>', '<', '(', ')', '}':
		return unsupportedOps[r]
	}
	return ""
}

// unsupportedOps maps the characters that end a bare word in PowerShell's argument mode (and that
// would start a construct we do not run) to the message explaining what is not supported.
var unsupportedOps = map[rune]string{
	'&': "the '&' operator is not supported: run one cmdlet per line, or separate them with ';'",
	'>': "redirection ('>') is not supported",
	'<': "redirection ('<') is not supported",
	'(': "expressions in parentheses are not supported: give a literal value or a $variable",
	')': "unexpected ')': expressions in parentheses are not supported",
	'}': "Unexpected token '}' in expression or statement.",
}
