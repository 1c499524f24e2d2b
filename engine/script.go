package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/engine/pwsh"
)

// cmdlet is one command the shell runs: its parameters, how it takes pipeline input and what it
// does. Cmdlets that change state honour -WhatIf and -Confirm through invocation.shouldProcess.
type cmdlet struct {
	spec    pwsh.Spec // with the common parameters (register adds them)
	aliases []string
	// changes: the cmdlet changes state (-WhatIf and -Confirm); confirms: it asks even without
	// -Confirm (ConfirmImpact High in the product: Invoke-CsUcsRollback, Move-CsUser).
	changes, confirms bool
	// whole: the cmdlet takes the whole pipeline input at once (Where-Object, Sort-Object,
	// Format-Table ...) rather than once per input object.
	whole bool
	run   func(e *Engine, x *invocation) error
	help  *cmdletHelp
	// module: "Lync" for the product's cmdlets, "Microsoft.PowerShell.*" for the PowerShell ones.
	module string
}

var registry []*cmdlet

// register adds a cmdlet, completing its spec with PowerShell's common parameters.
func register(c *cmdlet) {
	c.spec = c.spec.WithCommon(c.changes)
	if err := c.spec.Validate(); err != nil {
		panic(err) // a programming error in a spec table, caught by every test run
	}
	registry = append(registry, c)
}

// lookupCmdlet finds a cmdlet by name or alias (case-insensitive); nil if none.
func lookupCmdlet(name string) *cmdlet {
	for _, c := range registry {
		if strings.EqualFold(c.spec.Name, name) {
			return c
		}
		for _, a := range c.aliases {
			if strings.EqualFold(a, name) {
				return c
			}
		}
	}
	return nil
}

func allSpecs() []pwsh.Spec {
	out := make([]pwsh.Spec, len(registry))
	for i, c := range registry {
		out[i] = c.spec
	}
	return out
}

// Cmdlets lists the names of the cmdlets the engine runs (the product's and PowerShell's).
func Cmdlets() []string {
	out := make([]string, len(registry))
	for i, c := range registry {
		out[i] = c.spec.Name
	}
	return out
}

// IsCommand reports whether name is a cmdlet or an alias the shell runs.
func IsCommand(name string) bool { return lookupCmdlet(name) != nil }

// takesInput reports whether a parameter of the cmdlet binds from the pipeline.
func (c *cmdlet) takesInput() bool {
	if c.whole {
		return true
	}
	for _, p := range c.spec.Params {
		if p.FromPipeline || p.FromPipelineByName {
			return true
		}
	}
	return false
}

// bindStatic binds a command's own arguments. piped: the command gets pipeline input, so its
// mandatory parameters may still come from there.
func (c *cmdlet) bindStatic(cmd *pwsh.Command, piped bool) (pwsh.Bound, *CmdletError) {
	named := *cmd
	named.Name = c.spec.Name // an alias (ft, where, ?) binds as its cmdlet
	cmd = &named
	var b pwsh.Bound
	var err error
	if piped && c.takesInput() {
		b, err = pwsh.BindPartial(cmd, c.spec)
	} else {
		b, err = pwsh.Bind(cmd, c.spec)
	}
	if err != nil {
		return nil, wrapPwsh(c.spec.Name, err)
	}
	return b, nil
}

// withoutVariables replaces $variables by placeholder text, so that a line can be bound without
// a session (validation).
func withoutVariables(cmd *pwsh.Command) *pwsh.Command {
	out := *cmd
	out.Args = make([]pwsh.Arg, len(cmd.Args))
	for i, a := range cmd.Args {
		if a.Value != nil && a.Value.Kind == pwsh.Variable {
			v := *a.Value
			v.Kind, v.Str = pwsh.String, "$"+a.Value.Str
			a.Value = &v
		}
		out.Args[i] = a
	}
	return &out
}

// runner runs one line.
type runner struct {
	e    *Engine
	ctx  context.Context
	opt  RunOptions
	sess *Session
	res  *Result
	line string

	yesAll, noAll bool // the answers A and L hold for the rest of the statement
	stop          bool // an -ErrorAction Stop error (or a warning with -WarningAction Stop) ended the line
}

// formatted is the output of Format-List and Format-Table: text that prints as it is.
type formatted struct{ text string }

func (r *runner) chunk(kind, text string) {
	r.res.Text += text
	r.res.Chunks = append(r.res.Chunks, Chunk{Kind: kind, Text: text})
}

