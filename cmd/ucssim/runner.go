package main

import (
	"context"
	"os"

	"github.com/ucssim/ucssim/scenarios"
	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/report"
	"github.com/ucssim/ucssim/sim/runner"
	"github.com/ucssim/ucssim/sim/scenario"
)

// defaultApp is the real CLI: the sim runner and the suite embedded from scenarios/.
func defaultApp() *App {
	return &App{
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Runner:      simRunner,
		Bundled:     scenarios.FS,
		BundledRoot: "scenarios",
		Version:     buildVersion(),
	}
}

// simRunner runs one file on a fresh world and copies runner.Result into a report.Case.
func simRunner(ctx context.Context, f *scenario.File, seed *uint64, wire sim.Wire) report.Case {
	r := runner.Run(ctx, f, runner.RunOptions{Seed: seed, World: sim.WorldOptions{Wire: wire}})
	c := report.Case{
		Name: f.Name, Path: f.Path, Labels: f.Labels, Description: f.Description, Notes: notesOf(f),
		Passed: r.Passed, Wall: r.Wall, Virtual: r.Virtual, Trace: r.Trace, Err: r.Err, Start: r.Start,
		Steps: r.Steps, Failure: r.Failure,
	}
	return c
}

// notesOf lists the `note:` of every step of f.
func notesOf(f *scenario.File) []report.Note {
	var out []report.Note
	for _, s := range f.Steps {
		if s.Note != "" {
			out = append(out, report.Note{Line: s.Pos.Line, Col: s.Pos.Col, Text: s.Note})
		}
	}
	return out
}
