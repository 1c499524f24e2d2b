package ews

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// node is a parsed XML element. Readers match by local name and skip what they do not know.
type node struct {
	Space, Local string
	Attrs        []xml.Attr
	Children     []*node
	Text         string
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack or memory.
const maxDepth = 64

var errNoRoot = errors.New("no root element")

// parseXML reads one XML document into a tree: the fast path for the subset ucssim speaks, and
// encoding/xml for everything else (and for every error).
func parseXML(data []byte) (*node, error) {
	if n, ok := fastParse(data); ok {
		return n, nil
	}
	return parseXMLStd(data)
}

// parseXMLStd reads one XML document into a tree with encoding/xml.
func parseXMLStd(data []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, errors.New("more than one root element")
			}
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("elements nested deeper than %d", maxDepth)
			}
			n := &node{Space: t.Name.Space, Local: t.Name.Local, Attrs: t.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				if top := stack[len(stack)-1]; len(top.Children) == 0 {
					top.Text += string(t)
				}
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, errors.New("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errNoRoot
	}
	return root, nil
}

// child is the first child with the local name, or nil.
func (n *node) child(local string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.Local == local {
			return c
		}
	}
	return nil
}

// children are all children with the local name.
func (n *node) children(local string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, c := range n.Children {
		if c.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// path follows local names down the first match at each level.
func (n *node) path(locals ...string) *node {
	for _, l := range locals {
		n = n.child(l)
	}
	return n
}

// attr is the value of the attribute with the local name.
func (n *node) attr(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// text is the trimmed text of n, or "".
func (n *node) text() string {
	if n == nil {
		return ""
	}
	return strings.TrimSpace(n.Text)
}
