package runner_test

import (
	"bytes"
	"context"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/scenarios/scalegen"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

var _ = Describe("A generated population (scenarios/scalegen)", func() {
	It("lives the full 7-day story: every user migrates, is rolled back and migrates again", func() {
		var doc strings.Builder
		scalegen.Write(&doc, 3, 10)
		f, err := scenario.Parse("population.yaml", []byte(doc.String()))
		Expect(err).NotTo(HaveOccurred())
		res := runner.Run(context.Background(), f, runner.RunOptions{})
		Expect(res.Failure).To(BeNil())
		Expect(res.Passed).To(BeTrue())
		Expect(res.Virtual).To(Equal(7*24*time.Hour + 80*time.Minute))
		Expect(bytes.Count(res.Trace, []byte(`"migration.completed"`))).To(Equal(6), "two migrations per user")
		Expect(bytes.Count(res.Trace, []byte(`"rollback.completed"`))).To(Equal(3))
	})
})
