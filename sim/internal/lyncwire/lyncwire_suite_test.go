package lyncwire_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestLyncwire(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "lyncwire suite")
}
