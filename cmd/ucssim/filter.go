package main

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/ucssim/ucssim/sim/scenario"
)

// shard is --shard i/n: this process takes the i-th of n slices (1-based) of the sorted files.
type shard struct{ index, count int }

func parseShard(s string) (shard, error) {
	if s == "" {
		return shard{1, 1}, nil
	}
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return shard{}, fmt.Errorf("bad --shard %q: want i/n with 1 <= i <= n, e.g. 2/4", s)
	}
	return shard{i, n}, nil
}

// owns reports whether the k-th file (0-based, in sorted path order) belongs to this shard.
// Round-robin keeps shards balanced and depends only on the sorted list.
func (s shard) owns(k int) bool { return k%s.count == s.index-1 }

// filter is --label (any match, case-insensitive) and --focus (a regexp on the name).
type filter struct {
	labels []string
	focus  *regexp.Regexp
}

func newFilter(labels []string, focus string) (filter, error) {
	f := filter{labels: labels}
	if focus != "" {
		re, err := regexp.Compile(focus)
		if err != nil {
			return f, fmt.Errorf("bad --focus %q: %v", focus, err)
		}
		f.focus = re
	}
	return f, nil
}

func (f filter) match(s *scenario.File) bool {
	if f.focus != nil && !f.focus.MatchString(s.Name) {
		return false
	}
	if len(f.labels) == 0 {
		return true
	}
	for _, want := range f.labels {
		for _, have := range s.Labels {
			if strings.EqualFold(want, have) {
				return true
			}
		}
	}
	return false
}

// active reports whether any filter was given.
func (f filter) active() bool { return f.focus != nil || len(f.labels) > 0 }

// selectsAny reports whether some valid file matches.
func (f filter) selectsAny(files []loaded) bool {
	for _, l := range files {
		if l.file != nil && f.match(l.file) {
			return true
		}
	}
	return false
}

// String names the filters as given on the command line.
func (f filter) String() string {
	var parts []string
	for _, l := range f.labels {
		parts = append(parts, "--label "+strconv.Quote(l))
	}
	if f.focus != nil {
		parts = append(parts, "--focus "+strconv.Quote(f.focus.String()))
	}
	return strings.Join(parts, " ")
}

// knownLabels lists the labels the valid files carry, for the no-selection error.
func knownLabels(files []loaded) string {
	seen := map[string]string{}
	for _, l := range files {
		if l.file == nil {
			continue
		}
		for _, lb := range l.file.Labels {
			if _, ok := seen[strings.ToLower(lb)]; !ok {
				seen[strings.ToLower(lb)] = lb
			}
		}
	}
	if len(seen) == 0 {
		return "these files carry no labels"
	}
	names := make([]string, 0, len(seen))
	for _, lb := range seen {
		names = append(names, lb)
	}
	sort.Strings(names)
	return "labels in these files: " + strings.Join(names, ", ")
}
