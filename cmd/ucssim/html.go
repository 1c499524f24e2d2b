package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ucssim/ucssim/sim/report"
	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/sim/sweep"
	"github.com/ucssim/ucssim/sim/timeline"
)

// writeHTML writes one timeline page per scenario that ran (dir/<name-slug>.html) and dir/index.html.
func writeHTML(dir string, cases []report.Case, files map[int]*scenario.File, wall time.Duration) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--html: %w", err)
	}
	used := map[string]int{}
	var entries []timeline.IndexEntry
	for i, c := range cases {
		e := timeline.IndexEntry{Name: c.Title(), Path: c.Path, Labels: c.Labels, Passed: c.Passed && c.Err == nil,
			Invalid: c.Invalid, Wall: c.Wall, Virtual: c.Virtual}
		if c.Err != nil {
			e.Problem = c.Err.Error()
		}
		if fl := c.Failure; fl != nil {
			e.Problem = fmt.Sprintf("%s:%d:%d: %s: expected %s, saw %s", fl.Path, fl.Line, fl.Col, fl.Step, fl.Expected, fl.Seen)
		}
		f := files[i]
		if c.Invalid || f == nil {
			entries = append(entries, e)
			continue
		}
		slug := report.Slug(c.Title())
		used[slug]++
		if n := used[slug]; n > 1 {
			slug = fmt.Sprintf("%s-%d", slug, n)
		}
		var events []timeline.Event
		if len(bytes.TrimSpace(c.Trace)) > 0 {
			ev, err := timeline.ParseJSONL(bytes.NewReader(c.Trace))
			if err != nil {
				return fmt.Errorf("--html: the trace of %q: %w", c.Title(), err)
			}
			events = ev
		}
		opt := timeline.PageOptions{IndexHref: "index.html"}
		if c.Wave != nil {
			opt.Extra = c.Wave.HTML()
		}
		page := timeline.Build(timeline.FromCase(f, c), events).Page(opt)
		if err := os.WriteFile(filepath.Join(dir, slug+".html"), page, 0o644); err != nil {
			return fmt.Errorf("--html: %w", err)
		}
		e.Href = slug + ".html"
		entries = append(entries, e)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), timeline.Index("ucssim run", entries, wall), 0o644); err != nil {
		return fmt.Errorf("--html: %w", err)
	}
	return nil
}

// writeSweepHTML writes a sweep's report as pages: dir/index.html lists the intervals of offsets
// with one outcome (the same index page as run --html), and each interval's first and last run
// has its timeline page (dir/offset<signed>.html), so the runs on either side of a boundary can be
// compared.
func writeSweepHTML(dir string, rep *sweep.Report, wallTotal time.Duration) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--html: %w", err)
	}
	page := func(d time.Duration) (string, error) {
		k, ok := rep.Kept[d]
		if !ok {
			return "", nil
		}
		st, events, err := timeline.FromResult(k.File, k.Result)
		if err != nil {
			return "", fmt.Errorf("--html: the trace of the run at %s: %w", sweep.Signed(d), err)
		}
		st.Name = fmt.Sprintf("%s: step %d (%s) moved by %s", st.Name, rep.Step, rep.StepText, sweep.Signed(d))
		name := "offset" + sweep.Signed(d) + ".html"
		if err := os.WriteFile(filepath.Join(dir, name), timeline.Build(st, events).Page(timeline.PageOptions{IndexHref: "index.html", IndexText: "← all intervals"}), 0o644); err != nil {
			return "", fmt.Errorf("--html: %w", err)
		}
		return name, nil
	}
	var entries []timeline.IndexEntry
	for _, iv := range rep.Intervals {
		at := "+" + scenario.FormatDuration(rep.At+iv.From)
		name := sweep.Signed(iv.From)
		if iv.To != iv.From {
			name += " .. " + sweep.Signed(iv.To)
			at += " .. +" + scenario.FormatDuration(rep.At+iv.To)
		}
		e := timeline.IndexEntry{Name: name + " (step at " + at + ")", Path: rep.File.Path, Labels: rep.Changes(iv),
			Passed: iv.Outcome.Passed, Invalid: iv.Outcome.Invalid != "", Problem: iv.Outcome.Failure}
		if iv.Outcome.Invalid != "" {
			e.Name, e.Problem = name, "the step cannot go there: "+iv.Outcome.Invalid
		} else if len(e.Labels) == 0 {
			e.Labels = []string{"events as written"}
		}
		if k, ok := rep.Kept[iv.From]; ok && k.Result.Failure != nil {
			fl := k.Result.Failure
			e.Problem = fmt.Sprintf("line %d: %s: expected %s, saw %s", fl.Line, fl.Step, fl.Expected, fl.Seen)
		}
		first, err := page(iv.From)
		if err != nil {
			return err
		}
		if k, ok := rep.Kept[iv.From]; ok {
			e.Href, e.Wall, e.Virtual = first, k.Result.Wall, k.Result.Virtual
		}
		if iv.To != iv.From {
			last, err := page(iv.To)
			if err != nil {
				return err
			}
			if last != "" {
				e.Links = []timeline.IndexLink{{Text: "run at " + sweep.Signed(iv.To), Href: last}}
			}
		}
		entries = append(entries, e)
	}
	opt := timeline.IndexOptions{Title: "ucssim sweep: " + rep.File.Name, Intro: rep.Heading(), Noun: "intervals",
		Column: "offsets (the name opens the first run of the interval)", Labels: "events compared with the file as written",
		Footer: "ucssim sweep · each page is self-contained", Wall: wallTotal}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), timeline.IndexPage(opt, entries), 0o644); err != nil {
		return fmt.Errorf("--html: %w", err)
	}
	return nil
}
