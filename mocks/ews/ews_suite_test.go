package ews_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestEWS(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "mocks/ews")
}
