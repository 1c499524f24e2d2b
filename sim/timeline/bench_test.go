package timeline

import (
	"os"
	"testing"
)

// BenchmarkPageHundredUsers builds and renders the page of a 100-user, 8-day trace.
func BenchmarkPageHundredUsers(b *testing.B) {
	fh, err := os.Open("testdata/hundred-users-week.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	events, err := ParseJSONL(fh)
	fh.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var size int
	for b.Loop() {
		size = len(Build(Story{FailedStep: -1}, events).Page(PageOptions{}))
	}
	b.ReportMetric(float64(size), "bytes/page")
}
