package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Slug turns a scenario name into a file name: lower-case letters and digits joined by single
// dashes ("Rollback: 7 days!" is "rollback-7-days").
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	s := b.String()
	if len(s) > 100 {
		s = strings.TrimRight(s[:100], "-")
	}
	if s == "" {
		s = "scenario"
	}
	return s
}

// WriteTraces writes the trace of every case that ran to dir/<name-slug>.jsonl, creating dir.
// Names that slug alike get -2, -3, ... in case order. It returns the files written.
func WriteTraces(dir string, cases []Case) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("trace directory: %w", err)
	}
	used := map[string]int{}
	var written []string
	for _, c := range cases {
		if c.Invalid {
			continue
		}
		slug := Slug(c.Title())
		used[slug]++
		if n := used[slug]; n > 1 {
			slug = fmt.Sprintf("%s-%d", slug, n)
		}
		p := filepath.Join(dir, slug+".jsonl")
		if err := os.WriteFile(p, c.Trace, 0o644); err != nil {
			return written, fmt.Errorf("trace of %q: %w", c.Title(), err)
		}
		written = append(written, p)
	}
	return written, nil
}
