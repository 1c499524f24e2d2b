package engine

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The doors of phase.go, move by move: every legal move goes through, every other is refused
// and leaves the user where it was.
var _ = Describe("One door per phase transition (engine/phase.go)", func() {
	doors := map[string]func(*user) error{
		"becomeMigrating": (*user).becomeMigrating,
		"becomeMigrated":  (*user).becomeMigrated,
		"becomeFailed":    (*user).becomeFailed,
		"becomeLync":      (*user).becomeLync,
		"startInExchange": (*user).startInExchange,
	}
	legal := map[string]map[phase]phase{ // door -> from -> to
		"becomeMigrating": {phaseLync: phaseMigrating, phaseFailed: phaseMigrating},
		"becomeMigrated":  {phaseMigrating: phaseMigrated},
		"becomeFailed":    {phaseMigrating: phaseFailed},
		"becomeLync":      {phaseMigrating: phaseLync, phaseMigrated: phaseLync},
		"startInExchange": {phaseLync: phaseMigrated},
	}
	all := []phase{phaseLync, phaseFailed, phaseMigrating, phaseMigrated}

	for name, door := range doors {
		for _, from := range all {
			It(name+" from "+from.String(), func() {
				u := &user{sip: "sip:ken@litwareinc.com", phase: from}
				err := door(u)
				if to, ok := legal[name][from]; ok {
					Expect(err).NotTo(HaveOccurred())
					Expect(u.phase).To(Equal(to))
					return
				}
				Expect(err).To(MatchError(ErrIllegalTransition))
				Expect(err.Error()).To(ContainSubstring("docs/BEHAVIOR.md B-"))
				Expect(u.phase).To(Equal(from), "a refused move changes nothing")
			})
		}
	}

	It("lets only a user without attempts start in Exchange", func() {
		u := &user{sip: "sip:ken@litwareinc.com", attempts: 1}
		Expect(u.startInExchange()).To(MatchError(ErrIllegalTransition))
		Expect(u.phase).To(Equal(phaseLync))
	})
})