func (r *runner) script(sc *pwsh.Script) {
	for _, st := range sc.Statements {
		if r.stop || r.ctx.Err() != nil {
			return
		}
		r.yesAll, r.noAll = false, false
		out := r.pipeline(st)
		if st.Assign != "" {
			switch len(out) {
			case 0:
				r.sess.SetVar(st.Assign, nil)
			case 1:
				r.sess.SetVar(st.Assign, out[0])
			default:
				r.sess.SetVar(st.Assign, out)
			}
			continue
		}
		for _, it := range out {
			if _, ok := it.(formatted); !ok {
				r.res.Objects = append(r.res.Objects, it)
			}
		}
		if text := outDefault(out); text != "" {
			r.chunk("output", text)
		}
	}
}

// outDefault formats a statement's output as the shell shows it: Format-* output as it is,
// objects as lists (tables for the few-property objects of Select-Object), scalars one a line.
func outDefault(items []any) string {
	var b strings.Builder
	var run []any
	table := false
	flush := func() {
		if len(run) == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		if table {
			b.WriteString(pwsh.FormatTable(run, nil))
		} else {
			b.WriteString(pwsh.FormatList(run, nil))
		}
		run = nil
	}
	for _, it := range items {
		switch x := it.(type) {
		case formatted:
			flush()
			b.WriteString(x.text)
		case *pwsh.Object:
			if len(run) > 0 && x.Table != table {
				flush()
			}
			table = x.Table
			run = append(run, x)
		default:
			flush()
			b.WriteString(pwsh.Text(it) + "\n")
		}
	}
	flush()
	return b.String()
}

func (r *runner) pipeline(st *pwsh.Statement) []any {
	var items []any
	for i, el := range st.Elements {
		if r.stop || r.ctx.Err() != nil {
			return nil
		}
		if el.Expr != nil {
			items = r.expr(el.Expr)
			continue
		}
		c := lookupCmdlet(el.Cmd.Name)
		items = r.invoke(c, el, items, i > 0)
	}
	return items
}

// expr evaluates a pipeline's first element: $var, $var.Prop, a literal. A list flows item by item.
func (r *runner) expr(v *pwsh.Value) []any {
	var val any
	switch v.Kind {
	case pwsh.Variable:
		val = r.variable(v.Str)
		for _, m := range v.Members {
			val = pwsh.Member(val, m)
		}
	case pwsh.Bool:
		val = v.Bool
	case pwsh.Null:
		return nil
	case pwsh.List:
		var out []any
		for _, it := range v.Items {
			out = append(out, r.expr(it)...)
		}
		return out
	default:
		val = v.Str
	}
	if list, ok := val.([]any); ok {
		return list
	}
	if val == nil {
		return nil
	}
	return []any{val}
}

