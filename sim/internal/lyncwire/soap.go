package lyncwire

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/ucssim/ucssim/engine"
)

// SOAP namespaces of SERVICE bodies (docs/PROTOCOLS.md 1.5).
const (
	NamespaceSOAP   = "http://schemas.xmlsoap.org/soap/envelope/"
	NamespaceWinRTC = "http://schemas.microsoft.com/winrtc/2002/11/sip"
	// ContentTypeSOAP is the Content-Type of SERVICE requests and of the addGroup answer.
	ContentTypeSOAP = "application/SOAP+xml"
	// MaxServiceBody bounds a SERVICE body; larger ones get 413.
	MaxServiceBody = 64 << 10
	// MaxContactExtension bounds a contactExtension ([MS-SIP] 2.2.4.1).
	MaxContactExtension = 1024
	maxGroupName        = 256
)

// ServiceError is a SERVICE body the server refuses with 400 Bad Request.
type ServiceError struct{ Msg string }

func (e *ServiceError) Error() string { return e.Msg }

func badBody(format string, args ...any) error {
	return &ServiceError{Msg: fmt.Sprintf(format, args...)}
}

// ParseServiceOp reads a SERVICE SOAP envelope into the engine operation it asks for. Every error
// is a *ServiceError naming what was wrong.
func ParseServiceOp(body []byte) (engine.Op, error) {
	if len(body) == 0 {
		return engine.Op{}, badBody("empty body")
	}
	if len(body) > MaxServiceBody {
		return engine.Op{}, badBody("body of %d bytes exceeds %d", len(body), MaxServiceBody)
	}
	root, err := parseXML(body)
	if err != nil {
		return engine.Op{}, badBody("%v", err)
	}
	if root.XMLName.Local != "Envelope" || root.XMLName.Space != NamespaceSOAP {
		return engine.Op{}, badBody("root element is not a SOAP 1.1 Envelope")
	}
	var soapBody *xmlNode
	for i := range root.Children {
		if root.Children[i].XMLName.Local == "Body" && root.Children[i].XMLName.Space == NamespaceSOAP {
			soapBody = &root.Children[i]
		}
	}
	if soapBody == nil {
		return engine.Op{}, badBody("SOAP Envelope has no Body")
	}
	if len(soapBody.Children) != 1 {
		return engine.Op{}, badBody("SOAP Body must hold exactly one operation, found %d", len(soapBody.Children))
	}
	opNode := &soapBody.Children[0]
	if opNode.XMLName.Space != NamespaceWinRTC {
		return engine.Op{}, badBody("operation <%s> is not in namespace %s", opNode.XMLName.Local, NamespaceWinRTC)
	}
	f := fields{op: opNode.XMLName.Local, node: opNode}
	if err := f.checkText(); err != nil {
		return engine.Op{}, err
	}
	op := engine.Op{Kind: engine.OpKind(f.op)}
	switch op.Kind {
	case engine.OpSetContact:
		uri, err := f.sipURI()
		if err != nil {
			return engine.Op{}, err
		}
		op.Contact = engine.Contact{URI: uri, Subscribed: true}
		if op.Contact.Name, err = f.required("displayName"); err != nil {
			return engine.Op{}, err
		}
		groups, err := f.required("groups")
		if err != nil {
			return engine.Op{}, err
		}
		if op.Contact.Groups, err = parseGroupIDs(groups); err != nil {
			return engine.Op{}, badBody("setContact groups: %v", err)
		}
		if len(op.Contact.Groups) == 0 {
			op.Contact.Groups = []int{engine.DefaultGroupID}
		}
		sub, err := f.required("subscribed")
		if err != nil {
			return engine.Op{}, err
		}
		switch strings.ToLower(strings.TrimSpace(sub)) {
		case "true":
		case "false":
			op.Contact.Subscribed = false
		default:
			return engine.Op{}, badBody("setContact subscribed=%q is not true or false", sub)
		}
		op.Contact.ExternalURI = f.optional("externalURI")
		if ext := f.child("contactExtension"); ext != nil {
			if len(ext.Inner) > MaxContactExtension {
				return engine.Op{}, badBody("contactExtension of %d bytes exceeds %d", len(ext.Inner), MaxContactExtension)
			}
			op.Contact.Extension = ext.Inner
		}
	case engine.OpDeleteContact:
		uri, err := f.sipURI()
		if err != nil {
			return engine.Op{}, err
		}
		op.Contact.URI = uri
	case engine.OpAddGroup, engine.OpModifyGroup:
		if op.Kind == engine.OpModifyGroup {
			if op.GroupID, err = f.groupID(); err != nil {
				return engine.Op{}, err
			}
		}
		if op.Name, err = f.required("name"); err != nil {
			return engine.Op{}, err
		}
		if strings.TrimSpace(op.Name) == "" || len(op.Name) > maxGroupName {
			return engine.Op{}, badBody("%s name must have 1 to %d bytes", f.op, maxGroupName)
		}
		op.External = f.optional("externalURI")
	case engine.OpDeleteGroup:
		if op.GroupID, err = f.groupID(); err != nil {
			return engine.Op{}, err
		}
	default:
		return engine.Op{}, badBody("unknown operation <%s>", f.op)
	}
	dn, err := f.required("deltaNum")
	if err != nil {
		return engine.Op{}, err
	}
	if op.DeltaNum, err = strconv.Atoi(strings.TrimSpace(dn)); err != nil || op.DeltaNum < 0 {
		return engine.Op{}, badBody("%s deltaNum=%q is not a number", f.op, dn)
	}
	return op, nil
}

