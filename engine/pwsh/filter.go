package pwsh

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Filter is the condition of a script block as -Filter and Where-Object use it:
// comparisons (-eq -ne -like -notlike -match -notmatch -gt -ge -lt -le, and their -c/-i forms)
// between properties (RegistrarPool, $_.RegistrarPool), variables and literals, combined with
// -and, -or, -not / ! and parentheses. A lone operand is true when its value is.
type Filter struct {
	Text string
	root *fexpr
}

type fexpr struct {
	op   string // "and", "or", "not", "cmp", "val"
	l, r *fexpr
	cmp  string // -eq ... in lower case, without the dash
	a, b *foperand
	col  int
}

type foperand struct {
	prop    string   // a bare property name (RegistrarPool) or the first member of $_
	this    bool     // $_ (or $PSItem)
	varName string   // $name other than $_
	members []string // after the property/variable
	lit     any      // a literal: string, bool, nil, int64, float64
	isLit   bool
	col     int
}

// Env answers a filter's questions: the properties of the current object and the variables.
type Env struct {
	This any                           // the current object ($_; bare property names read it)
	Var  func(name string) (any, bool) // $name; nil: no variables
}

type ftoken struct {
	kind byte // 'o' operator (-eq), '(' ')', '!', 's' string, 'n' number, 'v' variable, 'w' word, 'b' bool/null literal
	text string
	lit  any
	mem  []string
	col  int
}

// ParseFilter parses a script block's text; col is the column of its first character in the
// line, so errors point into the line. Errors are *Error.
func ParseFilter(text string, col int) (*Filter, *Error) {
	toks, err := lexFilter([]rune(text), col)
	if err != nil {
		return nil, err
	}
	p := &fparser{toks: toks, endCol: col + len([]rune(text))}
	if len(toks) == 0 {
		return &Filter{Text: text}, nil
	}
	root, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		t := p.toks[p.i]
		return nil, errAt(t.col, CodeSyntax, "Unexpected token '%s' in expression or statement.", t.text)
	}
	return &Filter{Text: text, root: root}, nil
}

var filterOps = map[string]bool{
	"eq": true, "ne": true, "like": true, "notlike": true, "match": true, "notmatch": true,
	"gt": true, "ge": true, "lt": true, "le": true, "contains": true, "notcontains": true,
}

func lexFilter(src []rune, col0 int) ([]ftoken, *Error) {
	var out []ftoken
	i := 0
	for i < len(src) {
		r := src[i]
		col := col0 + i
		switch {
		case isBlank(r):
			i++
		case r == '(' || r == ')' || r == '!':
			out = append(out, ftoken{kind: byte(r), text: string(r), col: col})
			i++
		case isDash(r) && i+1 < len(src) && isParamStart(src[i+1]):
			j := i + 1
			for j < len(src) && isParamChar(src[j]) {
				j++
			}
			out = append(out, ftoken{kind: 'o', text: "-" + strings.ToLower(string(src[i+1:j])), col: col})
			i = j
		case isSingleQuote(r) || isDoubleQuote(r):
			l := &lexer{src: src, pos: i}
			var v *Value
			var err *Error
			if isSingleQuote(r) {
				v, err = l.singleQuoted()
			} else {
				v, err = l.doubleQuoted()
			}
			if err != nil {
				err.Col += col0 - 1
				return nil, err
			}
			out = append(out, ftoken{kind: 's', text: string(src[i:l.pos]), lit: v.Str, col: col})
			i = l.pos
		case r == '$':
			j := i + 1
			for j < len(src) && isParamChar(src[j]) {
				j++
			}
			name := string(src[i+1 : j])
			if name == "" {
				return nil, errAt(col, CodeSyntax, "'$' must be followed by a variable name such as $_")
			}
			t := ftoken{kind: 'v', text: "$" + name, col: col}
			switch strings.ToLower(name) {
			case "true":
				t = ftoken{kind: 'b', text: "$" + name, lit: true, col: col}
			case "false":
				t = ftoken{kind: 'b', text: "$" + name, lit: false, col: col}
			case "null":
				t = ftoken{kind: 'b', text: "$" + name, lit: nil, col: col}
			}
			for j < len(src) && src[j] == '.' && t.kind == 'v' {
				k := j + 1
				for k < len(src) && isParamChar(src[k]) {
					k++
				}
				if k == j+1 {
					return nil, errAt(col0+j+1, CodeSyntax, "Missing property name after reference operator '.'.")
				}
				t.mem = append(t.mem, string(src[j+1:k]))
				j = k
			}
			t.text = string(src[i:j])
			out = append(out, t)
			i = j
		default:
			j := i
			for j < len(src) && !isBlank(src[j]) && !strings.ContainsRune("()!'\"$", src[j]) && !isSingleQuote(src[j]) && !isDoubleQuote(src[j]) {
				j++
			}
			if j == i {
				return nil, errAt(col, CodeSyntax, "unexpected %s in the script block", describe(r))
			}
			w := string(src[i:j])
			t := ftoken{kind: 'w', text: w, col: col}
			if looksNumeric(w) && numberRE.MatchString(w) {
				t.kind = 'n'
				if n, err := strconv.ParseInt(w, 0, 64); err == nil {
					t.lit = n
				} else if f, err := strconv.ParseFloat(w, 64); err == nil {
					t.lit = f
				} else {
					t.lit = w
				}
			} else if strings.ContainsAny(w, "{};|,") {
				return nil, errAt(col, CodeUnsupported, "%q: only comparisons joined by -and/-or are supported in a script block", w)
			}
			out = append(out, t)
			i = j
		}
	}
	return out, nil
}

