package scenario

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The YAML library reports a syntax error by line only, often the line where the parser gave
// up rather than the faulty one (an unclosed quote is reported at the end of the file). When
// the library refuses a file, locate scans the source for the usual faults, in this order, and
// returns the first one found with its line, column and a hint:
//
//   - a control character (other than tab, newline, carriage return);
//   - a tab in a line's indentation;
//   - a quoted string that is not closed on its line;
//   - a [ or { whose flow collection is not closed before the block goes on;
//   - a line indented to no level of the lines above it.
//
// It returns ok false when it finds none of them; the caller then keeps the library's message.
func locate(src []byte) (line, col int, msg string, ok bool) {
	if line, col, msg, ok := controlChar(src); ok {
		return line, col, msg, true
	}
	lines := strings.Split(string(src), "\n")
	for i, l := range lines {
		if j := strings.IndexFunc(l, func(r rune) bool { return r != ' ' }); j >= 0 && l[j] == '\t' {
			return i + 1, j + 1, "a tab in the indentation: YAML indents with spaces only (replace the tab with spaces)", true
		}
	}
	if line, col, msg, ok := unclosed(lines); ok {
		return line, col, msg, true
	}
	if line, col, msg, ok := badIndent(lines); ok {
		return line, col, msg, true
	}
	return 0, 0, "", false
}

func controlChar(src []byte) (line, col int, msg string, ok bool) {
	line, col = 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == '\n':
			line, col = line+1, 0
		case r == utf8.RuneError && size == 1:
			return line, col, fmt.Sprintf("byte 0x%02X is not UTF-8: save the file as UTF-8", src[i]), true
		case r == '\t' || r == '\r':
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0) || r == 0xFEFF && i > 0:
			return line, col, fmt.Sprintf("control character %U is not allowed in YAML: remove it (inside a double-quoted string write it as \\x%02X)", r, r), true
		}
		i += size
		col++
	}
	return 0, 0, "", false
}

// opener is an unclosed quote or bracket: where it stands and the indentation of its line.
type opener struct {
	ch        byte
	line, col int
	indent    int
}

// unclosed finds a quote not closed on its line, or a flow collection ([...] or {...}) still open
// when a later line is indented no deeper than the line that opened it.
func unclosed(lines []string) (line, col int, msg string, ok bool) {
	var stack []opener
	walk := lineWalk{block: -1}
	for i, l := range lines {
		indent, content, skip := walk.skip(l)
		if skip {
			continue
		}
		if len(stack) > 0 && indent <= stack[len(stack)-1].indent {
			o := stack[len(stack)-1]
			return o.line, o.col, fmt.Sprintf("%c opened here is never closed: add %c before line %d (a flow list or map closes on its own line)", o.ch, closer(o.ch), i+1), true
		}
		prev := byte(' ')
		for j := indent; j < len(l); j++ {
			c := l[j]
			switch {
			case c == '#' && (prev == ' ' || prev == '\t'):
				j = len(l)
			case (c == '"' || c == '\'') && startsScalar(l, j, len(stack) > 0):
				end := closeQuote(l, j)
				if end < 0 {
					kind := "double"
					if c == '\'' {
						kind = "single"
					}
					return i + 1, j + 1, fmt.Sprintf("unterminated %s-quoted string: add the closing %c on this line", kind, c), true
				}
				j = end
			case c == '[' || c == '{':
				stack = append(stack, opener{ch: c, line: i + 1, col: j + 1, indent: indent})
			case c == ']' || c == '}':
				if len(stack) > 0 && closer(stack[len(stack)-1].ch) == c {
					stack = stack[:len(stack)-1]
				} else if len(stack) == 0 {
					return i + 1, j + 1, fmt.Sprintf("%c closes nothing: remove it or add the matching opening bracket", c), true
				} else {
					o := stack[len(stack)-1]
					return i + 1, j + 1, fmt.Sprintf("%c does not match %c opened at line %d column %d", c, o.ch, o.line, o.col), true
				}
			}
			prev = c
		}
		if len(stack) == 0 && blockScalar(content) {
			walk.block = indent
		}
	}
	if len(stack) > 0 {
		o := stack[len(stack)-1]
		return o.line, o.col, fmt.Sprintf("%c opened here is never closed: add %c", o.ch, closer(o.ch)), true
	}
	return 0, 0, "", false
}

