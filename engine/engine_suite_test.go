package engine_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// suiteT lets specs run bubbles of testing/synctest, where the virtual clock's own real-time
// pauses (clock.Mock sleeps 1 ms per Set) cost nothing.
var suiteT *testing.T

func TestEngine(t *testing.T) {
	suiteT = t
	RegisterFailHandler(Fail)
	RunSpecs(t, "Engine Suite")
}
