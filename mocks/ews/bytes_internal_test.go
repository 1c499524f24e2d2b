package ews

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"strings"
	"testing/iotest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("the EWS path's byte handling", func() {
	It("escapes text exactly as xml.EscapeText does", func() {
		for _, s := range []string{"", "Ken Myer", "a&b<c>d\"e'f", "tab\there\nline\rcr", "é ü 日本", "\x00\x1f\x7f", "\xff\xfe", "\ufffd"} {
			var want bytes.Buffer
			Expect(xml.EscapeText(&want, []byte(s))).To(Succeed())
			var w xmlWriter
			w.textEsc(s)
			Expect(w.b.String()).To(Equal(want.String()), "%q", s)
		}
	})

	It("reads a body as io.ReadAll does whether its announced size is right, short, long or absent", func() {
		body := strings.Repeat("<x>contact</x>", 500)
		for _, size := range []int64{-1, 0, int64(len(body)), 10, int64(len(body)) + 100, 1 << 30} {
			got, err := readBody(iotest.OneByteReader(strings.NewReader(body)), size, 1<<20)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(got)).To(Equal(body), "announced %d", size)
		}
		_, err := readBody(iotest.TimeoutReader(strings.NewReader(body)), int64(len(body)), 1<<20)
		Expect(err).To(MatchError(iotest.ErrTimeout))
		got, err := readBody(io.LimitReader(strings.NewReader(body), 7), int64(len(body)), 1<<20)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal(body[:7]))
	})
	It("recycles a body buffer without touching the tree parsed from it", func() {
		answer, err := os.ReadFile("testdata/golden/GetImItemList.response.xml")
		Expect(err).NotTo(HaveOccurred())
		want, err := parseXMLStd(answer)
		Expect(err).NotTo(HaveOccurred())
		for range 3 {
			data, err := readBody(bytes.NewReader(answer), int64(len(answer)), 1<<20)
			Expect(err).NotTo(HaveOccurred())
			tree, err := parseXML(data)
			Expect(err).NotTo(HaveOccurred())
			releaseBody(data)
			junk := bytes.Repeat([]byte("x"), len(answer))
			again, err := readBody(bytes.NewReader(junk), int64(len(junk)), 1<<20)
			Expect(err).NotTo(HaveOccurred())
			Expect(again).To(Equal(junk))
			Expect(sameTree(tree, want)).To(BeTrue(), "the tree owns its strings")
			releaseBody(again)
		}
	})
})