// variable reads a variable; $null (and unset variables, as in PowerShell) are nil.
func (r *runner) variable(name string) any {
	switch strings.ToLower(name) {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	v, _ := r.sess.Var(name)
	return v
}

// substitute replaces the $variables of a command's arguments by their values.
func (r *runner) substitute(cmd *pwsh.Command) *pwsh.Command {
	out := *cmd
	out.Args = make([]pwsh.Arg, len(cmd.Args))
	for i, a := range cmd.Args {
		if a.Value != nil {
			a.Value = r.subValue(a.Value)
		}
		out.Args[i] = a
	}
	return &out
}

func (r *runner) subValue(v *pwsh.Value) *pwsh.Value {
	switch v.Kind {
	case pwsh.Variable:
		val := r.variable(v.Str)
		for _, m := range v.Members {
			val = pwsh.Member(val, m)
		}
		return pwsh.ValueOf(val, v.Col)
	case pwsh.List:
		out := *v
		out.Items = make([]*pwsh.Value, len(v.Items))
		for i, it := range v.Items {
			out.Items[i] = r.subValue(it)
		}
		return &out
	}
	return v
}

// invocation is one run of a cmdlet: for a cmdlet fed by a pipeline, one input object (or, for
// a whole-input cmdlet, all of them).
type invocation struct {
	r     *runner
	c     *cmdlet
	cmd   *Command
	el    *pwsh.Element
	input any
	items []any
	out   []any
}

func (x *invocation) ctx() context.Context { return x.r.ctx }

func (x *invocation) emit(v any) { x.out = append(x.out, v) }

// warn writes a warning, as -WarningAction says: shown (Continue), dropped (SilentlyContinue,
// Ignore) or turned into an error that stops the line (Stop).
func (x *invocation) warn(msg string) {
	switch action, _ := x.cmd.Params.String("WarningAction"); action {
	case "SilentlyContinue", "Ignore":
		return
	case "Stop":
		x.r.res.Warnings = append(x.r.res.Warnings, msg)
		x.r.chunk("warning", "WARNING: "+msg+"\n")
		x.fail(&CmdletError{Cmdlet: x.c.spec.Name, Message: "The running command stopped because the preference variable \"WarningPreference\" or common parameter is set to Stop: " + msg,
			Category: fmt.Sprintf("OperationStopped: (:) [%s], ParentContainsErrorRecordException", x.c.spec.Name), ErrorID: "ActionPreferenceStop"})
		x.r.stop = true
		return
	}
	x.r.res.Warnings = append(x.r.res.Warnings, msg)
	x.r.chunk("warning", "WARNING: "+msg+"\n")
}

// shouldProcess is PowerShell's ShouldProcess: -WhatIf prints what would happen and says no;
// -Confirm (or a cmdlet that always confirms) asks, and Yes to All / No to All answer the rest of
// the statement.
func (x *invocation) shouldProcess(target string) bool {
	if x.cmd.flag("WhatIf") {
		x.r.chunk("whatif", fmt.Sprintf("What if: Performing the operation %q on target %q.\n", x.c.spec.Name, target))
		return false
	}
	ask := x.c.confirms
	if x.cmd.Params.Has("Confirm") {
		ask = x.cmd.flag("Confirm")
	}
	if !ask {
		return true
	}
	switch {
	case x.r.yesAll:
		return true
	case x.r.noAll:
		return false
	}
	question := fmt.Sprintf("Are you sure you want to perform this action?\nPerforming the operation %q on target %q.", x.c.spec.Name, target)
	opt := x.r.opt
	switch {
	case opt.Ask != nil:
		switch opt.Ask("Confirm", question) {
		case Yes:
			return true
		case YesToAll:
			x.r.yesAll = true
			return true
		case NoToAll:
			x.r.noAll = true
		}
		return false
	case opt.Confirm != nil:
		return opt.Confirm(question)
	}
	return true
}

// fail records a non-terminating error of this invocation, as -ErrorAction says.
func (x *invocation) fail(ce *CmdletError) {
	if ce.Cmdlet == "" {
		ce.Cmdlet = x.c.spec.Name
	}
	ce.elemCol, ce.elemLen = x.el.Col, x.el.End-x.el.Col
	action, _ := x.cmd.Params.String("ErrorAction")
	switch action {
	case "SilentlyContinue", "Ignore":
		return
	case "Stop":
		x.r.stop = true
	}
	x.r.res.Errors = append(x.r.res.Errors, ce)
	x.r.e.recordError(ce)
	x.r.chunk("error", ce.Format(x.r.line))
}

// invoke runs a cmdlet over its input and returns its output.
func (r *runner) invoke(c *cmdlet, el *pwsh.Element, input []any, piped bool) []any {
	line := r.substitute(el.Cmd)
	base, berr := c.bindStatic(line, piped)
	x := &invocation{r: r, c: c, el: el, cmd: &Command{Cmdlet: c.spec.Name, Line: line, Params: base}}
	if berr != nil {
		x.cmd.Params = pwsh.Bound{}
		x.fail(berr)
		return nil
	}
	if v, _ := base.Bool("Verbose"); v {
		r.res.Verbose = true
	}
	if !piped || c.whole {
		x.items = input
		r.call(x)
		return x.out
	}
	var out []any
	for _, in := range input {
		if r.stop || r.ctx.Err() != nil {
			break
		}
		b, err := pwsh.BindInput(base, c.spec, in)
		if err == nil {
			err = pwsh.CheckMandatory(b, c.spec, el.End)
		}
		one := &invocation{r: r, c: c, el: el, input: in, cmd: &Command{Cmdlet: c.spec.Name, Line: line, Params: b}}
		if err != nil {
			one.cmd.Params = base
			ce := wrapPwsh(c.spec.Name, err)
			var pe *pwsh.Error
			if errors.As(err, &pe) && pe.Code == pwsh.CodeInputNotBound {
				ce.Category = fmt.Sprintf("InvalidArgument: (%s:PSObject) [%s], ParameterBindingException", pwsh.Text(in), c.spec.Name)
				ce.ErrorID = "InputObjectNotBound," + cmdletClass(c.spec.Name)
			}
			one.fail(ce)
			continue
		}
		r.call(one)
		out = append(out, one.out...)
	}
	return out
}

// call runs one invocation and records its error.
func (r *runner) call(x *invocation) {
	err := x.c.run(r.e, x)
	if err == nil {
		return
	}
	var ce *CmdletError
	if !errors.As(err, &ce) {
		ce = &CmdletError{Cmdlet: x.c.spec.Name, Message: err.Error()}
	}
	x.fail(ce)
}
