package frontend

import (
	"errors"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
)

var _ = Describe("The SIP answer to an engine error", func() {
	DescribeTable("is decided by the error's kind, wrapped or not",
		func(err error, code int, reason string) {
			c, r := answerFor(err)
			Expect(c).To(Equal(code))
			Expect(r).To(Equal(reason))
		},
		Entry("unknown user", fmt.Errorf("contact list of sip:x@y: %w", engine.ErrUnknownUser), 404, "Not Found"),
		Entry("ambiguous user", engine.ErrAmbiguousUser, 485, "Ambiguous"),
		Entry("a refused write", fmt.Errorf("apply: %w", &engine.Refusal{Status: 403, Diag: 2165, Reason: "read-only"}), 403, "Forbidden"),
		Entry("anything else", errors.New("disk on fire"), 500, "Server Internal Error"),
	)
})
