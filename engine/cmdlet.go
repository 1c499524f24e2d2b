package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/engine/pwsh"
)

// Command is one Management Shell line, parsed and bound to a cmdlet's parameters.
type Command struct {
	Cmdlet string // canonical cmdlet name, e.g. Grant-CsUserServicesPolicy
	Line   *pwsh.Command
	Params pwsh.Bound
}

// RunOptions tune Run. Confirm answers confirmation prompts; nil answers yes (scenario files).
type RunOptions struct {
	Confirm func(question string) bool
}

// Result is what a cmdlet printed.
type Result struct {
	Records  []Record // list-view records, in order
	Warnings []string // without the "WARNING: " prefix
	Text     string   // exactly what the shell prints
}

// Record is one object of the shell's list view.
type Record []Field

// Field is one property of a record, with its value as the shell prints it (True, Success, Tag:X).
type Field struct{ Name, Value string }

// Get returns the value of the named field (case-insensitive) and whether it is there.
func (r Record) Get(name string) (string, bool) {
	for _, f := range r {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// CmdletError is a terminating error of a cmdlet line; the state is unchanged.
type CmdletError struct {
	Cmdlet    string // canonical name, or the name as typed when unknown
	Parameter string // without the dash; "" if the error is not about one parameter
	Column    int    // 1-based column in the line; 0 if not tied to a place
	Message   string
}

func (e *CmdletError) Error() string {
	var b strings.Builder
	if e.Cmdlet != "" {
		b.WriteString(e.Cmdlet + ": ")
	}
	b.WriteString(e.Message)
	switch {
	case e.Parameter != "" && e.Column > 0:
		fmt.Fprintf(&b, " (parameter -%s, column %d)", e.Parameter, e.Column)
	case e.Parameter != "":
		fmt.Fprintf(&b, " (parameter -%s)", e.Parameter)
	case e.Column > 0:
		fmt.Fprintf(&b, " (column %d)", e.Column)
	}
	return b.String()
}

func sw(name string) pwsh.ParamSpec {
	return pwsh.ParamSpec{Name: name, Kind: pwsh.SwitchParam, Position: -1}
}

// specs are the cmdlets the engine knows, with the parameters it honours.
var specs = []pwsh.Spec{
	{Name: "New-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
		{Name: "Identity", Kind: pwsh.StringParam, Position: 0, Mandatory: true},
		{Name: "UcsAllowed", Kind: pwsh.BoolParam, Position: -1},
	}},
	{Name: "Set-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
		{Name: "Identity", Kind: pwsh.StringParam, Position: 0},
		{Name: "UcsAllowed", Kind: pwsh.BoolParam, Position: -1},
	}},
	{Name: "Get-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
		{Name: "Identity", Kind: pwsh.StringParam, Position: 0},
		{Name: "Filter", Kind: pwsh.StringParam, Position: -1},
	}},
	{Name: "Remove-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
		{Name: "Identity", Kind: pwsh.StringParam, Position: 0, Mandatory: true},
		sw("Force"),
	}},
	{Name: "Grant-CsUserServicesPolicy", Params: []pwsh.ParamSpec{
		{Name: "Identity", Kind: pwsh.StringParam, Position: 0, Mandatory: true},
		{Name: "PolicyName", Kind: pwsh.StringParam, Position: 1, Mandatory: true, AllowNull: true},
	}},
	{Name: "Invoke-CsUcsRollback", Params: []pwsh.ParamSpec{
		{Name: "Identity", Kind: pwsh.StringParam, Position: 0, Mandatory: true},
		sw("Force"), sw("Confirm"), sw("WhatIf"),
	}},
	{Name: "Test-CsUnifiedContactStore", Params: []pwsh.ParamSpec{
		{Name: "TargetFqdn", Kind: pwsh.StringParam, Position: 0},
		{Name: "UserSipAddress", Kind: pwsh.StringParam, Position: -1, Mandatory: true},
	}},
	{Name: "Debug-CsUnifiedContactStore", Params: []pwsh.ParamSpec{
		{Name: "Identity", Kind: pwsh.StringParam, Position: 0},
		{Name: "PoolFqdn", Kind: pwsh.StringParam, Position: -1},
	}},
	{Name: "Move-CsUser", Params: []pwsh.ParamSpec{
		{Name: "Identity", Kind: pwsh.StringParam, Position: 0, Mandatory: true},
		{Name: "Target", Kind: pwsh.StringParam, Position: 1, Mandatory: true},
		sw("Force"), sw("Confirm"), sw("WhatIf"),
	}},
}

// Cmdlets lists the cmdlet names the engine runs.
func Cmdlets() []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = s.Name
	}
	return out
}

