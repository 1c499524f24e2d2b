package engine

import (
	"context"
	"errors"
)

// failReason is the diagnosis of a failed Exchange call.
func failReason(err error) string {
	var te *TransportError
	switch code := ExchangeCode(err); {
	case Unauthorized(err):
		return "Exchange answered HTTP 401: server-to-server (OAuth) authentication between Lync Server 2013 and Exchange 2013 is not configured"
	case code == CodeImContactLimit || code == CodeImGroupLimit:
		return "Exchange limit reached (" + code + "): the contact list does not fit in the mailbox"
	case code == CodeServerBusy:
		return "Exchange stayed busy (ErrorServerBusy) after all retries"
	case code == CodeNonExistentMailbox:
		return "the user has no Exchange 2013 mailbox (ErrorNonExistentMailbox)"
	case code != "":
		return "Exchange refused the request: " + err.Error()
	case errors.As(err, &te):
		return "Exchange is unreachable: " + err.Error()
	}
	return err.Error()
}

// call runs one Exchange operation, waiting out ErrorServerBusy on virtual time (its back-off or the
// default) up to BusyRetries times. The caller holds one unit of quiescence.
func (e *Engine) call(ctx context.Context, op func() error) error {
	for i := 0; ; i++ {
		err := op()
		var ee *ExchangeError
		if err == nil || !errors.As(err, &ee) || ee.Code != CodeServerBusy || i >= e.mig.BusyRetries {
			return err
		}
		wait := ee.BackOff
		if wait <= 0 {
			wait = e.mig.BusyBackOff
		}
		if serr := e.sched.Sleep(ctx, wait, 1); serr != nil {
			return serr
		}
	}
}
