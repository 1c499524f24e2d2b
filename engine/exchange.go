package engine

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Exchange is the engine's view of an Exchange 2013 mailbox server: the [MS-OXWSCOS] operations of
// the migration and rollback sequences (docs/PROTOCOLS.md section 4, decision 6). mailbox is the SMTP
// address alias@domain; the caller is the Lync Server, acting for that mailbox.
//
// Implementations: the EWS client of mocks/ews (real HTTP) and the engine tests' in-memory store.
// Every call may block on virtual time (Exchange latency) and must honour ctx.
type Exchange interface {
	GetImItemList(ctx context.Context, mailbox string) (ImList, error)
	AddImGroup(ctx context.Context, mailbox, displayName string) (ImGroup, error)
	// AddNewImContactToGroup finds the contact by IM address (without "sip:") or creates it, and
	// adds it to group (a zero ItemID means Other Contacts).
	AddNewImContactToGroup(ctx context.Context, mailbox, imAddress, displayName string, group ItemID) (ImContact, error)
	AddImContactToGroup(ctx context.Context, mailbox string, contact, group ItemID) error
	RemoveContactFromImList(ctx context.Context, mailbox string, contact ItemID) error
	RemoveImGroup(ctx context.Context, mailbox string, group ItemID) error
	SetImListMigrationCompleted(ctx context.Context, mailbox string, completed bool) error
}

// ItemID is an EWS ItemIdType. Servers bind by ID only; ChangeKey changes with each change.
type ItemID struct {
	ID        string
	ChangeKey string
}

// IsZero reports whether the id is unset.
func (i ItemID) IsZero() bool { return i.ID == "" }

// GroupType is the t:GroupType of an IM group.
type GroupType string

// The group types of [MS-OXWSCOS] 2.2.4.2.
const (
	GroupOtherContacts GroupType = "IPM.DistList.MOC.OtherContacts"
	GroupFavorites     GroupType = "IPM.DistList.MOC.Favorites"
	GroupTagged        GroupType = "IPM.DistList.MOC.Tagged"
	GroupUser          GroupType = "IPM.DistList.MOC.UserGroup"
	GroupDG            GroupType = "IPM.DistList.MOC.DG"
)

// ImGroup is one group of a mailbox's IM list.
type ImGroup struct {
	ID          ItemID
	DisplayName string
	Type        GroupType
	// Members are the Quick Contacts item ids (MemberCorrelationKey) of the group's contacts.
	Members     []ItemID
	SmtpAddress string // distribution groups only
}

// ImContact is one contact of the Lync Contacts (quickcontacts) folder, as a persona.
type ImContact struct {
	// ID is the Quick Contacts item id (the persona's attribution SourceId); it equals the ids in
	// the groups' Members.
	ID          ItemID
	PersonaID   string
	IMAddress   string // alias@domain, no "sip:"
	DisplayName string
}

// ImList is the answer of GetImItemList: all groups, then every contact that is in some group.
type ImList struct {
	Groups   []ImGroup
	Contacts []ImContact
}

// EWS response codes the engine acts on.
const (
	CodeServerBusy           = "ErrorServerBusy"
	CodeImContactLimit       = "ErrorImContactLimitReached"
	CodeImGroupLimit         = "ErrorImGroupLimitReached"
	CodeAccessDenied         = "ErrorAccessDenied"
	CodeImpersonateDenied    = "ErrorImpersonateUserDenied"
	CodeNonExistentMailbox   = "ErrorNonExistentMailbox"
	CodeInvalidImContactID   = "ErrorInvalidImContactId"
	CodeInvalidImGroupID     = "ErrorInvalidImGroupId"
	CodeInvalidIDMalformed   = "ErrorInvalidIdMalformed"
	CodeSchemaValidation     = "ErrorSchemaValidation"
	CodeInvalidRequest       = "ErrorInvalidRequest"
	CodeGroupNameExists      = "ErrorImGroupDisplayNameAlreadyExists"
	CodeInvalidDGSmtpAddress = "ErrorInvalidImDistributionGroupSmtpAddress"
)

// ExchangeError is an EWS error answer: a SOAP fault or a ResponseClass="Error" message.
type ExchangeError struct {
	Operation string
	Code      string // ResponseCode, e.g. ErrorServerBusy
	Message   string
	// BackOff is BackOffMilliseconds of ErrorServerBusy (0 if absent: the engine's default applies).
	BackOff time.Duration
}

func (e *ExchangeError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Operation, e.Code, e.Message)
}

// TransportError is an HTTP-level failure: connection refused, 503 (Exchange down) or 401
// (no server-to-server trust, or the unauthorized fault).
type TransportError struct {
	Operation  string
	StatusCode int // 0 when no HTTP answer came (connection refused)
	Err        error
}

func (e *TransportError) Error() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("%s: HTTP %d", e.Operation, e.StatusCode)
	}
	return fmt.Sprintf("%s: %v", e.Operation, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// Unauthorized reports whether err is an HTTP 401 from Exchange.
func Unauthorized(err error) bool {
	var te *TransportError
	return errors.As(err, &te) && te.StatusCode == 401
}

// ExchangeCode returns the EWS ResponseCode carried by err, or "".
func ExchangeCode(err error) string {
	var ee *ExchangeError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ""
}
