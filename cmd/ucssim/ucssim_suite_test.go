package main

import (
	"sync"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

func TestUcssim(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "ucssim CLI suite")
}

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// ucssimBinary is the ucssim command built once for the specs that run it as a process of its
// own (a terminal, signals); removed after the suite.
func ucssimBinary() string {
	GinkgoHelper()
	binaryOnce.Do(func() { binaryPath, binaryErr = gexec.Build("github.com/ucssim/ucssim/cmd/ucssim") })
	Expect(binaryErr).NotTo(HaveOccurred())
	return binaryPath
}

var _ = AfterSuite(gexec.CleanupBuildArtifacts)
