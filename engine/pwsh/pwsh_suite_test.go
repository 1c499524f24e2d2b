package pwsh_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestPwsh(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "pwsh suite")
}
