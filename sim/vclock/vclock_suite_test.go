package vclock_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestVclock(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "vclock suite")
}
