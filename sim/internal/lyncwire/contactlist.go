package lyncwire

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/ucssim/ucssim/engine"
)

// ContentTypeRoamingContacts is the MIME type of contactList and contactDelta documents.
const ContentTypeRoamingContacts = "application/vnd-microsoft-roaming-contacts+xml"

// EncodeContactList renders a contactList document (docs/PROTOCOLS.md 1.4). A migrated list carries
// ucsMode="migrated" and, as sent to Lync 2013 endpoints, no groups or contacts.
func EncodeContactList(l engine.ContactList) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<contactList deltaNum="%d"`, l.DeltaNum)
	if l.Migrated {
		b.WriteString(` ucsMode="migrated"`)
	}
	b.WriteString(">")
	for _, g := range l.Groups {
		writeGroup(&b, "group", g)
	}
	for _, c := range l.Contacts {
		writeContact(&b, "contact", c, false)
	}
	b.WriteString("</contactList>")
	return b.Bytes()
}

// EncodeDelta renders a contactDelta document, children in the order MS-SIP prescribes.
func EncodeDelta(d engine.Delta) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<contactDelta deltaNum="%d" prevDeltaNum="%d">`, d.DeltaNum, d.PrevDeltaNum)
	for _, g := range d.AddedGroups {
		writeGroup(&b, "addedGroup", g)
	}
	for _, g := range d.ModifiedGroups {
		writeGroup(&b, "modifiedGroup", g)
	}
	for _, c := range d.AddedContacts {
		writeContact(&b, "addedContact", c, true)
	}
	for _, c := range d.ModifiedContacts {
		writeContact(&b, "modifiedContact", c, true)
	}
	for _, id := range d.DeletedGroups {
		fmt.Fprintf(&b, `<deletedGroup id="%d"/>`, id)
	}
	for _, uri := range d.DeletedContacts {
		fmt.Fprintf(&b, `<deletedContact uri="%s"/>`, attr(deltaURI(uri)))
	}
	b.WriteString("</contactDelta>")
	return b.Bytes()
}

func writeGroup(b *bytes.Buffer, tag string, g engine.Group) {
	fmt.Fprintf(b, `<%s id="%d" name="%s"`, tag, g.ID, attr(g.Name))
	if g.ExternalURI != "" {
		fmt.Fprintf(b, ` externalURI="%s"`, attr(g.ExternalURI))
	}
	b.WriteString("/>")
}

// deltaURI is a contact URI as a contactDelta carries it: with "sip:". pidgin-sipe adds the
// scheme to full-list URIs but takes delta URIs as they come, so a bare alias@domain there
// makes a second buddy ([MS-SIP] 2.2.4.1: "the SIP URI of the contact").
func deltaURI(uri string) string {
	return "sip:" + strings.TrimPrefix(uri, "sip:")
}

func writeContact(b *bytes.Buffer, tag string, c engine.Contact, delta bool) {
	ids := make([]string, len(c.Groups))
	for i, g := range c.Groups {
		ids[i] = strconv.Itoa(g)
	}
	uri := strings.TrimPrefix(c.URI, "sip:")
	if delta {
		uri = deltaURI(uri)
	}
	fmt.Fprintf(b, `<%s uri="%s" name="%s" groups="%s" subscribed="%t"`, tag,
		attr(uri), attr(c.Name), strings.Join(ids, " "), c.Subscribed)
	if c.ExternalURI != "" {
		fmt.Fprintf(b, ` externalURI="%s"`, attr(c.ExternalURI))
	}
	if c.Extension == "" {
		b.WriteString("/>")
		return
	}
	fmt.Fprintf(b, "><contactExtension>%s</contactExtension></%s>", c.Extension, tag)
}

func attr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// RoamingDoc is a parsed roaming-contacts document: exactly one of List and Delta is set.
type RoamingDoc struct {
	List  *engine.ContactList
	Delta *engine.Delta
}

// xmlNode is a generic element tree; readers match by local name and skip what they do not know.
type xmlNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Inner    string     `xml:",innerxml"`
	Children []xmlNode  `xml:",any"`
}

func (n *xmlNode) attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if strings.EqualFold(a.Name.Local, name) {
			return a.Value, true
		}
	}
	return "", false
}

func parseXML(body []byte) (*xmlNode, error) {
	var root xmlNode
	dec := xml.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("not XML: %v", err)
	}
	return &root, nil
}