func closer(c byte) byte {
	if c == '[' {
		return ']'
	}
	return '}'
}

// startsScalar reports whether a quote at l[j] opens a quoted scalar: at the start of the value
// (after indentation, "- ", ": ", or inside a flow collection after [ { ,).
func startsScalar(l string, j int, inFlow bool) bool {
	k := j - 1
	for k >= 0 && l[k] == ' ' {
		k--
	}
	if k < 0 {
		return true
	}
	switch l[k] {
	case ':', '-':
		return k == j-1 || l[k+1] == ' '
	case '[', '{', ',':
		return inFlow
	case '?':
		return true
	}
	return false
}

// closeQuote returns the index of the quote closing the one at l[j], or -1.
func closeQuote(l string, j int) int {
	q := l[j]
	for k := j + 1; k < len(l); k++ {
		switch {
		case q == '"' && l[k] == '\\':
			k++
		case q == '\'' && l[k] == '\'' && k+1 < len(l) && l[k+1] == '\'':
			k++
		case l[k] == q:
			return k
		}
	}
	return -1
}

// lineWalk passes over the lines that carry no YAML structure: blank lines, comments and the
// content of a block scalar, whose key line's indentation the caller sets in block (-1: none).
type lineWalk struct{ block int }

// skip returns a line's indentation and trimmed content, and whether it is to be passed over.
func (w *lineWalk) skip(l string) (indent int, content string, skip bool) {
	indent = len(l) - len(strings.TrimLeft(l, " "))
	content = strings.TrimSpace(l)
	if w.block >= 0 {
		if content == "" || indent > w.block {
			return indent, content, true
		}
		w.block = -1
	}
	return indent, content, content == "" || strings.HasPrefix(content, "#")
}

// blockScalar reports whether a line's value starts a block scalar (| or >, with modifiers).
func blockScalar(content string) bool {
	if i := strings.LastIndex(content, " #"); i >= 0 {
		content = strings.TrimSpace(content[:i])
	}
	f := strings.Fields(content)
	if len(f) == 0 {
		return false
	}
	last := f[len(f)-1]
	return len(f) >= 2 && (strings.HasPrefix(last, "|") || strings.HasPrefix(last, ">")) && len(last) <= 3
}

// badIndent finds a line indented to none of the levels open above it. The levels are each
// line's indentation and, for a list item, the column of its content ("- key" lines up keys
// under key); a line ending in ':' (or a block scalar) lets the next line go deeper.
func badIndent(lines []string) (line, col int, msg string, ok bool) {
	levels := []int{0}
	deeper := false
	walk := lineWalk{block: -1}
	for i, l := range lines {
		indent, content, skip := walk.skip(l)
		if skip {
			continue
		}
		open := append([]int{}, levels...)
		for len(levels) > 1 && levels[len(levels)-1] > indent {
			levels = levels[:len(levels)-1]
		}
		top := levels[len(levels)-1]
		switch {
		case indent == top:
		case indent > top && deeper:
			levels = append(levels, indent)
		default:
			want := make([]string, len(open))
			for k, v := range open {
				want[k] = fmt.Sprint(v)
			}
			return i + 1, indent + 1, fmt.Sprintf("bad indentation: this line is indented %d spaces, the lines above it open levels at %s (a step's options line up under its action key)", indent, strings.Join(want, ", ")), true
		}
		// list items: "- - key" opens a level at each item's content
		rest, at := content, indent
		for strings.HasPrefix(rest, "- ") || rest == "-" {
			trimmed := strings.TrimLeft(strings.TrimPrefix(rest, "-"), " ")
			at += len(rest) - len(trimmed)
			rest = trimmed
			if rest != "" {
				levels = append(levels, at)
			}
		}
		value := rest
		if k := strings.Index(rest, " #"); k >= 0 {
			value = strings.TrimSpace(rest[:k])
		}
		deeper = strings.HasSuffix(value, ":") || rest == "" || blockScalar(rest)
		if blockScalar(rest) {
			walk.block = at
			deeper = false
		}
		if strings.ContainsAny(value, "[{") && strings.Count(value, "[")+strings.Count(value, "{") > strings.Count(value, "]")+strings.Count(value, "}") {
			return 0, 0, "", false // a flow collection over several lines: leave it to the library
		}
	}
	return 0, 0, "", false
}
