package enginetest_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestEnginetest(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Enginetest Suite")
}
