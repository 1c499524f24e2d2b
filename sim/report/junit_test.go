package report_test

import (
	"bytes"
	"encoding/xml"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/report"
)

// The shape CI systems read (Jenkins, GitLab, GitHub actions): parsed back independently of
// the writer's own types.
type parsedSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name      string `xml:"name,attr"`
		Tests     int    `xml:"tests,attr"`
		Failures  int    `xml:"failures,attr"`
		Errors    int    `xml:"errors,attr"`
		Time      string `xml:"time,attr"`
		Timestamp string `xml:"timestamp,attr"`
		Cases     []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
			} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(data []byte) parsedSuites {
	var s parsedSuites
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	Expect(dec.Decode(&s)).To(Succeed(), string(data))
	return s
}

var _ = Describe("WriteJUnit", func() {
	It("writes one testsuite with one testcase per scenario that parses back", func() {
		var buf bytes.Buffer
		started := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
		Expect(report.WriteJUnit(&buf, "ucssim", started, []report.Case{passing(), failing(), invalid()})).To(Succeed())
		Expect(buf.String()).To(HavePrefix(`<?xml version="1.0" encoding="UTF-8"?>`))
		s := parseJUnit(buf.Bytes())
		Expect([]int{s.Tests, s.Failures, s.Errors}).To(Equal([]int{3, 1, 1}))
		Expect(s.Suites).To(HaveLen(1))
		suite := s.Suites[0]
		Expect(suite.Name).To(Equal("ucssim"))
		Expect(suite.Time).To(Equal("0.015"))
		Expect(suite.Timestamp).To(Equal("2026-01-05T09:00:00"))
		Expect(suite.Cases).To(HaveLen(3))

		Expect(suite.Cases[0].Name).To(Equal("Rollback is temporary"))
		Expect(suite.Cases[0].Classname).To(Equal("scenarios/rollback/temporary.yaml"))
		Expect(suite.Cases[0].Time).To(Equal("0.012"))
		Expect(suite.Cases[0].Failure).To(BeNil())
		Expect(suite.Cases[0].Error).To(BeNil())

		f := suite.Cases[1].Failure
		Expect(f).NotTo(BeNil())
		Expect(f.Type).To(Equal("StepFailed"))
		Expect(f.Message).To(Equal("scenarios/prompts/logoff.yaml:14:5: expected prompt logoff, seen prompt none"))
		Expect(f.Text).To(ContainSubstring("last events:\n      09:10:00 migration.completed"))

		e := suite.Cases[2].Error
		Expect(e).NotTo(BeNil())
		Expect(e.Type).To(Equal("InvalidScenario"))
		Expect(e.Message).To(Equal(`scenarios/bad.yaml:2:7: seed: expected a whole number >= 0, got "x"`))
		Expect(suite.Cases[2].Name).To(Equal("scenarios/bad.yaml"))
	})

	It("stays valid XML whatever the scenario text holds", func() {
		c := failing()
		c.Name = `Quotes " & <angles> and a bell` + "\x07" + " and bad UTF-8 \xff"
		c.Failure.Seen = "]]> </failure>"
		var buf bytes.Buffer
		Expect(report.WriteJUnit(&buf, "ucssim", time.Time{}, []report.Case{c})).To(Succeed())
		s := parseJUnit(buf.Bytes())
		Expect(s.Suites[0].Cases[0].Name).To(Equal(`Quotes " & <angles> and a bell and bad UTF-8 ?`))
		Expect(s.Suites[0].Cases[0].Failure.Text).To(ContainSubstring("seen:     ]]> </failure>"))
		Expect(s.Suites[0].Timestamp).To(BeEmpty())
	})
})
