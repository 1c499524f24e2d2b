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

// benchContacts is the size of the list GetImItemList reads in the benchmark.
const benchContacts = 50

func benchServer(b *testing.B) (*ews.Server, string, *ews.Client) {
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
	now := time.Now()
	c := ews.NewClient(ews.ClientConfig{BaseURL: base, Token: func() string { return ews.SignToken(trustKey, "lync", now, time.Hour) }})
	return srv, base, c
}

func BenchmarkGetImItemList(b *testing.B) {
	_, _, c := benchServer(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetImItemList(ctx, ken); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAddNewImContactToGroup(b *testing.B) {
	_, _, c := benchServer(b)
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		if _, err := c.AddNewImContactToGroup(ctx, ken, fmt.Sprintf("n%d@litwareinc.com", i), "New Contact", engine.ItemID{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareHandler is the floor: a bare net/http handler on loopback answering a body of the
// same size as each benchmarked operation's answer, to a POST of the same size.
func BenchmarkBareHandler(b *testing.B) {
	_, base, _ := benchServer(b)
	sizes := map[string][2]int{}
	for _, op := range []string{"GetImItemList", "AddNewImContactToGroup"} {
		rec := &recorder{}
		c := ews.NewClient(ews.ClientConfig{BaseURL: base, HTTP: &http.Client{Transport: rec}, Token: func() string {
			return ews.SignToken(trustKey, "lync", time.Now(), time.Hour)
		}})
		var err error
		if op == "GetImItemList" {
			_, err = c.GetImItemList(context.Background(), ken)
		} else {
			_, err = c.AddNewImContactToGroup(context.Background(), ken, "size@litwareinc.com", "New Contact", engine.ItemID{})
		}
		if err != nil {
			b.Fatal(err)
		}
		req, resp := rec.last()
		sizes[op] = [2]int{len(req), len(resp)}
	}
	for _, op := range []string{"GetImItemList", "AddNewImContactToGroup"} {
		b.Run(op+"-size", func(b *testing.B) {
			reqBody := bytes.Repeat([]byte("x"), sizes[op][0])
			respBody := bytes.Repeat([]byte("x"), sizes[op][1])
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
