package ews

import (
	"bytes"
	"encoding/xml"
	"io"
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
})
