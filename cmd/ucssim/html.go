package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ucssim/ucssim/sim/report"
	"github.com/ucssim/ucssim/sim/scenario"
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
