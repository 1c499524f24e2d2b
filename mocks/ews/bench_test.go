package ews_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

// benchContacts is the size of the list GetImItemList reads in the benchmark: a population
// story's 100 contacts per user.
const benchContacts = 100

func benchServer(b *testing.B) (*ews.Server, string) {
	b.Helper()
	srv := ews.NewServer(ews.Config{TrustKey: trustKey, Seed: 1, MaxContacts: 1 << 30})
	srv.AddMailbox(ken, "Ken Myer", engine.MailboxExchange2013)
	var seed []ews.SeedContact
	for i := range benchContacts {
		seed = append(seed, ews.SeedContact{IMAddress: fmt.Sprintf("c%03d@litwareinc.com", i), DisplayName: fmt.Sprintf("Contact %03d", i),
			Groups: []string{fmt.Sprintf("Group %d", i%5)}})
	}
	if err := srv.Seed(ken, seed); err != nil {
		b.Fatal(err)
	}
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	return srv, base
}

// benchOps are the benchmarked operations: the engine's read of a whole list (one per
// migration and rollback) and its write of one contact (one per contact migrated).
var benchOps = []struct {
	name string
	call func(c *ews.Client, i int) error
}{
	{"GetImItemList", func(c *ews.Client, _ int) error {
		_, err := c.GetImItemList(context.Background(), ken)
		return err
	}},
	{"AddNewImContactToGroup", func(c *ews.Client, i int) error {
		_, err := c.AddNewImContactToGroup(context.Background(), ken, fmt.Sprintf("n%d@litwareinc.com", i), "New Contact", engine.ItemID{})
		return err
	}},
}

// BenchmarkEWSPath compares, per operation, a round trip of the engine's EWS client through the
// mock (build the request, POST it on loopback, the mock parses it and answers, the client parses
// the answer) with the floor: a bare net/http handler on loopback that reads the same request
// bytes and answers the same answer bytes, which the client reads without parsing. The ratio
// of the two is the EWS path's cost over the protocol's round trips.
func BenchmarkEWSPath(b *testing.B) {
	for _, op := range benchOps {
		b.Run("mock/"+op.name, func(b *testing.B) {
			_, base := benchServer(b)
			now := time.Now()
			c := ews.NewClient(ews.ClientConfig{BaseURL: base, Token: ews.TokenSource(trustKey, "lync", func() time.Time { return now }, time.Hour)})
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				i++
				if err := op.call(c, i); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("bare/"+op.name, func(b *testing.B) {
			reqBody, respBody := recordExchange(b, op.call)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "text/xml; charset=utf-8")
				w.Write(respBody)
			})}
			go hs.Serve(ln)
			defer hs.Close()
			url := "http://" + ln.Addr().String() + "/EWS/Exchange.asmx"
			hc := &http.Client{}
			b.ReportAllocs()
			for b.Loop() {
				resp, err := hc.Post(url, "text/xml; charset=utf-8", bytes.NewReader(reqBody))
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}

// recordExchange returns the request and answer bytes of one call through the mock.
func recordExchange(b *testing.B, call func(c *ews.Client, i int) error) (req, resp []byte) {
	b.Helper()
	_, base := benchServer(b)
	rec := &recorder{}
	c := ews.NewClient(ews.ClientConfig{BaseURL: base, HTTP: &http.Client{Transport: rec}, Token: func() string {
		return ews.SignToken(trustKey, "lync", time.Now(), time.Hour)
	}})
	if err := call(c, 0); err != nil {
		b.Fatal(err)
	}
	return rec.last()
}
