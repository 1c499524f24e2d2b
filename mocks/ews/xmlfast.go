package ews

import (
	"bytes"
	"encoding/xml"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// fastParse reads data into the same tree parseXML's encoding/xml path builds, for the subset of
// XML that ucssim and ordinary EWS clients send: an optional `<?xml version="1.0"
// encoding="utf-8"?>` declaration, elements, attributes, text, the five predefined entities and
// character references. It gives up (ok false) on anything else (comments, CDATA, DOCTYPE,
// processing instructions, carriage returns, non-ASCII names, any error), and the caller then
// parses the document with encoding/xml, which decides the answer and the error message. So the
// fast path changes speed only: a differential fuzz test holds it to the same trees.
//
// The parser reads data in place; what the tree keeps is copied out of it (names of the
// protocol's vocabulary shared, other names, text and attribute values copied one by one), so a
// string a caller keeps from the tree (a contact's address) never pins the whole document.
func fastParse(data []byte) (*node, bool) {
	p := fastParser{s: unsafe.String(unsafe.SliceData(data), len(data))}
	elems := bytes.Count(data, []byte{'<'}) - bytes.Count(data, []byte("</")) // start tags
	p.nodes = make([]node, 0, elems)
	p.attrs = make([]xml.Attr, 0, bytes.Count(data, []byte{'='}))
	p.lists = make([]*node, 0, elems)
	return p.parse()
}

// A tree's nodes, attribute lists and child lists are carved out of a few slabs sized from the
// document (one allocation each instead of one per element), since a tree lives and dies whole.
type fastParser struct {
	s     string
	i     int
	stack []fastOpen
	ns    []nsBinding // bindings in scope, innermost last
	buf   []byte      // text being decoded when it holds entities
	nodes []node      // slab of nodes; a full one is replaced, never grown (nodes are pointed to)
	attrs []xml.Attr  // slab of attribute lists
	kids  []*node     // children of the open elements, innermost element's last
	lists []*node     // slab of finished child lists
}

// fastOpen is an open element: its node, its raw name as written (a view of the document),
// where its namespace bindings start in ns and where its children start in kids.
type fastOpen struct {
	n        *node
	raw      string
	nsMark   int
	kidsMark int
}

type nsBinding struct{ prefix, url string }

func (p *fastParser) parse() (*node, bool) {
	if strings.HasPrefix(p.s, xmlDecl) {
		p.i = len(xmlDecl)
	}
	if strings.IndexByte(p.s, '\r') >= 0 {
		return nil, false
	}
	var root *node
	for p.i < len(p.s) {
		if p.s[p.i] != '<' {
			j := strings.IndexByte(p.s[p.i:], '<')
			if j < 0 {
				j = len(p.s) - p.i
			}
			raw := p.s[p.i : p.i+j]
			p.i += j
			if len(p.stack) == 0 {
				if !blank(raw) {
					return nil, false
				}
				continue
			}
			text, ok := p.text(raw, -1)
			if !ok {
				return nil, false
			}
			if top := p.stack[len(p.stack)-1]; len(p.kids) == top.kidsMark {
				top.n.Text += text
			}
			continue
		}
		p.i++
		if p.i >= len(p.s) {
			return nil, false
		}
		switch p.s[p.i] {
		case '!', '?':
			return nil, false
		case '/':
			p.i++
			if !p.endTag() {
				return nil, false
			}
			continue
		}
		if root != nil && len(p.stack) == 0 {
			return nil, false
		}
		if len(p.stack) >= maxDepth {
			return nil, false
		}
		n, ok := p.startTag()
		if !ok {
			return nil, false
		}
		if root == nil {
			root = n
		}
	}
	if root == nil || len(p.stack) != 0 {
		return nil, false
	}
	return root, true
}

// startTag reads `name attrs>` or `name attrs/>` after '<' and opens the element.
func (p *fastParser) startTag() (*node, bool) {
	start := p.i
	prefix, local, ok := p.name()
	raw := p.s[start:p.i]
	if !ok {
		return nil, false
	}
	mark := len(p.ns)
	attrMark := len(p.attrs)
	empty := false
	for {
		p.space()
		if p.i >= len(p.s) {
			return nil, false
		}
		if c := p.s[p.i]; c == '/' {
			if p.i+1 >= len(p.s) || p.s[p.i+1] != '>' {
				return nil, false
			}
			p.i += 2
			empty = true
			break
		} else if c == '>' {
			p.i++
			break
		}
		ap, al, ok := p.name()
		if !ok {
			return nil, false
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != '=' {
			return nil, false
		}
		p.i++
		p.space()
		if p.i >= len(p.s) {
			return nil, false
		}
		q := p.s[p.i]
		if q != '"' && q != '\'' {
			return nil, false
		}
		p.i++
		j := strings.IndexByte(p.s[p.i:], q)
		if j < 0 {
			return nil, false
		}
		raw := p.s[p.i : p.i+j]
		p.i += j + 1
		if strings.IndexByte(raw, '<') >= 0 {
			return nil, false
		}
		v, ok := p.text(raw, int(q))
		if !ok {
			return nil, false
		}
		switch {
		case ap == "xmlns":
			p.ns = append(p.ns, nsBinding{al, v})
		case ap == "" && al == "xmlns":
			p.ns = append(p.ns, nsBinding{"", v})
		}
		if ap == "xml" {
			return nil, false
		}
		p.attrs = append(p.attrs, xml.Attr{Name: xml.Name{Space: ap, Local: al}, Value: v})
	}
	attrs := p.attrs[attrMark:len(p.attrs):len(p.attrs)]
	if prefix == "xml" || prefix == "xmlns" || (prefix == "" && local == "xmlns") {
		return nil, false
	}
	// encoding/xml translates prefixes once the element's own bindings are in scope; an
	// attribute without a prefix stays in no namespace, one with an unbound prefix keeps it.
	for i := range attrs {
		if sp := attrs[i].Name.Space; sp != "" && sp != "xmlns" {
			if url, ok := p.lookup(sp); ok {
				attrs[i].Name.Space = url
			}
		}
	}
	space := prefix
	if url, ok := p.lookup(prefix); ok {
		space = url
	}
	if len(p.nodes) == cap(p.nodes) {
		p.nodes = make([]node, 0, 16)
	}
	p.nodes = append(p.nodes, node{Space: space, Local: local, Attrs: attrs})
	n := &p.nodes[len(p.nodes)-1]
	if len(p.stack) > 0 {
		p.kids = append(p.kids, n)
	}
	if empty {
		p.ns = p.ns[:mark]
		return n, true
	}
	p.stack = append(p.stack, fastOpen{n: n, raw: raw, nsMark: mark, kidsMark: len(p.kids)})
	return n, true
}

// endTag reads `name>` after "</" and closes the innermost element, which must have that name.
// Raw names compare as encoding/xml's split names do (the split is one-to-one), so the name is
// matched against the start tag's bytes and not read on its own.
func (p *fastParser) endTag() bool {
	if len(p.stack) == 0 {
		return false
	}
	top := p.stack[len(p.stack)-1]
	if !strings.HasPrefix(p.s[p.i:], top.raw) {
		return false
	}
	p.i += len(top.raw)
	if p.i < len(p.s) && (nameByte(p.s[p.i]) || p.s[p.i] >= utf8.RuneSelf) {
		return false
	}
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '>' {
		return false
	}
	p.i++
	p.ns = p.ns[:top.nsMark]
	p.stack = p.stack[:len(p.stack)-1]
	if kids := p.kids[top.kidsMark:]; len(kids) > 0 {
		start := len(p.lists)
		p.lists = append(p.lists, kids...)
		top.n.Children = p.lists[start:len(p.lists):len(p.lists)]
		p.kids = p.kids[:top.kidsMark]
	}
	return true
}

func (p *fastParser) lookup(prefix string) (string, bool) {
	for k := len(p.ns) - 1; k >= 0; k-- {
		if p.ns[k].prefix == prefix {
			return p.ns[k].url, true
		}
	}
	return "", false
}

// name reads an ASCII XML name and splits it the way encoding/xml does: "p:l" is a prefix and a
// local name, a name with a leading or trailing colon is all local, two colons give up.
func (p *fastParser) name() (prefix, local string, ok bool) {
	start := p.i
	for p.i < len(p.s) && nameByte(p.s[p.i]) {
		p.i++
	}
	s := p.s[start:p.i]
	if s == "" || (p.i < len(p.s) && p.s[p.i] >= utf8.RuneSelf) {
		return "", "", false
	}
	if c := s[0]; c == '-' || c == '.' || ('0' <= c && c <= '9') {
		return "", "", false
	}
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return "", intern(s), true
	}
	if strings.IndexByte(s[colon+1:], ':') >= 0 {
		return "", "", false
	}
	if colon > 0 && colon < len(s)-1 {
		return intern(s[:colon]), intern(s[colon+1:]), true
	}
	return "", intern(s), true
}

func nameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

func (p *fastParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\n', '\t':
			p.i++
		default:
			return
		}
	}
}

