package main

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestUcssim(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "ucssim CLI suite")
}
