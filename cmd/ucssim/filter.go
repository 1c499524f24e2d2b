package main

import (
	"fmt"
	"regexp"
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