// text decodes character data (quote < 0) or an attribute value quoted by quote: entities and
// character references replaced, every character checked against the XML character range; the
// result is always a string of its own.
func (p *fastParser) text(raw string, quote int) (string, bool) {
	amp := -1
	for k := 0; k < len(raw); k++ {
		c := raw[k]
		switch {
		case c == '&':
			if amp < 0 {
				amp = k
			}
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(raw[k:])
			if r == utf8.RuneError && size == 1 || !inCharRange(r) {
				return "", false
			}
			k += size - 1
		case c < 0x20 && c != '\t' && c != '\n':
			return "", false
		case quote < 0 && c == '>' && k >= 2 && raw[k-1] == ']' && raw[k-2] == ']':
			return "", false
		}
	}
	if amp < 0 {
		return strings.Clone(raw), true
	}
	b := append(p.buf[:0], raw[:amp]...)
	for k := amp; k < len(raw); {
		c := raw[k]
		if c != '&' {
			// A "]]>" formed across an entity is fine for encoding/xml (it forgets the two
			// bytes before an entity), and a literal one was refused above.
			b = append(b, c)
			k++
			continue
		}
		semi := strings.IndexByte(raw[k:], ';')
		if semi < 0 {
			return "", false
		}
		ent := raw[k+1 : k+semi]
		k += semi + 1
		switch ent {
		case "lt":
			b = append(b, '<')
		case "gt":
			b = append(b, '>')
		case "amp":
			b = append(b, '&')
		case "apos":
			b = append(b, '\'')
		case "quot":
			b = append(b, '"')
		default:
			r, ok := charRef(ent)
			if !ok {
				return "", false
			}
			b = utf8.AppendRune(b, r)
		}
	}
	p.buf = b
	return string(b), true
}

// charRef decodes "#123" or "#x7B" to a character inside the XML range.
func charRef(ent string) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	digits, base := ent[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if digits == "" || len(digits) > 8 {
		return 0, false
	}
	var r rune
	for k := 0; k < len(digits); k++ {
		c := digits[k]
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		r = r*base + d
	}
	if r == '\r' || !inCharRange(r) {
		return 0, false
	}
	return r, true
}

func inCharRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

func blank(s string) bool {
	for k := 0; k < len(s); k++ {
		switch s[k] {
		case ' ', '\n', '\t':
		default:
			return false
		}
	}
	return true
}