type fparser struct {
	toks   []ftoken
	i      int
	endCol int
}

func (p *fparser) peek() *ftoken {
	if p.i < len(p.toks) {
		return &p.toks[p.i]
	}
	return nil
}

func (p *fparser) isOp(name string) bool {
	t := p.peek()
	return t != nil && t.kind == 'o' && t.text == name
}

func (p *fparser) or() (*fexpr, *Error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.isOp("-or") {
		col := p.peek().col
		p.i++
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &fexpr{op: "or", l: l, r: r, col: col}
	}
	return l, nil
}

func (p *fparser) and() (*fexpr, *Error) {
	l, err := p.not()
	if err != nil {
		return nil, err
	}
	for p.isOp("-and") {
		col := p.peek().col
		p.i++
		r, err := p.not()
		if err != nil {
			return nil, err
		}
		l = &fexpr{op: "and", l: l, r: r, col: col}
	}
	return l, nil
}

func (p *fparser) not() (*fexpr, *Error) {
	if t := p.peek(); t != nil && (t.kind == '!' || (t.kind == 'o' && t.text == "-not")) {
		p.i++
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &fexpr{op: "not", l: x, col: t.col}, nil
	}
	return p.cmp()
}

func (p *fparser) cmp() (*fexpr, *Error) {
	t := p.peek()
	if t == nil {
		return nil, errAt(p.endCol, CodeSyntax, "Missing expression: a comparison such as RegistrarPool -eq \"pool\" was expected.")
	}
	if t.kind == '(' {
		p.i++
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c == nil || c.kind != ')' {
			return nil, errAt(t.col, CodeSyntax, "Missing closing ')' in expression.")
		}
		p.i++
		return x, nil
	}
	a, err := p.operand()
	if err != nil {
		return nil, err
	}
	o := p.peek()
	if o == nil || o.kind != 'o' || o.text == "-and" || o.text == "-or" {
		return &fexpr{op: "val", a: a, col: a.col}, nil
	}
	name := strings.TrimPrefix(o.text, "-")
	if !filterOps[name] && !(len(name) > 1 && (name[0] == 'c' || name[0] == 'i') && filterOps[name[1:]]) {
		return nil, errAt(o.col, CodeUnsupported,
			"Unexpected token '%s': the comparison operators are -eq -ne -like -notlike -match -notmatch -gt -ge -lt -le -contains", o.text)
	}
	p.i++
	b, err := p.operand()
	if err != nil {
		return nil, err
	}
	return &fexpr{op: "cmp", a: a, b: b, cmp: name, col: o.col}, nil
}

