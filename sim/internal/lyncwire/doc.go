// Package lyncwire is the Lync wire vocabulary both ends of ucssim's SIP share: the contact-list
// documents (contactList, contactDelta), the SOAP bodies of SERVICE, the provisioning and
// roaming-self documents, the event packages, Microsoft's SIP methods and the ms-diagnostics codes
// (docs/PROTOCOLS.md section 1). The SIP front end (sim/internal/frontend) writes and reads them as
// the server; the simulated clients (sim/internal/client) as the client. It is a leaf: it imports
// only the engine's value types and sipgo's message types, never a server or a client.
package lyncwire

import (
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// Event packages (docs/PROTOCOLS.md 1.3).
const (
	EventProvisioning    = "vnd-microsoft-provisioning-v2"
	EventRoamingContacts = "vnd-microsoft-roaming-contacts"
	EventRoamingSelf     = "vnd-microsoft-roaming-self"
	EventPresence        = "presence"
)

// MaxMessageLength is the largest SIP message either end parses: a full contact list of 1000
// contacts exceeds sipgo's default of 65535 bytes (docs/PROTOCOLS.md section 3).
const MaxMessageLength = 4 << 20

// ReadBufferSize is how much sipgo reads from a stream at once, on either end. Its default
// (32 KB, allocated per connection) was most of a population's live heap; a message longer than
// one read is parsed across reads. A datagram is read whole or not at all, so this also bounds
// SIP over UDP (the front end answers a longer one 513).
const ReadBufferSize = 4096

// sipgo's read buffer size is a package variable: every sipgo user in the process shares it.
func init() { sip.TransportBufferReadSize = ReadBufferSize }

// Microsoft's SIP methods, which sipgo has no constants for.
const (
	// MethodService is SERVICE, the contact-list write (docs/PROTOCOLS.md 1.5).
	MethodService = sip.RequestMethod("SERVICE")
	// MethodBENOTIFY is the best-effort NOTIFY, never answered (docs/PROTOCOLS.md 1.6).
	MethodBENOTIFY = sip.RequestMethod("BENOTIFY")
)

// ms-diagnostics codes and reasons of the contact store (docs/PROTOCOLS.md 1.5, 1.6, decisions 2
// and 3). Readers act on the code, never on the reason text. The engine's SERVICE refusals carry
// their own codes (2008, 2015, 2007) in engine.Refusal.
const (
	DiagReadOnly       = 2165
	DiagRollback       = 2166
	ReasonReadOnly     = "Contact list is read-only: it has migrated to Exchange"
	ReasonMigratedList = "Contact list has migrated to Exchange"
	ReasonRolledBack   = "Contact list has moved back to Lync Server"
)

// Diagnostics is an ms-diagnostics header: `<code>;reason="<reason>"`.
func Diagnostics(code int, reason string) sip.Header {
	return sip.NewHeader("ms-diagnostics", fmt.Sprintf("%d;reason=\"%s\"", code, Quotable(reason)))
}

// DiagnosticsCode is the ms-diagnostics code of a message, or 0 if it carries none.
func DiagnosticsCode(m interface{ GetHeader(string) sip.Header }) int {
	h := m.GetHeader("ms-diagnostics")
	if h == nil {
		return 0
	}
	var code int
	if _, err := fmt.Sscanf(h.Value(), "%d", &code); err != nil {
		return 0
	}
	return code
}

// Quotable replaces what could break a quoted header value (quotes, backslashes, CR, LF and
// other controls), since reasons may carry user data.
func Quotable(text string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
			return '\''
		}
		return r
	}, text)
}
