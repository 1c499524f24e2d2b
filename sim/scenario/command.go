package scenario

import (
	"errors"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ucssim/ucssim/engine"
)

// checkCommand checks a `run:` line with the engine's own parser (syntax, cmdlet name and
// parameter binding; no world needed), so a typo fails validation instead of a run. When the
// error names a column of the line and the line is written as a plain one-line scalar, the
// error points at that column of the file.
func (d *decoder) checkCommand(n *yaml.Node, line string) {
	_, err := engine.ParseCommand(line)
	if err == nil {
		return
	}
	at := *n
	var ce *engine.CmdletError
	if errors.As(err, &ce) && ce.Column > 0 && n.Style == 0 && !strings.Contains(line, "\n") {
		at.Column = n.Column + ce.Column - 1
	}
	d.errorf(&at, "run: %v", err)
}