func (p *fparser) operand() (*foperand, *Error) {
	t := p.peek()
	if t == nil {
		return nil, errAt(p.endCol, CodeSyntax, "You must provide a value expression on the right-hand side of the operator.")
	}
	p.i++
	switch t.kind {
	case 's', 'n', 'b':
		return &foperand{lit: t.lit, isLit: true, col: t.col}, nil
	case 'v':
		name := t.text[1:]
		if i := strings.IndexByte(name, '.'); i >= 0 {
			name = name[:i]
		}
		if name == "_" || strings.EqualFold(name, "PSItem") {
			return &foperand{this: true, members: t.mem, col: t.col}, nil
		}
		return &foperand{varName: name, members: t.mem, col: t.col}, nil
	case 'w':
		parts := strings.Split(t.text, ".")
		for _, part := range parts {
			if !validParamName(part) {
				return nil, errAt(t.col, CodeSyntax, "%q is not a property name", t.text)
			}
		}
		return &foperand{prop: parts[0], members: parts[1:], col: t.col}, nil
	}
	return nil, errAt(t.col, CodeSyntax, "You must provide a value expression on the right-hand side of the '%s' operator.", t.text)
}

// Props lists the bare property names the filter reads (RegistrarPool), for validation.
func (f *Filter) Props() []string {
	var out []string
	var walk func(x *fexpr)
	add := func(o *foperand) {
		if o != nil && o.prop != "" {
			out = append(out, o.prop)
		}
		if o != nil && o.this && len(o.members) > 0 {
			out = append(out, o.members[0])
		}
	}
	walk = func(x *fexpr) {
		if x == nil {
			return
		}
		walk(x.l)
		walk(x.r)
		add(x.a)
		add(x.b)
	}
	if f != nil {
		walk(f.root)
	}
	return out
}

// Eval evaluates the filter for env. An empty filter is true.
func (f *Filter) Eval(env Env) (bool, error) {
	if f == nil || f.root == nil {
		return true, nil
	}
	return f.root.eval(env)
}

func (x *fexpr) eval(env Env) (bool, error) {
	switch x.op {
	case "and":
		l, err := x.l.eval(env)
		if err != nil || !l {
			return false, err
		}
		return x.r.eval(env)
	case "or":
		l, err := x.l.eval(env)
		if err != nil || l {
			return l, err
		}
		return x.r.eval(env)
	case "not":
		v, err := x.l.eval(env)
		return !v, err
	case "val":
		v, err := x.a.value(env)
		return Truthy(v), err
	}
	a, err := x.a.value(env)
	if err != nil {
		return false, err
	}
	b, err := x.b.value(env)
	if err != nil {
		return false, err
	}
	return Compare(x.cmp, a, b)
}

func (o *foperand) value(env Env) (any, error) {
	if o.isLit {
		return o.lit, nil
	}
	var v any
	members := o.members
	switch {
	case o.this:
		v = env.This
	case o.varName != "":
		if env.Var == nil {
			return nil, nil
		}
		v, _ = env.Var(o.varName)
	default:
		v = Member(env.This, o.prop)
	}
	for _, m := range members {
		v = Member(v, m)
	}
	return v, nil
}

// Member reads a property of a value: an *Object's property (case-insensitive), a string's
// Length, a list's Count; nil for anything else (as PowerShell does for a missing property).
func Member(v any, name string) any {
	switch x := v.(type) {
	case *Object:
		if p, ok := x.Get(name); ok {
			return p
		}
	case string:
		if strings.EqualFold(name, "Length") {
			return int64(len([]rune(x)))
		}
	case []any:
		if strings.EqualFold(name, "Count") || strings.EqualFold(name, "Length") {
			return int64(len(x))
		}
		var out []any
		for _, it := range x {
			out = append(out, Member(it, name))
		}
		return out
	}
	return nil
}

// Truthy is PowerShell's conversion to Boolean: $null, $false, 0, "" and an empty list are false.
func Truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case int:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	}
	return true
}

