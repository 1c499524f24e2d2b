package ews_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

// FuzzDecodeRequest feeds arbitrary bodies to the EWS endpoint as an authenticated user: the
// handler never panics, always answers well-formed XML, and a fault changes no mailbox.
func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(envelope("", getList)))
	f.Add([]byte(envelope("", `<m:AddImGroup><m:DisplayName>Team</m:DisplayName></m:AddImGroup>`)))
	f.Add([]byte(envelope("", `<m:AddNewImContactToGroup><m:ImAddress>a@b.c</m:ImAddress></m:AddNewImContactToGroup>`)))
	f.Add([]byte(envelope("", `<m:RemoveContactFromImList><m:ContactId Id="%%"/></m:RemoveContactFromImList>`)))
	f.Add([]byte(envelope("", `<m:FindItem><m:IndexedPageItemView MaxEntriesReturned="-1"/><m:ParentFolderIds><t:DistinguishedFolderId Id="quickcontacts"/></m:ParentFolderIds></m:FindItem>`)))
	f.Add([]byte("<"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		srv := ews.NewServer(ews.Config{Seed: 1})
		srv.AddMailbox(ken, "Ken Myer", engine.MailboxExchange2013)
		if err := srv.Seed(ken, []ews.SeedContact{{IMAddress: "pilar@litwareinc.com", Groups: []string{"Team"}}}); err != nil {
			t.Fatal(err)
		}
		before, _, _ := srv.List(ken)
		req := httptest.NewRequest(http.MethodPost, "/EWS/Exchange.asmx", bytes.NewReader(body))
		req.Header.Set("Authorization", "Basic "+b64(ken+":pw"))
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		answer := rec.Body.String()
		if rec.Code != http.StatusOK && rec.Code != http.StatusInternalServerError {
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		if !wellFormed(answer) {
			t.Fatalf("answer is not well-formed XML: %q", answer)
		}
		if rec.Code == http.StatusInternalServerError {
			if !strings.Contains(answer, "<soap:Fault>") {
				t.Fatalf("500 without a SOAP fault: %q", answer)
			}
			after, _, _ := srv.List(ken)
			if !reflect.DeepEqual(before, after) {
				t.Fatalf("a fault changed the mailbox for %q", body)
			}
		}
	})
}

func wellFormed(s string) bool {
	dec := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}
