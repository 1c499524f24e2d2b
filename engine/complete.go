package engine

import "strings"

// CmdletParameters lists the parameter names of a cmdlet the engine runs (name compared
// case-insensitively), in the order its syntax gives them; nil for an unknown cmdlet. The shell
// completes parameter names with it.
func CmdletParameters(cmdlet string) []string {
	for _, s := range specs {
		if strings.EqualFold(s.Name, cmdlet) {
			out := make([]string, len(s.Params))
			for i, p := range s.Params {
				out[i] = p.Name
			}
			return out
		}
	}
	return nil
}
