package ews

import (
	"bytes"
	"encoding/xml"
	"sync"
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
		w.textEsc(attrs[i+1])
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
	w.textEsc(text)
	w.close(name)
}

func (w *xmlWriter) bytes() []byte { return w.b.Bytes() }

// textEsc writes s escaped as xml.EscapeText does; text with nothing to escape (the common case)
// is copied as is, without xml.EscapeText's conversion to bytes.
func (w *xmlWriter) textEsc(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '&' || c == '<' || c == '>' {
			xml.EscapeText(&w.b, []byte(s))
			return
		}
	}
	w.b.WriteString(s)
}

// writers recycles the buffers of the mock's answers (a GetImItemList answer of 100 contacts is
// tens of kilobytes, grown step by step for every request otherwise).
var writers = sync.Pool{New: func() any { return new(xmlWriter) }}

// maxPooledWriter bounds the buffers kept for reuse, so one huge answer is not held forever.
const maxPooledWriter = 1 << 20

func getWriter() *xmlWriter { return writers.Get().(*xmlWriter) }

// putWriter recycles w; its bytes must no longer be referenced.
func putWriter(w *xmlWriter) {
	if w.b.Cap() > maxPooledWriter {
		return
	}
	w.b.Reset()
	writers.Put(w)
}
