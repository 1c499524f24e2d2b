package main

import (
	"context"
	"fmt"
	"os"

	"github.com/ucssim/ucssim/engine"
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
func simRunner(ctx context.Context, f *scenario.File, cfg RunConfig) report.Case {
	r := runner.Run(ctx, f, runner.RunOptions{Seed: cfg.Seed, Requests: cfg.Report, World: sim.WorldOptions{Wire: cfg.Wire}})
	c := report.Case{
		Name: f.Name, Path: f.Path, Labels: f.Labels, Description: f.Description, Notes: notesOf(f),
		Passed: r.Passed, Wall: r.Wall, Virtual: r.Virtual, Trace: r.Trace, Err: r.Err, Start: r.Start,
		Steps: r.Steps, Failure: r.Failure,
	}
	if cfg.Report && r.Err == nil {
		reqs := make([]report.Request, len(r.Requests))
		for i, q := range r.Requests {
			reqs[i] = report.Request{At: q.At, Busy: q.Result == engine.CodeServerBusy}
		}
		if w, err := report.NewWave(r.Trace, r.Start, reqs); err == nil {
			c.Wave = w
		} else {
			c.Err = fmt.Errorf("--report: %w", err)
		}
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
