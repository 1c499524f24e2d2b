package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ucssim/ucssim/engine"
	"go.yaml.in/yaml/v3"
)

// decoder walks the yaml.Node tree of one file, collecting every error with its position.
type decoder struct {
	path string
	src  []byte // the file, for locating syntax errors
	errs ErrorList
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	line, col := 1, 1
	if n != nil && n.Line > 0 {
		line, col = n.Line, n.Column
	}
	d.errs = append(d.errs, &Error{Path: d.path, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// deref follows aliases (bounded, so a malformed alias chain cannot loop).
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 32; i++ {
		n = n.Alias
	}
	return n
}

// describe names what a node holds, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "an alias"
}

// fields is a decoded mapping: its known keys, in file order.
type fields struct {
	node  *yaml.Node
	order []string
	key   map[string]*yaml.Node
	val   map[string]*yaml.Node
}

func (f *fields) has(k string) bool { return f.val[k] != nil }

// durationKey is a key of a mapping whose duration goes to dst.
type durationKey struct {
	key string
	dst *time.Duration
}

// durations decodes the keys f has into their dst, in the order given (positive: 0s is refused).
func (d *decoder) durations(f *fields, positive bool, keys ...durationKey) {
	for _, k := range keys {
		if v := f.val[k.key]; v != nil {
			if dur, ok := d.duration(v, k.key, positive); ok {
				*k.dst = dur
			}
		}
	}
}

// optional decodes the key's value, when f has one, into a new *dst; a value decode refuses (it
// reports why) leaves *dst nil.
func optional[T any](f *fields, key string, dst **T, decode func(n *yaml.Node, key string) (T, bool)) {
	if n := f.val[key]; n != nil {
		if v, ok := decode(n, key); ok {
			*dst = &v
		}
	}
}

// list returns the items of the list under key, or reports that n is not a list.
func (d *decoder) list(n *yaml.Node, key string) ([]*yaml.Node, bool) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: expected a list, got %s", key, describe(n))
		return nil, false
	}
	return n.Content, true
}

// mapping checks that n is a mapping whose keys are all in allowed (unknown and duplicate keys
// are errors) and returns its entries. what names the mapping in messages ("a user", "world").
// It returns nil when n is not a mapping.
func (d *decoder) mapping(n *yaml.Node, what string, allowed []string) *fields {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		if n != nil {
			d.errorf(n, "%s must be a mapping, got %s", what, describe(n))
		}
		return nil
	}
	f := &fields{node: n, key: map[string]*yaml.Node{}, val: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k == nil || v == nil {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "keys of %s must be names, got %s", what, describe(k))
			continue
		}
		name := k.Value
		if !contains(allowed, name) {
			d.errorf(k, "unknown key %q in %s%s", name, what, didYouMean(name, allowed)+misplaced(what, name))
			continue
		}
		if first := f.key[name]; first != nil {
			d.errorf(k, "duplicate key %q in %s (first at line %d)", name, what, first.Line)
			continue
		}
		f.order = append(f.order, name)
		f.key[name] = k
		f.val[name] = v
	}
	return f
}

// misplaced hints where a step option written inside its action's map belongs.
func misplaced(what, key string) string {
	if what != "expect" && what != "fault" && !contains(actionKeys, what) {
		return ""
	}
	if allowed, ok := optionSteps[key]; ok && (allowed == nil || contains(allowed, what)) {
		return fmt.Sprintf(": %s belongs beside %s, not inside it:\n    - %s: {...}\n      %s: ...", key, what, what, key)
	}
	return ""
}

// require reports each missing key at the mapping.
func (d *decoder) require(f *fields, what string, keys ...string) bool {
	ok := true
	for _, k := range keys {
		if !f.has(k) {
			d.errorf(f.node, "%s is missing required key %q", what, k)
			ok = false
		}
	}
	return ok
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// str reads a scalar as text (a number or boolean is taken as written). Null and collections
// are errors.
func (d *decoder) str(n *yaml.Node, key string) (string, bool) {
	n = deref(n)
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, "%s: expected a string, got %s", key, describe(n))
		return "", false
	}
	return n.Value, true
}

// nonEmpty is str that also refuses blank text.
func (d *decoder) nonEmpty(n *yaml.Node, key string) (string, bool) {
	s, ok := d.str(n, key)
	if ok && strings.TrimSpace(s) == "" {
		d.errorf(n, "%s must not be empty", key)
		return "", false
	}
	return s, ok
}

// integer reads a non-negative whole number.
func (d *decoder) integer(n *yaml.Node, key string) (int, bool) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err == nil && v >= 0 && v <= 1<<31-1 {
			return int(v), true
		}
	}
	d.errorf(n, "%s: expected a whole number >= 0, got %s", key, describe(n))
	return 0, false
}

// boolean reads true or false.
func (d *decoder) boolean(n *yaml.Node, key string) (bool, bool) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return b, true
		}
	}
	d.errorf(n, "%s: expected true or false, got %s", key, describe(n))
	return false, false
}

// duration reads a scenario duration; positive demands > 0.
func (d *decoder) duration(n *yaml.Node, key string, positive bool) (time.Duration, bool) {
	s, ok := d.str(n, key)
	if !ok {
		return 0, false
	}
	v, err := ParseDuration(s)
	if err != nil {
		d.errorf(n, "%s: %v", key, err)
		return 0, false
	}
	if positive && v == 0 {
		d.errorf(n, "%s must be longer than 0s", key)
		return 0, false
	}
	return v, true
}

// strings reads a list of strings; a single string is taken as a list of one when one is true.
func (d *decoder) strList(n *yaml.Node, key string, one bool) ([]string, bool) {
	n = deref(n)
	if one && n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		s, ok := d.nonEmpty(n, key)
		return []string{s}, ok
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: expected a list of strings, got %s", key, describe(n))
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	ok := true
	for _, item := range n.Content {
		s, good := d.nonEmpty(item, key+" item")
		ok = ok && good
		if good {
			out = append(out, s)
		}
	}
	return out, ok
}

// enum reads one of values, compared case-insensitively, and returns it in its canonical spelling.
// enumOf reads one of the engine's typed constants (a state, a kind, an event type), spelled
// case-insensitively; the error names the valid choices. It returns "" if the value is not one.
func enumOf[T ~string](d *decoder, n *yaml.Node, key string, values []T) T {
	s, _ := d.enum(n, key, engine.Names(values))
	return T(s)
}

func (d *decoder) enum(n *yaml.Node, key string, values []string) (string, bool) {
	s, ok := d.str(n, key)
	if !ok {
		return "", false
	}
	for _, v := range values {
		if strings.EqualFold(s, v) {
			return v, true
		}
	}
	d.errorf(n, "bad %s %q (one of %s)%s", key, s, strings.Join(values, ", "), didYouMean(s, values))
	return "", false
}
