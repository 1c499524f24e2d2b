package scenario

import (
	"fmt"
	"strings"
)

// CheckSuite checks what no single file can: scenario names are unique across the suite
// (compared case-insensitively). Each later duplicate is reported at its `name:` value.
func CheckSuite(files []*File) error {
	var errs ErrorList
	first := map[string]*File{}
	for _, f := range files {
		if f == nil {
			continue
		}
		k := strings.ToLower(strings.TrimSpace(f.Name))
		if prev := first[k]; prev != nil {
			line, col := f.NamePos.Line, f.NamePos.Col
			if line == 0 {
				line, col = 1, 1
			}
			errs = append(errs, &Error{Path: f.Path, Line: line, Col: col,
				Msg: fmt.Sprintf("duplicate scenario name %q (also in %s:%d)", f.Name, prev.Path, max(prev.NamePos.Line, 1))})
			continue
		}
		first[k] = f
	}
	errs.Sort()
	return errs.Err()
}
