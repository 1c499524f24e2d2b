package ews

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// sameTree reports whether a and b are the same tree (an absent and an empty attribute list are
// the same).
func sameTree(a, b *node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Space != b.Space || a.Local != b.Local || a.Text != b.Text || len(a.Attrs) != len(b.Attrs) || len(a.Children) != len(b.Children) {
		return false
	}
	for i := range a.Attrs {
		if a.Attrs[i] != b.Attrs[i] {
			return false
		}
	}
	for i := range a.Children {
		if !sameTree(a.Children[i], b.Children[i]) {
			return false
		}
	}
	return true
}

// fastCases are documents at the edges of the fast path's subset: each must parse to the same
// tree, or fail with the same error, as encoding/xml alone.
var fastCases = []string{
	xmlDecl + `<a:x xmlns:a="urn:a"><a:y k="v" a:k="w">t</a:y></a:x>`,
	`<x xmlns="urn:d"><y xmlns=""><z/></y><w xmlns:p="urn:p" p:q="1"/></x>`,
	`<x xmlns:p="urn:1"><p:y xmlns:p="urn:2"/><p:z/></x>`,
	`<x><u:y u:a="1"/></x>`,
	`<x>a &lt;&gt;&amp;&apos;&quot; &#65;&#x42;&#x10FFFF; é</x>`,
	`<x a='"' b="'" c="&lt;&#10;"/>`,
	`<x>before<y/>after</x>`,
	"<x>\n\t<y>  spaced  </y>\n</x>\n  ",
	`<x  a = "1"b="2" ></x >`,
	`<:x/>`, `<x:/>`, `<a:b:c/>`, `<x xmlns:="u"/>`,
	`<x>]]></x>`, `<x>]]&gt;</x>`, `<x a="]]>"/>`,
	`<x>&#0;</x>`, `<x>&#xD800;</x>`, `<x>&#13;</x>`, `<x>&#X41;</x>`, `<x>&#x;</x>`, `<x>&nbsp;</x>`, `<x>&lt</x>`, `<x>& </x>`,
	"<x>a\r\nb</x>", "<x>\x01</x>", "<x>\xff</x>", "<x a=\"\xc3\"/>",
	`<x><!-- c --></x>`, `<x><![CDATA[<y>]]></x>`, `<!DOCTYPE x><x/>`, `<?xml version="1.1"?><x/>`, "\ufeff<x/>",
	`<?xml version="1.0" encoding="utf-8"?><?pi?><x/>`,
	`<xml:x/>`, `<x xml:lang="en"/>`, `<xmlns:x/>`, `<xmlns/>`, `<x xmlns:xmlns="u"/>`,
	`<x>`, `<x></y>`, `<x></x><y/>`, `text<x/>`, `<x/>text`, `<x/>`, ``, `<`, `</x>`, `<x a/>`, `<x a=1/>`, `<x a="<"/>`, `<x/ >`,
	`<1x/>`, `<-x/>`, `<x.y-z_1/>`, "<\u00e9/>", "<x\u00e9/>",
}

var _ = Describe("the fast XML path", func() {
	It("parses every golden EWS request and answer itself, to the tree encoding/xml builds", func() {
		files, err := filepath.Glob("testdata/golden/*.xml")
		Expect(err).NotTo(HaveOccurred())
		Expect(files).NotTo(BeEmpty())
		for _, f := range files {
			data, err := os.ReadFile(f)
			Expect(err).NotTo(HaveOccurred())
			fast, ok := fastParse(data)
			Expect(ok).To(BeTrue(), f)
			std, err := parseXMLStd(data)
			Expect(err).NotTo(HaveOccurred(), f)
			Expect(sameTree(fast, std)).To(BeTrue(), f)
		}
	})

	It("gives the same tree or the same error as encoding/xml at the edges of its subset", func() {
		for _, doc := range fastCases {
			got, gotErr := parseXML([]byte(doc))
			want, wantErr := parseXMLStd([]byte(doc))
			if wantErr != nil {
				Expect(gotErr).To(MatchError(wantErr.Error()), doc)
				continue
			}
			Expect(gotErr).NotTo(HaveOccurred(), doc)
			Expect(sameTree(got, want)).To(BeTrue(), doc)
		}
	})

	It("shares the names of every golden request and answer from its vocabulary", func() {
		files, err := filepath.Glob("testdata/golden/*.xml")
		Expect(err).NotTo(HaveOccurred())
		var walk func(n *node)
		walk = func(n *node) {
			Expect(names).To(HaveKey(n.Local), "element %s: add it to vocabulary.go", n.Local)
			for _, a := range n.Attrs {
				Expect(names).To(HaveKey(a.Name.Local), "attribute %s: add it to vocabulary.go", a.Name.Local)
			}
			for _, c := range n.Children {
				walk(c)
			}
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			Expect(err).NotTo(HaveOccurred())
			n, ok := fastParse(data)
			Expect(ok).To(BeTrue(), f)
			walk(n)
		}
	})

	It("copies what the tree keeps out of the document, so the tree outlives the buffer it came from", func() {
		data, err := os.ReadFile("testdata/golden/GetImItemList.response.xml")
		Expect(err).NotTo(HaveOccurred())
		before, ok := fastParse(data)
		Expect(ok).To(BeTrue())
		want, err := parseXMLStd(data)
		Expect(err).NotTo(HaveOccurred())
		for i := range data {
			data[i] = 'x'
		}
		Expect(sameTree(before, want)).To(BeTrue())
	})

	It("takes the fast path for namespaces, entities and character references", func() {
		_, ok := fastParse([]byte(fastCases[4]))
		Expect(ok).To(BeTrue())
		n, ok := fastParse([]byte(fastCases[1]))
		Expect(ok).To(BeTrue())
		Expect(n.Space).To(Equal("urn:d"))
		Expect(n.Children[0].Space).To(Equal(""))
		Expect(n.Children[1].Attrs[1].Name).To(Equal(xml.Name{Space: "urn:p", Local: "q"}))
	})
})

// FuzzFastParse holds the fast path to encoding/xml: whatever it accepts, encoding/xml accepts
// too, with the same tree.
func FuzzFastParse(f *testing.F) {
	for _, doc := range fastCases {
		f.Add([]byte(doc))
	}
	files, _ := filepath.Glob("testdata/golden/*.xml")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := fastParse(data)
		if !ok {
			return
		}
		std, err := parseXMLStd(data)
		if err != nil {
			t.Fatalf("fast path accepted what encoding/xml refuses (%v): %q", err, data)
		}
		if !sameTree(fast, std) {
			t.Fatalf("fast path built another tree for %q", data)
		}
	})
}
