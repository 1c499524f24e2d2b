package lyncwire

import "fmt"

// Content types of the provisioning and roaming-self packages.
const (
	ContentTypeProvisioning = "application/vnd-microsoft-roaming-provisioning-v2+xml"
	ContentTypeRoamingSelf  = "application/vnd-microsoft-roaming-self+xml"
)

// ProvisioningDoc is the provisionGroupList of the pool ([MS-SIPREGE] 2.2.2.5.3). No UCS
// property exists in any source, so none is added.
func ProvisioningDoc(pool string) []byte {
	return fmt.Appendf(nil, `<provisionGroupList xmlns="http://schemas.microsoft.com/2006/09/sip/provisiongrouplist-notification">`+
		`<provisionGroup name="ServerConfiguration"><propertyEntryList>`+
		`<property name="serverVersion">5.0</property>`+
		`<property name="focusFactoryUri">sip:%[1]s;gruu;opaque=app:conf:focusfactory</property>`+
		`</propertyEntryList></provisionGroup>`+
		`<provisionGroup name="ucPolicy"><instance><property name="EnablePresence">true</property></instance></provisionGroup>`+
		`<provisionGroup name="endpointConfiguration"><propertyEntryList>`+
		`<property name="EnableContactSync">true</property>`+
		`</propertyEntryList></provisionGroup>`+
		`</provisionGroupList>`, attr(pool))
}

// RoamingSelfDoc is the roamingData answer: presence is not simulated.
func RoamingSelfDoc() []byte {
	return []byte(`<roamingData xmlns="http://schemas.microsoft.com/2006/09/sip/roaming-self">` +
		`<categories/><containers/><subscribers/></roamingData>`)
}
