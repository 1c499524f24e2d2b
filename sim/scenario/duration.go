package scenario

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// maxDays bounds the `d` unit so that a duration never overflows time.Duration.
const maxDays = 100000

var daysPrefix = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)d(.*)$`)

// ParseDuration reads a scenario duration: Go syntax (90s, 10m, 1h30m) plus a leading day
// count (7d, 6d23h59m59s, 1d12h). Negative durations are refused.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("duration %q must not be negative", s)
	}
	bad := func() error {
		return fmt.Errorf("bad duration %q (use Go syntax plus days, e.g. 90s, 10m, 1h30m, 7d, 6d23h59m59s)", s)
	}
	var total time.Duration
	rest := s
	if m := daysPrefix.FindStringSubmatch(rest); m != nil {
		days, err := strconv.ParseFloat(m[1], 64)
		if err != nil || days > maxDays {
			return 0, bad()
		}
		total = time.Duration(days * float64(24*time.Hour))
		if total > MaxDuration {
			return 0, tooLong(s)
		}
		rest = m[2]
		if rest == "" {
			return total, nil
		}
	}
	if rest == "" || rest[0] < '0' || rest[0] > '9' && rest[0] != '.' {
		return 0, bad()
	}
	d, err := time.ParseDuration(rest)
	if err != nil || d < 0 {
		return 0, bad()
	}
	if d > MaxDuration-total {
		return 0, tooLong(s)
	}
	return total + d, nil
}

func tooLong(s string) error {
	return fmt.Errorf("duration %q is longer than %s (the limit: 100 years)", s, FormatDuration(MaxDuration))
}

// ParseInstant reads an `until:`/`holdUntil:` value: "+<duration>" from the scenario start, or
// an RFC 3339 time.
func ParseInstant(s string) (Instant, error) {
	if strings.HasPrefix(s, "+") {
		d, err := ParseDuration(s[1:])
		if err != nil {
			return Instant{}, err
		}
		return Instant{Offset: d}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return Instant{}, fmt.Errorf("bad time %q (use +offset from the start, e.g. +7d, or an RFC 3339 time such as 2026-01-12T09:00:00Z)", s)
	}
	return Instant{Absolute: t.UTC()}, nil
}

// parseTimeOfDay reads "HH:MM" (UTC) as an offset from midnight.
func parseTimeOfDay(s string) (time.Duration, error) {
	bad := fmt.Errorf("dailyTask %q is not HH:MM (a UTC time of day such as \"01:00\")", s)
	if len(s) != 5 || s[2] != ':' {
		return 0, bad
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || s[0] == '+' || s[3] == '+' {
		return 0, bad
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}
