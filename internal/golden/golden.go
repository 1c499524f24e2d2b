// Package golden compares what a spec produced with the expected text kept beside it in testdata/,
// for every golden file of the repository: SIP and EWS wire exchanges, shell transcripts, engine
// interaction scripts. One knob rewrites them all from the current code:
//
//	UCSSIM_UPDATE_GOLDEN=1 go test ./...        (or: make golden)
//
// then review the change as a text diff (git diff) before committing it.
package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Env is the one environment variable that rewrites every golden file.
const Env = "UCSSIM_UPDATE_GOLDEN"

// Update reports whether golden files are being rewritten (Env=1).
func Update() bool { return os.Getenv(Env) == "1" }

// Check compares got with the golden file at path. With Env=1 it writes got there instead. The
// error names the file, the first differing line and how to regenerate.
func Check(path string, got []byte) error {
	if Update() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("golden file %s: %v (run with %s=1 to create it)", path, err, Env)
	}
	if string(want) == string(got) {
		return nil
	}
	return fmt.Errorf("golden file %s differs (run with %s=1 to accept, then review git diff): %s", path, Env, firstDifference(string(want), string(got)))
}

// firstDifference describes the first line where want and got differ.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl || i >= len(w) || i >= len(g) {
			return fmt.Sprintf("line %d: want %q, got %q", i+1, wl, gl)
		}
	}
	return "same lines, different bytes"
}
