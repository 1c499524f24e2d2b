package engine

import (
	"errors"
	"fmt"
)

// Errors callers branch on. Every error the engine returns for these cases wraps one of them
// (test with errors.Is); the message stays the precise sentence a person reads. How to answer:
//
//   - ErrUnknownUser: no user has that identity. The SIP front end answers 404 Not Found; a
//     cmdlet fails on its -Identity parameter.
//   - ErrAmbiguousUser: a display name or UPN names more than one user. SIP: 485 Ambiguous.
//   - ErrUnknownPolicy: no user services policy has that identity. A cmdlet fails on the parameter.
//   - ErrPolicyNotGrantable: the policy exists but is global, site or service scoped (B-1.8).
//   - ErrPolicyExists: New-CsUserServicesPolicy on an identity in use (B-1.4).
//   - ErrIllegalTransition: a phase door refused a move (a bug in the engine, never bad input).
//
// A SERVICE write the engine refuses is a *Refusal, which carries its own SIP status.
var (
	ErrUnknownUser        = errors.New("unknown user")
	ErrAmbiguousUser      = errors.New("ambiguous user identity")
	ErrUnknownPolicy      = errors.New("unknown policy")
	ErrPolicyNotGrantable = errors.New("policy cannot be granted")
	ErrPolicyExists       = errors.New("policy already exists")
	ErrIllegalTransition  = errors.New("illegal phase transition")
)

// wrapped is an error whose message is written for people and whose kind is a sentinel.
type wrapped struct {
	msg  string
	kind error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.kind }

// wrapf formats a message for people and marks it as kind (errors.Is(err, kind) holds).
func wrapf(kind error, format string, a ...any) error {
	return &wrapped{msg: fmt.Sprintf(format, a...), kind: kind}
}
