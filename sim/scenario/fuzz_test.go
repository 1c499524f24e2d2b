package scenario_test

import (
	"errors"
	"testing"

	"github.com/ucssim/ucssim/sim/scenario"
)

// FuzzParse checks that no input makes Parse panic, and that it returns either a File or a
// non-empty ErrorList whose every entry has a position.
func FuzzParse(f *testing.F) {
	f.Add([]byte(seedStory))
	f.Add([]byte(header + "  - wait: 7d\n  - until: \"+1d\"\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("name: t\nworld: {users: [{sip: a@b}]}\nsteps: [{expect: {user: a@b, holdUntil: +7d}, within: 1m}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := scenario.Parse("fuzz.yaml", data)
		if err == nil {
			if file == nil {
				t.Fatal("no error and no file")
			}
			return
		}
		if file != nil {
			t.Fatal("an error and a file")
		}
		var list scenario.ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error is not a non-empty ErrorList: %v", err)
		}
		for _, e := range list {
			if e.Line < 1 || e.Col < 1 || e.Msg == "" {
				t.Fatalf("error without position or message: %#v", e)
			}
		}
	})
}
