package frontend_test

import (
	"log/slog"
	"testing"

	"github.com/emiago/sipgo/sip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFrontend(t *testing.T) {
	sip.SetDefaultLogger(discard)
	RegisterFailHandler(Fail)
	RunSpecs(t, "SIP front end")
}

// discard silences sipgo's package-level logger (connection reference-count chatter).
var discard = slog.New(slog.DiscardHandler)
