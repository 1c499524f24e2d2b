package ews

import (
	"strconv"
	"time"
)

// Namespaces of docs/PROTOCOLS.md 2.2 and 2.9.
const (
	NSSoap     = "http://schemas.xmlsoap.org/soap/envelope/"
	NSMessages = "http://schemas.microsoft.com/exchange/services/2006/messages"
	NSTypes    = "http://schemas.microsoft.com/exchange/services/2006/types"
	NSErrors   = "http://schemas.microsoft.com/exchange/services/2006/errors"

	NSAutodiscoverRequest     = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
	NSAutodiscoverResponse    = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
	NSAutodiscoverOutlookResp = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)

const xmlDecl = `<?xml version="1.0" encoding="utf-8"?>`

// beginEnvelope writes the SOAP envelope, the ServerVersionInfo header and opens the body.
func beginEnvelope(w *xmlWriter) {
	w.raw(xmlDecl)
	w.open("soap:Envelope", "xmlns:soap", NSSoap, "xmlns:m", NSMessages, "xmlns:t", NSTypes)
	w.open("soap:Header")
	w.empty("t:ServerVersionInfo", "MajorVersion", "15", "MinorVersion", "0",
		"MajorBuildNumber", "847", "MinorBuildNumber", "32", "Version", "Exchange2013")
	w.close("soap:Header")
	w.open("soap:Body")
}

func endEnvelope(w *xmlWriter) {
	w.close("soap:Body")
	w.close("soap:Envelope")
}

// ewsError is an answer other than NoError: a SOAP fault (request level, HTTP 500) or a
// ResponseClass="Error" message (HTTP 200).
type ewsError struct {
	Code    string
	Message string
	Fault   bool
	BackOff time.Duration // ErrorServerBusy only
}

func (e *ewsError) Error() string { return e.Code + ": " + e.Message }

func faultErr(code, msg string) *ewsError { return &ewsError{Code: code, Message: msg, Fault: true} }
func opErr(code, msg string) *ewsError    { return &ewsError{Code: code, Message: msg} }

// writeFault renders a soap:Fault of docs/PROTOCOLS.md 2.2.
func writeFault(e *ewsError) []byte {
	var w xmlWriter
	beginEnvelope(&w)
	w.open("soap:Fault")
	w.open("faultcode", "xmlns:a", NSTypes)
	w.raw("a:" + e.Code)
	w.close("faultcode")
	w.elem("faultstring", e.Message)
	w.open("detail")
	w.open("e:ResponseCode", "xmlns:e", NSErrors)
	w.raw(e.Code)
	w.close("e:ResponseCode")
	w.elem2("e:Message", e.Message, "xmlns:e", NSErrors)
	if e.Code == "ErrorServerBusy" && e.BackOff > 0 {
		w.open("t:MessageXml")
		w.open("t:Value", "Name", "BackOffMilliseconds")
		w.raw(strconv.FormatInt(e.BackOff.Milliseconds(), 10))
		w.close("t:Value")
		w.close("t:MessageXml")
	}
	w.close("detail")
	w.close("soap:Fault")
	endEnvelope(&w)
	return w.bytes()
}

// elem2 writes an element with attributes and escaped text.
func (w *xmlWriter) elem2(name, text string, attrs ...string) {
	w.open(name, attrs...)
	w.textEsc(text)
	w.close(name)
}

// responseHead opens m:<op>Response with its class and code; the caller writes the payload
// and closes it.
func responseHead(w *xmlWriter, elem string, e *ewsError) {
	if e == nil {
		w.open(elem, "ResponseClass", "Success")
		w.elem("m:ResponseCode", "NoError")
		return
	}
	w.open(elem, "ResponseClass", "Error")
	w.elem("m:MessageText", e.Message)
	w.elem("m:ResponseCode", e.Code)
	w.elem("m:DescriptiveLinkKey", "0")
	if e.BackOff > 0 {
		w.open("m:MessageXml")
		w.elem2("t:Value", strconv.FormatInt(e.BackOff.Milliseconds(), 10), "Name", "BackOffMilliseconds")
		w.close("m:MessageXml")
	}
}
