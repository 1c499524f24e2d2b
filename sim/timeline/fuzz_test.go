package timeline

import (
	"bytes"
	"testing"
)

// FuzzParseJSONL: any input either parses into events that render, or is refused with an error;
// never a panic.
func FuzzParseJSONL(f *testing.F) {
	f.Add([]byte(`{"time":"2026-01-05T09:00:00Z","seq":1,"type":"signin","user":"sip:k@x","details":{"client":"lync2013","endpoint":"desktop"}}`))
	f.Add([]byte("{\"time\":\"2026-01-05T09:00:00Z\",\"seq\":1,\"type\":\"hold.started\",\"user\":\"sip:k@x\",\"details\":{\"holdUntil\":\"2026-01-12T09:00:00Z\"}}\n{\"time\":\"2026-01-12T09:00:00Z\",\"seq\":2,\"type\":\"hold.expired\",\"user\":\"sip:k@x\"}\n"))
	f.Add([]byte(`{"time":"2026-01-05T09:00:00Z","seq":1,"type":"fault.started","details":{"exchange":"down","for":"1h"}}`))
	f.Add([]byte("not json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := ParseJSONL(bytes.NewReader(data))
		if err != nil {
			return
		}
		tl := Build(Story{FailedStep: -1}, ev)
		_ = tl.Page(PageOptions{})
		_ = tl.Lines("", true)
	})
}
