package scenario

import (
	"fmt"
	"io"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
)

// Limits on every count and size a scenario file may give (docs/ARCHITECTURE.md D-8: every input has a
// documented bound). The loader refuses a file over any of them with a file:line:col error, so
// `validate` catches what `run`, `shell --world` and `serve --world` could not hold in memory.
// docs/LIMITS.md lists them with the measured cost of the largest accepted world.
const (
	// MaxFileBytes bounds the size of a scenario file.
	MaxFileBytes = 4 << 20
	// MaxUsers bounds world.users.
	MaxUsers = 10_000
	// MaxContactsPerUser bounds a user's contacts (generated or listed); above Exchange's 1000 so
	// a file can show the mailbox limit failing a migration.
	MaxContactsPerUser = 5_000
	// MaxContacts bounds the contacts of all users together: 10,000 users of 100 contacts each.
	MaxContacts = 1_000_000
	// MaxGroups bounds the groups named by a user's groups: or by one contact (a Lync list holds
	// at most 64 besides the default group).
	MaxGroups = 64
	// MaxPolicies bounds world.policies.
	MaxPolicies = 1_000
	// MaxSteps bounds steps.
	MaxSteps = 10_000
	// MaxDuration bounds every duration (wait, within, throughout, fault windows, migration
	// settings) and every +offset: 100 years of 365 days.
	MaxDuration = 36_500 * 24 * time.Hour
	// MaxPasswordBytes bounds a user's password.
	MaxPasswordBytes = 256
	// MaxExchangeLimit bounds exchange.maxContacts and exchange.maxGroups.
	MaxExchangeLimit = 100_000
)

// Years a start time may fall in (RFC 3339 and the JSON trace cannot write others).
const (
	MinYear = 1
	MaxYear = 9999
)

// readFile reads at most MaxFileBytes+1 bytes of a file, so a huge file is refused without
// being read whole.
func readFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
}

// countLimit reports the item of list that goes over max, if any.
func (d *decoder) countLimit(list *yaml.Node, what string, max int) bool {
	if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) <= max {
		return true
	}
	d.errorf(list.Content[max], "more than %d %s (the limit)", max, what)
	return false
}

// checkContactTotal reports the first user whose contacts take the world over MaxContacts.
func (d *decoder) checkContactTotal(list []User) {
	total := 0
	for _, u := range list {
		total += u.Generated + len(u.Contacts)
		if total > MaxContacts {
			d.errs = append(d.errs, &Error{Path: d.path, Line: max(u.Pos.Line, 1), Col: max(u.Pos.Col, 1),
				Msg: fmt.Sprintf("the users' contacts add up to more than %d (the limit of a world)", MaxContacts)})
			return
		}
	}
}

// checkYear refuses a start outside MinYear..MaxYear.
func (d *decoder) checkYear(n *yaml.Node, t time.Time) bool {
	if y := t.Year(); y < MinYear || y > MaxYear {
		d.errorf(n, "start %s: the year must be within %d..%d", t.Format(time.RFC3339), MinYear, MaxYear)
		return false
	}
	return true
}

// atMost reports a number over its limit.
func (d *decoder) atMost(n *yaml.Node, key string, v, limit int) bool {
	if v > limit {
		d.errorf(n, "%s: %d is more than %d (the limit)", key, v, limit)
		return false
	}
	return true
}
