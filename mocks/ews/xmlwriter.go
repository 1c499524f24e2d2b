package ews

import (
	"bytes"
	"encoding/xml"
)

// xmlWriter writes XML with the fixed prefixes of docs/PROTOCOLS.md; names carry their prefix.
type xmlWriter struct {
	b bytes.Buffer
}

func (w *xmlWriter) raw(s string) { w.b.WriteString(s) }

// open writes a start tag; attrs are name, value pairs.
func (w *xmlWriter) open(name string, attrs ...string) {
	w.b.WriteByte('<')
	w.b.WriteString(name)
	w.attrs(attrs)
	w.b.WriteByte('>')
}

// empty writes a self-closed element.
func (w *xmlWriter) empty(name string, attrs ...string) {
	w.b.WriteByte('<')
	w.b.WriteString(name)
	w.attrs(attrs)
	w.b.WriteString("/>")
}

func (w *xmlWriter) attrs(attrs []string) {
	for i := 0; i+1 < len(attrs); i += 2 {
		w.b.WriteByte(' ')
		w.b.WriteString(attrs[i])
		w.b.WriteString(`="`)
		xml.EscapeText(&w.b, []byte(attrs[i+1]))
		w.b.WriteByte('"')
	}
}

func (w *xmlWriter) close(name string) {
	w.b.WriteString("</")
	w.b.WriteString(name)
	w.b.WriteByte('>')
}

// elem writes <name>text</name>.
func (w *xmlWriter) elem(name, text string) {
	w.open(name)
	xml.EscapeText(&w.b, []byte(text))
	w.close(name)
}

func (w *xmlWriter) bytes() []byte { return w.b.Bytes() }

func (w *xmlWriter) textEsc(s string) { xml.EscapeText(&w.b, []byte(s)) }