// Compare applies a comparison operator (eq, ne, like, notlike, match, notmatch, gt, ge, lt, le,
// contains, notcontains, with an optional c (case-sensitive) or i prefix) as PowerShell does: the
// right operand is converted to the left operand's type; text compares case-insensitively.
func Compare(op string, a, b any) (bool, error) {
	cs := false
	if len(op) > 2 && !filterOps[op] && (op[0] == 'c' || op[0] == 'i') {
		cs, op = op[0] == 'c', op[1:]
	}
	switch op {
	case "contains", "notcontains":
		list, ok := a.([]any)
		if !ok {
			list = []any{a}
		}
		found := false
		for _, it := range list {
			if eq, _ := Compare(map[bool]string{true: "ceq", false: "eq"}[cs], it, b); eq {
				found = true
				break
			}
		}
		return found == (op == "contains"), nil
	case "like", "notlike":
		m := Like(Text(b), Text(a), !cs)
		return m == (op == "like"), nil
	case "match", "notmatch":
		pat := Text(b)
		if !cs {
			pat = "(?i)" + pat
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return false, fmt.Errorf("the regular expression %q is not valid: %v", Text(b), err)
		}
		return re.MatchString(Text(a)) == (op == "match"), nil
	}
	c, comparable := order(a, b, cs)
	switch op {
	case "eq":
		return comparable && c == 0, nil
	case "ne":
		return !comparable || c != 0, nil
	case "gt":
		return comparable && c > 0, nil
	case "ge":
		return comparable && c >= 0, nil
	case "lt":
		return comparable && c < 0, nil
	case "le":
		return comparable && c <= 0, nil
	}
	return false, fmt.Errorf("unknown operator -%s", op)
}

// order compares a and b after converting b to a's type; false when they cannot be compared.
func order(a, b any, cs bool) (int, bool) {
	if a == nil || b == nil {
		if a == nil && b == nil {
			return 0, true
		}
		if a == nil {
			if s, ok := b.(string); ok && s == "" {
				return 0, false
			}
		}
		return 1, false
	}
	switch x := a.(type) {
	case bool:
		y := Truthy(b)
		if s, ok := b.(string); ok {
			if pb, err := strconv.ParseBool(s); err == nil {
				y = pb
			}
		}
		switch {
		case x == y:
			return 0, true
		case !x:
			return -1, true
		}
		return 1, true
	case int64, int, float64:
		fx, _ := toFloat(x)
		fy, ok := toFloat(b)
		if !ok {
			return 0, false
		}
		switch {
		case fx < fy:
			return -1, true
		case fx > fy:
			return 1, true
		}
		return 0, true
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y), true
		}
	}
	sa, sb := Text(a), Text(b)
	if !cs {
		sa, sb = strings.ToLower(sa), strings.ToLower(sb)
	}
	return strings.Compare(sa, sb), true
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// Like is PowerShell's -like: '*' any run, '?' one character, [abc] a set; case-insensitive when ci.
func Like(pattern, s string, ci bool) bool {
	if ci {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	p, t := []rune(pattern), []rune(s)
	var match func(pi, ti int) bool
	memo := map[[2]int]bool{}
	match = func(pi, ti int) bool {
		key := [2]int{pi, ti}
		if v, ok := memo[key]; ok {
			return v
		}
		var res bool
		switch {
		case pi == len(p):
			res = ti == len(t)
		case p[pi] == '*':
			res = match(pi+1, ti) || (ti < len(t) && match(pi, ti+1))
		case ti == len(t):
			res = false
		case p[pi] == '?':
			res = match(pi+1, ti+1)
		case p[pi] == '[':
			end := pi + 1
			for end < len(p) && p[end] != ']' {
				end++
			}
			if end == len(p) {
				res = t[ti] == '[' && match(pi+1, ti+1)
				break
			}
			if setMatch(p[pi+1:end], t[ti]) {
				res = match(end+1, ti+1)
			}
		default:
			res = p[pi] == t[ti] && match(pi+1, ti+1)
		}
		memo[key] = res
		return res
	}
	return match(0, 0)
}

func setMatch(set []rune, r rune) bool {
	for i := 0; i < len(set); i++ {
		if i+2 < len(set) && set[i+1] == '-' {
			if r >= set[i] && r <= set[i+2] {
				return true
			}
			i += 2
			continue
		}
		if set[i] == r {
			return true
		}
	}
	return false
}

// HasWildcard reports whether s holds a -like wildcard character.
func HasWildcard(s string) bool { return strings.ContainsAny(s, "*?[") }
