package engine

// CmdletParameters lists the parameter names of a cmdlet or alias the engine runs (compared
// case-insensitively), in the order its syntax gives them, common parameters last; nil for an
// unknown name. The shell completes parameter names with it.
func CmdletParameters(name string) []string {
	c := lookupCmdlet(name)
	if c == nil {
		return nil
	}
	out := make([]string, len(c.spec.Params))
	for i, p := range c.spec.Params {
		out[i] = p.Name
	}
	return out
}
