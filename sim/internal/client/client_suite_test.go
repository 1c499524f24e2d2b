package client_test

import (
	"log/slog"
	"testing"

	"github.com/emiago/sipgo/sip"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestClient(t *testing.T) {
	sip.SetDefaultLogger(slog.New(slog.DiscardHandler))
	RegisterFailHandler(Fail)
	RunSpecs(t, "simulated Lync clients")
}