type fields struct {
	op   string
	node *xmlNode
}

func (f fields) child(name string) *xmlNode {
	for i := range f.node.Children {
		if f.node.Children[i].XMLName.Local == name {
			return &f.node.Children[i]
		}
	}
	return nil
}

// checkText refuses CR or LF in any simple value: they would end up in SIP headers and traces.
func (f fields) checkText() error {
	for _, ch := range f.node.Children {
		if ch.XMLName.Local == "contactExtension" {
			continue
		}
		if strings.ContainsAny(ch.Text, "\r\n") {
			return badBody("%s %s contains CR or LF", f.op, ch.XMLName.Local)
		}
	}
	return nil
}

func (f fields) required(name string) (string, error) {
	c := f.child(name)
	if c == nil {
		return "", badBody("%s is missing <%s>", f.op, name)
	}
	return c.Text, nil
}

func (f fields) optional(name string) string {
	if c := f.child(name); c != nil {
		return c.Text
	}
	return ""
}

func (f fields) sipURI() (string, error) {
	uri, err := f.required("URI")
	if err != nil {
		return "", err
	}
	uri = strings.TrimSpace(uri)
	rest, ok := strings.CutPrefix(uri, "sip:")
	if !ok {
		return "", badBody("%s URI %q does not start with sip:", f.op, uri)
	}
	at := strings.IndexByte(rest, '@')
	if at <= 0 || at == len(rest)-1 || strings.ContainsAny(rest, " <>\";") {
		return "", badBody("%s URI %q is not sip:alias@domain", f.op, uri)
	}
	return rest, nil
}

func (f fields) groupID() (int, error) {
	v, err := f.required("groupID")
	if err != nil {
		return 0, err
	}
	id, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || id < 1 {
		return 0, badBody("%s groupID=%q is not a positive number", f.op, v)
	}
	return id, nil
}

// EncodeServiceOp renders the SOAP body a client sends for op (children in [MS-SIP] order).
func EncodeServiceOp(op engine.Op) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<SOAP-ENV:Envelope xmlns:SOAP-ENV="%s"><SOAP-ENV:Body><m:%s xmlns:m="%s">`, NamespaceSOAP, op.Kind, NamespaceWinRTC)
	el := func(name, value string) { fmt.Fprintf(&b, "<m:%s>%s</m:%s>", name, attr(value), name) }
	switch op.Kind {
	case engine.OpSetContact:
		ids := make([]string, len(op.Contact.Groups))
		for i, g := range op.Contact.Groups {
			ids[i] = strconv.Itoa(g)
		}
		el("displayName", op.Contact.Name)
		el("groups", strings.Join(ids, " "))
		el("subscribed", strconv.FormatBool(op.Contact.Subscribed))
		el("URI", "sip:"+strings.TrimPrefix(op.Contact.URI, "sip:"))
		if op.Contact.ExternalURI != "" {
			el("externalURI", op.Contact.ExternalURI)
		}
	case engine.OpDeleteContact:
		el("URI", "sip:"+strings.TrimPrefix(op.Contact.URI, "sip:"))
	case engine.OpAddGroup, engine.OpModifyGroup:
		if op.Kind == engine.OpModifyGroup {
			el("groupID", strconv.Itoa(op.GroupID))
		}
		el("name", op.Name)
		if op.External != "" {
			el("externalURI", op.External)
		}
	case engine.OpDeleteGroup:
		el("groupID", strconv.Itoa(op.GroupID))
	}
	el("deltaNum", strconv.Itoa(op.DeltaNum))
	if op.Kind == engine.OpSetContact && op.Contact.Extension != "" {
		fmt.Fprintf(&b, "<m:contactExtension>%s</m:contactExtension>", op.Contact.Extension)
	}
	fmt.Fprintf(&b, "</m:%s></SOAP-ENV:Body></SOAP-ENV:Envelope>", op.Kind)
	return b.Bytes()
}

// EncodeAddGroupResult is the body of the 200 OK to addGroup.
func EncodeAddGroupResult(groupID int) []byte {
	return fmt.Appendf(nil, `<SOAP-ENV:Envelope xmlns:SOAP-ENV="%s"><SOAP-ENV:Body><m:addGroup xmlns:m="%s"><m:groupID>%d</m:groupID></m:addGroup></SOAP-ENV:Body></SOAP-ENV:Envelope>`,
		NamespaceSOAP, NamespaceWinRTC, groupID)
}

// ParseAddGroupResult reads the new group id from the 200 OK to addGroup.
func ParseAddGroupResult(body []byte) (int, error) {
	root, err := parseXML(body)
	if err != nil {
		return 0, err
	}
	var find func(n *xmlNode) *xmlNode
	find = func(n *xmlNode) *xmlNode {
		if n.XMLName.Local == "groupID" {
			return n
		}
		for i := range n.Children {
			if r := find(&n.Children[i]); r != nil {
				return r
			}
		}
		return nil
	}
	n := find(root)
	if n == nil {
		return 0, fmt.Errorf("addGroup answer has no groupID")
	}
	id, err := strconv.Atoi(strings.TrimSpace(n.Text))
	if err != nil {
		return 0, fmt.Errorf("addGroup answer groupID %q is not a number", n.Text)
	}
	return id, nil
}