// ParseCommand checks a line's syntax, names the cmdlet and binds its parameters, without looking
// at the world (the scenario validator uses it). Errors are *CmdletError.
func ParseCommand(line string) (*Command, error) {
	pc, err := pwsh.Parse(line)
	if err != nil {
		return nil, wrapPwsh(knownFirstWord(line), err)
	}
	spec, err := pwsh.Resolve(pc, specs)
	if err != nil {
		return nil, wrapPwsh(pc.Name, err)
	}
	b, err := pwsh.Bind(pc, spec)
	if err != nil {
		return nil, wrapPwsh(spec.Name, err)
	}
	return &Command{Cmdlet: spec.Name, Line: pc, Params: b}, nil
}

// knownFirstWord names the cmdlet of a line that did not parse, when its first word is one.
func knownFirstWord(line string) string {
	f := strings.Fields(line)
	if len(f) == 0 {
		return ""
	}
	for _, s := range specs {
		if strings.EqualFold(s.Name, f[0]) {
			return s.Name
		}
	}
	return ""
}

func wrapPwsh(cmdlet string, err error) *CmdletError {
	var pe *pwsh.Error
	if errors.As(err, &pe) {
		return &CmdletError{Cmdlet: cmdlet, Parameter: pe.Param, Column: pe.Col, Message: pe.Msg}
	}
	return &CmdletError{Cmdlet: cmdlet, Message: err.Error()}
}

// Run runs one Management Shell line. Cmdlets that talk to Exchange (Invoke-CsUcsRollback,
// Test-CsUnifiedContactStore, Move-CsUser to a Lync Server 2010 pool) do so on the calling
// goroutine and return when done. On error (a *CmdletError) nothing has changed.
func (e *Engine) Run(ctx context.Context, line string, opt RunOptions) (*Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(e.root, cancel)()
	cmd, err := ParseCommand(line)
	if err == nil {
		var res *Result
		res, err = e.runCommand(ctx, cmd, opt)
		var wi *whatIfResult
		if errors.As(err, &wi) {
			return &Result{Text: wi.line + "\n"}, nil
		}
		if err == nil {
			res.Text = render(res)
			return res, nil
		}
	}
	var ce *CmdletError
	if !errors.As(err, &ce) {
		ce = &CmdletError{Message: err.Error()}
	}
	e.lock()
	e.emitLocked("cmdlet.error", "", map[string]any{"cmdlet": ce.Cmdlet, "message": ce.Error()})
	e.unlock()
	return nil, ce
}

// argError builds the error of a semantically wrong argument.
func (c *Command) argError(param, format string, a ...any) *CmdletError {
	return &CmdletError{Cmdlet: c.Cmdlet, Parameter: param, Column: c.Params.Col(param), Message: fmt.Sprintf(format, a...)}
}

func (c *Command) str(name string) string {
	s, _ := c.Params.String(name)
	return s
}

func (c *Command) flag(name string) bool {
	b, _ := c.Params.Bool(name)
	return b
}

func (e *Engine) runCommand(ctx context.Context, c *Command, opt RunOptions) (*Result, error) {
	switch c.Cmdlet {
	case "New-CsUserServicesPolicy":
		return e.newPolicy(c)
	case "Set-CsUserServicesPolicy":
		return e.setPolicy(c)
	case "Get-CsUserServicesPolicy":
		return e.getPolicy(c)
	case "Remove-CsUserServicesPolicy":
		return e.removePolicy(c)
	case "Grant-CsUserServicesPolicy":
		return e.grantPolicy(c)
	case "Invoke-CsUcsRollback":
		return e.invokeRollback(ctx, c, opt)
	case "Test-CsUnifiedContactStore":
		return e.testUCS(ctx, c)
	case "Debug-CsUnifiedContactStore":
		return e.debugUCS(c)
	case "Move-CsUser":
		return e.moveUser(ctx, c, opt)
	}
	return nil, &CmdletError{Cmdlet: c.Cmdlet, Message: "cmdlet not implemented"}
}

// confirm asks the shell's confirmation question unless -Confirm:$False was given.
func confirm(c *Command, opt RunOptions, target string) bool {
	if c.Params.Has("Confirm") && !c.flag("Confirm") {
		return true
	}
	if opt.Confirm == nil {
		return true
	}
	return opt.Confirm(fmt.Sprintf("Are you sure you want to perform this action?\nPerforming the operation %q on target %q.", c.Cmdlet, target))
}

func whatIf(c *Command, target string) string {
	return fmt.Sprintf("What if: Performing the operation %q on target %q.", c.Cmdlet, target)
}

// render prints a result as the shell's list view: warnings, then records separated by a blank
// line, names padded to the longest of their record.
func render(r *Result) string {
	var b strings.Builder
	for _, w := range r.Warnings {
		b.WriteString("WARNING: " + w + "\n")
	}
	for i, rec := range r.Records {
		if i > 0 || len(r.Warnings) > 0 {
			b.WriteString("\n")
		}
		width := 0
		for _, f := range rec {
			width = max(width, len(f.Name))
		}
		for _, f := range rec {
			fmt.Fprintf(&b, "%-*s : %s\n", width, f.Name, f.Value)
		}
	}
	return b.String()
}

func boolText(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
