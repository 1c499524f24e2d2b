package report_test

import (
	"errors"
	"time"

	"github.com/ucssim/ucssim/sim/report"
)

func passing() report.Case {
	return report.Case{Name: "Rollback is temporary", Path: "scenarios/rollback/temporary.yaml",
		Labels: []string{"rollback"}, Passed: true, Wall: 12 * time.Millisecond, Virtual: 7*24*time.Hour + 15*time.Minute,
		Trace: []byte(`{"time":"2026-01-05T09:00:00Z","seq":1,"type":"signin"}` + "\n")}
}

func failing() report.Case {
	return report.Case{Name: "Prompt after migration", Path: "scenarios/prompts/logoff.yaml", Wall: 3 * time.Millisecond,
		Virtual: 15 * time.Minute,
		Failure: &report.Failure{Path: "scenarios/prompts/logoff.yaml", Line: 14, Col: 5,
			Step: "expect: {user: Ken Myer, prompt: logoff}", Expected: "prompt logoff", Seen: "prompt none",
			LastEvents: []string{"09:10:00 migration.completed sip:kenmyer@litwareinc.com", "09:10:00 prompt.shown sip:kenmyer@litwareinc.com"}},
		Trace: []byte("{}\n")}
}

func invalid() report.Case {
	return report.Case{Path: "scenarios/bad.yaml", Invalid: true,
		Err: errors.New("scenarios/bad.yaml:2:7: seed: expected a whole number >= 0, got \"x\"\nscenarios/bad.yaml:3:1: unknown key \"nmae\"")}
}
