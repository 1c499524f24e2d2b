package ews

import "strings"

// vocabulary is every element name, attribute name and prefix of the SOAP subset ucssim speaks
// (docs/PROTOCOLS.md; a spec checks that the golden requests and answers use no other). The fast
// XML path keeps these names as one shared string each instead of copying them per document.
const vocabulary = `
AcceptableResponseSchema Account AccountType Action AddDistributionGroupToImList
AddDistributionGroupToImListResponse AddImContactToGroup AddImContactToGroupResponse AddImGroup
AddImGroupResponse AddNewImContactToGroup AddNewImContactToGroupResponse
AddNewTelUriContactToGroup AddNewTelUriContactToGroupResponse Attribution Attributions
AutoDiscoverSMTPAddress Autodiscover BasePoint BaseShape Body ChangeKey ChildFolderCount
ConnectingSID Constant Contact ContactId ContactIds ContactsFolder CreationTime
DescriptiveLinkKey DisplayName DisplayNameFirstLast DisplayNameLastFirst DisplayNames
DistinguishedFolderId DistributionList EMailAddress EmailAddress EmailAddresses Entry Envelope
EwsUrl ExchangeImpersonation ExchangeStoreId Fault FieldURI FieldURIOrConstant FindFolder
FindFolderResponse FindFolderResponseMessage FindItem FindItemResponse FindItemResponseMessage
Folder FolderClass FolderId FolderIds FolderShape Folders GetFolder GetFolderResponse
GetFolderResponseMessage GetImItemList GetImItemListResponse GetImItems GetImItemsResponse
GetItem GetItemResponse GetItemResponseMessage GroupId GroupIds GroupType Groups Header Id
ImAddress ImAddresses ImContactSipUriAddress ImGroup ImItemList ImListMigrationCompleted
ImTelephoneNumber IncludesLastItemInRange IndexedPageItemView IndexedPagingOffset IsEqualTo
IsHidden IsQuickContact IsWritable ItemClass ItemId ItemIds ItemShape Items Key Mailbox
MailboxType MajorBuildNumber MajorVersion MaxEntriesReturned Member MemberCorrelationKey Members
Message MessageText MessageXml MinorBuildNumber MinorVersion Name NewDisplayName Offset
ParentFolderId ParentFolderIds Persona PersonaId PersonaType Personas Protocol RelevanceScore
RemoveContactFromImList RemoveContactFromImListResponse RemoveDistributionGroupFromImList
RemoveDistributionGroupFromImListResponse RemoveImContactFromGroup
RemoveImContactFromGroupResponse RemoveImGroup RemoveImGroupResponse Request
RequestServerVersion Response ResponseClass ResponseCode ResponseMessages Restriction RootFolder
RoutingType ServerVersionInfo SetImGroup SetImGroupResponse SetImListMigrationCompleted
SetImListMigrationCompletedResponse SmtpAddress SourceId Status StringAttributedValue
TelUriAddress TotalCount TotalItemsInView Traversal Type User Value Version a detail e encoding
faultcode faultstring m soap t version xmlns
`

var names = func() map[string]string {
	m := map[string]string{}
	for _, n := range strings.Fields(vocabulary) {
		m[n] = n
	}
	return m
}()

// nameSlots is a read-only hash table in front of names: most names are found by one hash of
// three bytes and one comparison (the map's string hash was a quarter of the parse).
var nameSlots = func() (t [1024]string) {
	for _, n := range strings.Fields(vocabulary) {
		if h := nameSlot(n); t[h] == "" {
			t[h] = n
		}
	}
	return t
}()

func nameSlot(s string) int {
	return (len(s)*131 ^ int(s[0])*31 ^ int(s[len(s)-1])*7 ^ int(s[len(s)/2])) & 1023
}

// intern is the shared copy of a name of the vocabulary, or a copy of s of its own.
func intern(s string) string {
	if s == "" {
		return ""
	}
	if n := nameSlots[nameSlot(s)]; n == s {
		return n
	}
	if n, ok := names[s]; ok {
		return n
	}
	return strings.Clone(s)
}
