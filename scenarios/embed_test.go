package scenarios_test

import (
	"io/fs"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/scenarios"
	"github.com/ucssim/ucssim/sim/scenario"
)

var _ = Describe("the embedded suite", func() {
	It("holds every topic directory but scale/, whose large population stories only make bench-scale runs", func() {
		onDisk, err := os.ReadDir(".")
		Expect(err).NotTo(HaveOccurred())
		var want []string
		for _, e := range onDisk {
			if e.IsDir() && e.Name() != "scale" {
				want = append(want, e.Name())
			}
		}
		embedded, err := fs.ReadDir(scenarios.FS, ".")
		Expect(err).NotTo(HaveOccurred())
		var got []string
		for _, e := range embedded {
			got = append(got, e.Name())
		}
		Expect(got).To(Equal(want), "list a new topic directory in embed.go's go:embed line")
		scale, err := scenario.Discover([]string{"scale"})
		Expect(err).NotTo(HaveOccurred())
		Expect(scale).NotTo(BeEmpty())
		for _, p := range scale {
			_, err := scenario.Load(p)
			Expect(err).NotTo(HaveOccurred(), "make bench-scale runs %s: it must stay valid", p)
		}
	})
})
