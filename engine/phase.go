package engine

import (
	"fmt"
	"slices"
)

// phase is where a user's contacts are, as the state machine tracks it; State adds the policy view
// (a user in phaseLync is Disabled or Allowed).
//
// One door per transition: the functions below are the only code that assigns user.phase
// (engine/imports_test.go enforces it). Each names its behaviour rule and refuses a move its rule
// does not allow, leaving the user unchanged. How can a user end up Migrated? Read this file.
//
//	Lync      -> Migrating   becomeMigrating  B-2.1 a qualifying check (sign-in, hold expiry B-4.3)
//	Failed    -> Migrating   becomeMigrating  B-2.5 the retry (next sign-in, daily task)
//	Migrating -> Migrated    becomeMigrated   B-2.4 SetImListMigrationCompleted(true) committed
//	Migrating -> Failed      becomeFailed     B-2.5 the attempt failed
//	Migrating -> Lync        becomeLync       B-4.8 a rollback cancels the attempt in flight
//	Migrated  -> Lync        becomeLync       B-4.1 a rollback committed the list back to Lync
//	(new)     -> Migrated    startInExchange  store: exchange at start (docs/SCENARIO-FORMAT.md)
type phase int

const (
	phaseLync      phase = iota // contacts in Lync (Disabled or Allowed)
	phaseFailed                 // last attempt failed; contacts in Lync
	phaseMigrating              // an attempt is in flight; Lync stays authoritative
	phaseMigrated               // contacts in Exchange; the engine keeps a mirror
)

func (p phase) String() string {
	switch p {
	case phaseLync:
		return "Lync"
	case phaseFailed:
		return "Failed"
	case phaseMigrating:
		return "Migrating"
	case phaseMigrated:
		return "Migrated"
	}
	return fmt.Sprintf("phase(%d)", int(p))
}

// move is the common body of the doors: to, if the user is in one of from.
func (u *user) move(to phase, rule string, from ...phase) error {
	if !slices.Contains(from, u.phase) {
		return fmt.Errorf("%w: %s %s -> %s (docs/BEHAVIOR.md %s allows it only from %v)", ErrIllegalTransition, u.sip, u.phase, to, rule, from)
	}
	u.phase = to
	return nil
}

// becomeMigrating starts an attempt: from Lync at a qualifying check (docs/BEHAVIOR.md B-2.1, or
// at hold expiry, B-4.3), or from Failed when it is retried (B-2.5).
func (u *user) becomeMigrating() error {
	return u.move(phaseMigrating, "B-2.1, B-2.5", phaseLync, phaseFailed)
}

// becomeMigrated commits an attempt: Exchange is authoritative (docs/BEHAVIOR.md B-2.4).
func (u *user) becomeMigrated() error {
	return u.move(phaseMigrated, "B-2.4", phaseMigrating)
}

// becomeFailed ends an attempt that failed; the Lync list stays (docs/BEHAVIOR.md B-2.5).
func (u *user) becomeFailed() error {
	return u.move(phaseFailed, "B-2.5", phaseMigrating)
}

// becomeLync hands the contacts back to Lync Server: a rollback cancels the attempt in flight
// (docs/BEHAVIOR.md B-4.8) or commits the list it read back from Exchange (B-4.1).
func (u *user) becomeLync() error {
	return u.move(phaseLync, "B-4.1, B-4.8", phaseMigrating, phaseMigrated)
}

// startInExchange is a user whose world starts with the contacts in Exchange
// (docs/SCENARIO-FORMAT.md `store: exchange`): only a new user, before any attempt.
func (u *user) startInExchange() error {
	if u.attempts != 0 {
		return fmt.Errorf("%w: %s has had migration attempts; only a new user starts in Exchange", ErrIllegalTransition, u.sip)
	}
	return u.move(phaseMigrated, "B-2.3 (store: exchange)", phaseLync)
}