// ParseRoamingContacts reads a contactList or contactDelta document.
func ParseRoamingContacts(body []byte) (*RoamingDoc, error) {
	root, err := parseXML(body)
	if err != nil {
		return nil, err
	}
	deltaNum, err := intAttr(root, "deltaNum", true)
	if err != nil {
		return nil, err
	}
	switch root.XMLName.Local {
	case "contactList":
		l := &engine.ContactList{DeltaNum: deltaNum}
		if mode, ok := root.attr("ucsMode"); ok && strings.EqualFold(mode, "migrated") {
			l.Migrated = true
		}
		for i := range root.Children {
			ch := &root.Children[i]
			switch ch.XMLName.Local {
			case "group":
				g, err := readGroup(ch)
				if err != nil {
					return nil, err
				}
				l.Groups = append(l.Groups, g)
			case "contact":
				c, err := readContact(ch)
				if err != nil {
					return nil, err
				}
				l.Contacts = append(l.Contacts, c)
			}
		}
		return &RoamingDoc{List: l}, nil
	case "contactDelta":
		prev, err := intAttr(root, "prevDeltaNum", true)
		if err != nil {
			return nil, err
		}
		d := &engine.Delta{DeltaNum: deltaNum, PrevDeltaNum: prev}
		for i := range root.Children {
			ch := &root.Children[i]
			switch ch.XMLName.Local {
			case "addedGroup", "modifiedGroup":
				if err := readChange(ch, readGroup, "addedGroup", &d.AddedGroups, &d.ModifiedGroups); err != nil {
					return nil, err
				}
			case "addedContact", "modifiedContact":
				if err := readChange(ch, readContact, "addedContact", &d.AddedContacts, &d.ModifiedContacts); err != nil {
					return nil, err
				}
			case "deletedGroup":
				id, err := intAttr(ch, "id", true)
				if err != nil {
					return nil, err
				}
				d.DeletedGroups = append(d.DeletedGroups, id)
			case "deletedContact":
				uri, ok := ch.attr("uri")
				if !ok {
					return nil, fmt.Errorf("deletedContact without uri")
				}
				d.DeletedContacts = append(d.DeletedContacts, strings.TrimPrefix(uri, "sip:"))
			}
		}
		return &RoamingDoc{Delta: d}, nil
	}
	return nil, fmt.Errorf("unexpected root element <%s>", root.XMLName.Local)
}

func intAttr(n *xmlNode, name string, required bool) (int, error) {
	v, ok := n.attr(name)
	if !ok {
		if required {
			return 0, fmt.Errorf("<%s> has no %s attribute", n.XMLName.Local, name)
		}
		return 0, nil
	}
	i, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("<%s> %s=%q is not a number", n.XMLName.Local, name, v)
	}
	return i, nil
}

// readChange reads an added or a modified item of a contactDelta onto the list its element's name
// picks.
func readChange[T any](n *xmlNode, read func(*xmlNode) (T, error), added string, addedTo, modifiedTo *[]T) error {
	v, err := read(n)
	if err != nil {
		return err
	}
	if n.XMLName.Local == added {
		*addedTo = append(*addedTo, v)
	} else {
		*modifiedTo = append(*modifiedTo, v)
	}
	return nil
}

func readGroup(n *xmlNode) (engine.Group, error) {
	id, err := intAttr(n, "id", true)
	if err != nil {
		return engine.Group{}, err
	}
	name, _ := n.attr("name")
	ext, _ := n.attr("externalURI")
	return engine.Group{ID: id, Name: name, ExternalURI: ext}, nil
}

func readContact(n *xmlNode) (engine.Contact, error) {
	uri, ok := n.attr("uri")
	if !ok {
		return engine.Contact{}, fmt.Errorf("<%s> has no uri attribute", n.XMLName.Local)
	}
	c := engine.Contact{URI: strings.TrimPrefix(uri, "sip:"), Subscribed: true}
	c.Name, _ = n.attr("name")
	c.ExternalURI, _ = n.attr("externalURI")
	if s, ok := n.attr("subscribed"); ok {
		c.Subscribed = !strings.EqualFold(s, "false")
	}
	groups, _ := n.attr("groups")
	ids, err := parseGroupIDs(groups)
	if err != nil {
		return engine.Contact{}, err
	}
	c.Groups = ids
	for i := range n.Children {
		if n.Children[i].XMLName.Local == "contactExtension" {
			c.Extension = n.Children[i].Inner
		}
	}
	return c, nil
}

func parseGroupIDs(s string) ([]int, error) {
	var ids []int
	for _, f := range strings.Fields(s) {
		id, err := strconv.Atoi(f)
		if err != nil || id < 1 {
			return nil, fmt.Errorf("group id %q is not a positive number", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
