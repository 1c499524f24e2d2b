package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ucssim/ucssim/engine/pwsh"
)

// cmdletHelp is a cmdlet's help, in the project's words, with the product documentation's
// syntax and examples.
type cmdletHelp struct {
	Synopsis    string
	Description string
	Syntax      []string // the parameter sets; nil: generated from the spec
	Examples    []helpExample
	Inputs      string
	Outputs     string
	Related     []string
}

type helpExample struct{ Code, Text string }

// Verb is a simulation verb of the shell (signin, wait ...), for Get-Command and Get-Help.
type Verb struct{ Name, Usage, What, Example string }

func init() {
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Get-Help", Params: []pwsh.ParamSpec{
			{Name: "Name", Position: 0, Type: "String", Help: "The cmdlet, alias or simulation verb to describe."},
			sw("Examples", "Shows only the examples."), sw("Detailed", "Adds the parameters and the examples."), sw("Full", "Adds everything: parameter attributes, inputs and outputs."),
			named("Parameter", "String", "Shows only this parameter."),
		}},
		aliases: []string{"help", "man"}, run: (*Engine).getHelp, module: "Microsoft.PowerShell.Core",
		help: &cmdletHelp{Synopsis: "Shows help about a cmdlet or a simulation verb.",
			Examples: []helpExample{{"Get-Help Invoke-CsUcsRollback -Examples", "Shows the documented examples of Invoke-CsUcsRollback."},
				{"Invoke-CsUcsRollback -?", "The same as Get-Help Invoke-CsUcsRollback."}}},
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Get-Command", Params: []pwsh.ParamSpec{
			{Name: "Name", Kind: pwsh.ListParam, Position: 0, Help: "Only commands whose name matches (wildcards allowed): *UserServices*."},
			named("Verb", "String", "Only cmdlets with this verb (Get, Set, ...)."), named("Noun", "String", "Only cmdlets with this noun (CsUser, ...)."),
			named("Module", "String", "Only commands of this module: Lync, Microsoft.PowerShell.*, ucssim."),
			named("CommandType", "CommandTypes", "Cmdlet, Alias or Simulation."),
		}},
		aliases: []string{"gcm"}, run: (*Engine).getCommand, module: "Microsoft.PowerShell.Core",
		help: &cmdletHelp{Synopsis: "Lists the cmdlets, aliases and simulation verbs this shell runs.",
			Examples: []helpExample{{"Get-Command *UserServices*", "Lists the user services policy cmdlets."}, {"Get-Command -Module Lync", "Lists the Lync Server cmdlets the simulator runs."}}},
	})
}

// paramType is the type Get-Help and errors name for a parameter.
func paramType(p pwsh.ParamSpec) string {
	if p.Type != "" {
		return p.Type
	}
	switch p.Kind {
	case pwsh.BoolParam:
		return "Boolean"
	case pwsh.SwitchParam:
		return "SwitchParameter"
	case pwsh.ListParam:
		return "Object[]"
	case pwsh.ScriptParam:
		return "ScriptBlock"
	}
	return "String"
}

var commonNames = map[string]bool{"verbose": true, "debug": true, "erroraction": true, "warningaction": true,
	"errorvariable": true, "warningvariable": true, "outvariable": true, "outbuffer": true}

// syntax generates a cmdlet's syntax line from its spec, as Get-Help writes it.
func syntax(c *cmdlet) string {
	parts := []string{c.spec.Name}
	params := append([]pwsh.ParamSpec(nil), c.spec.Params...)
	sort.SliceStable(params, func(i, j int) bool {
		pi, pj := params[i], params[j]
		ki, kj := pi.Position >= 0 && pi.Kind != pwsh.SwitchParam, pj.Position >= 0 && pj.Kind != pwsh.SwitchParam
		if ki != kj {
			return ki
		}
		if ki {
			return pi.Position < pj.Position
		}
		if pi.Mandatory != pj.Mandatory {
			return pi.Mandatory
		}
		return false
	})
	for _, p := range params {
		if commonNames[lower(p.Name)] {
			continue
		}
		var s string
		switch {
		case p.Kind == pwsh.SwitchParam:
			s = "[-" + p.Name + "]"
		case p.Position >= 0:
			s = "[-" + p.Name + "] <" + paramType(p) + ">"
			if !p.Mandatory {
				s = "[" + s + "]"
			}
		default:
			s = "-" + p.Name + " <" + paramType(p) + ">"
			if !p.Mandatory {
				s = "[" + s + "]"
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ") + " [<CommonParameters>]"
}

// isHelpRequest reports whether a command asks for its help with -?.
func isHelpRequest(cmd *pwsh.Command) bool {
	for _, a := range cmd.Args {
		if a.Name == "" && a.Value != nil && a.Value.Kind == pwsh.String && a.Value.Str == "-?" {
			return true
		}
	}
	return false
}

// helpFor rewrites `Cmdlet -?` as `Get-Help Cmdlet`.
func helpFor(cmd *pwsh.Command) *pwsh.Command {
	return &pwsh.Command{Name: "Get-Help", NameCol: cmd.NameCol, EndCol: cmd.EndCol,
		Args: []pwsh.Arg{{Value: &pwsh.Value{Kind: pwsh.String, Str: cmd.Name, Col: cmd.NameCol}, Col: cmd.NameCol}}}
}

func (e *Engine) getHelp(x *invocation) error {
	c := x.cmd
	name, ok := c.Params.String("Name")
	if !ok || strings.TrimSpace(name) == "" {
		x.emit(formatted{helpOverview()})
		return nil
	}
	cm := lookupCmdlet(name)
	if cm == nil {
		for _, v := range x.r.opt.Verbs {
			if strings.EqualFold(v.Name, name) {
				x.emit(formatted{fmt.Sprintf("\nNAME\n    %s (simulation verb)\n\nSYNTAX\n    %s\n\nDESCRIPTION\n    %s\n\nEXAMPLE\n    %s\n\n", v.Name, v.Usage, v.What, v.Example)})
				return nil
			}
		}
		var matches []string
		for _, r := range registry {
			if pwsh.Like(name, r.spec.Name, true) {
				matches = append(matches, r.spec.Name)
			}
		}
		if len(matches) > 0 && pwsh.HasWildcard(name) {
			x.emit(formatted{"Name\n----\n" + strings.Join(matches, "\n") + "\n"})
			return nil
		}
		return &CmdletError{Cmdlet: "Get-Help", Parameter: "Name", Column: c.Params.Col("Name"),
			Message:  fmt.Sprintf("Get-Help could not find %s in a help file in this session. Type Get-Command to list the commands.", name),
			Category: "ResourceUnavailable: (:) [Get-Help], HelpNotFoundException", ErrorID: "HelpNotFound,Microsoft.PowerShell.Commands.GetHelpCommand"}
	}
	x.emit(formatted{renderHelp(cm, c)})
	return nil
}

func helpOverview() string {
	return `
TOPIC
    ucssim Management Shell help

SHORT DESCRIPTION
    The Lync Server 2013 Management Shell cmdlets of the unified contact store, simulated.

LONG DESCRIPTION
    Get-Command lists the cmdlets, their aliases and the simulation verbs (signin, wait ...).
    Get-Help <cmdlet> describes a cmdlet; add -Examples, -Detailed or -Full for more.
    <cmdlet> -? is the same as Get-Help <cmdlet>.

`
}

func indent(s, pad string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}

func renderHelp(cm *cmdlet, c *Command) string {
	h := cm.help
	if h == nil {
		h = &cmdletHelp{}
	}
	name := cm.spec.Name
	var b strings.Builder
	section := func(title, body string) {
		fmt.Fprintf(&b, "\n%s\n%s\n", title, indent(body, "    "))
	}
	b.WriteString("\nNAME\n    " + name + "\n")
	section("SYNOPSIS", h.Synopsis)
	if p, ok := c.Params.String("Parameter"); ok {
		for _, ps := range cm.spec.Params {
			if pwsh.Like(p, ps.Name, true) {
				b.WriteString("\n" + paramHelp(ps, true) + "\n")
			}
		}
		return b.String() + "\n"
	}
	if c.flag("Examples") {
		examples(&b, name, h)
		return b.String()
	}
	syn := h.Syntax
	if syn == nil {
		syn = []string{syntax(cm)}
	}
	section("SYNTAX", strings.Join(syn, "\n\n"))
	desc := h.Description
	if desc == "" {
		desc = h.Synopsis
	}
	section("DESCRIPTION", desc)
	full, detailed := c.flag("Full"), c.flag("Detailed")
	if full || detailed {
		b.WriteString("\nPARAMETERS\n")
		for _, p := range cm.spec.Params {
			if commonNames[lower(p.Name)] {
				continue
			}
			b.WriteString(paramHelp(p, full) + "\n\n")
		}
		b.WriteString("    <CommonParameters>\n        This cmdlet supports the common parameters: Verbose, Debug, ErrorAction, WarningAction,\n" +
			"        ErrorVariable, WarningVariable, OutVariable and OutBuffer.\n")
		if full {
			in, out := h.Inputs, h.Outputs
			if in == "" {
				in = "None."
			}
			if out == "" {
				out = "None."
			}
			section("INPUTS", in)
			section("OUTPUTS", out)
		}
		examples(&b, name, h)
	}
	if len(h.Related) > 0 {
		section("RELATED LINKS", strings.Join(h.Related, "\n"))
	}
	if !full && !detailed {
		section("REMARKS", fmt.Sprintf("To see the examples, type: \"get-help %s -examples\".\nFor more information, type: \"get-help %s -detailed\".\nFor technical information, type: \"get-help %s -full\".", name, name, name))
	}
	b.WriteString("\n")
	return b.String()
}

func examples(b *strings.Builder, name string, h *cmdletHelp) {
	for i, ex := range h.Examples {
		fmt.Fprintf(b, "\n    -------------------------- EXAMPLE %d --------------------------\n\n    C:\\PS>%s\n\n%s\n", i+1, ex.Code, indent(wrap(ex.Text, 88), "    "))
	}
	if len(h.Examples) == 0 {
		fmt.Fprintf(b, "\n    %s has no examples.\n", name)
	}
	b.WriteString("\n")
}

func paramHelp(p pwsh.ParamSpec, full bool) string {
	var b strings.Builder
	if p.Kind == pwsh.SwitchParam {
		fmt.Fprintf(&b, "    -%s [<SwitchParameter>]\n", p.Name)
	} else {
		fmt.Fprintf(&b, "    -%s <%s>\n", p.Name, paramType(p))
	}
	text := p.Help
	if len(p.Values) > 0 && !strings.Contains(text, p.Values[0]) {
		text += " Values: " + strings.Join(p.Values, ", ") + "."
	}
	b.WriteString(indent(wrap(text, 84), "        "))
	if full {
		pos := "named"
		if p.Position >= 0 && p.Kind != pwsh.SwitchParam {
			pos = fmt.Sprint(p.Position + 1)
		}
		var pipe []string
		if p.FromPipeline {
			pipe = append(pipe, "ByValue")
		}
		if p.FromPipelineByName {
			pipe = append(pipe, "ByPropertyName")
		}
		accept := "false"
		if len(pipe) > 0 {
			accept = "true (" + strings.Join(pipe, ", ") + ")"
		}
		fmt.Fprintf(&b, "\n\n        Required?                    %t\n        Position?                    %s\n        Accept pipeline input?       %s\n        Accept wildcard characters?  %t",
			p.Mandatory, pos, accept, p.Type == "UserIdParameter")
		if len(p.Aliases) > 0 {
			fmt.Fprintf(&b, "\n        Aliases                      %s", strings.Join(p.Aliases, ", "))
		}
	}
	return b.String()
}

// wrap breaks text into lines of at most width characters.
func wrap(text string, width int) string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > width {
				lines = append(lines, line)
				line = w
				continue
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func (e *Engine) getCommand(x *invocation) error {
	c := x.cmd
	names := c.Params.List("Name")
	verb, _ := c.Params.String("Verb")
	noun, _ := c.Params.String("Noun")
	module, _ := c.Params.String("Module")
	ctype, _ := c.Params.String("CommandType")
	match := func(n, t, m string) bool {
		if names != nil && !matchesAny(names, n) {
			return false
		}
		v, nn, _ := strings.Cut(n, "-")
		switch {
		case verb != "" && !pwsh.Like(verb, v, true), noun != "" && !pwsh.Like(noun, nn, true):
			return false
		case module != "" && !pwsh.Like(module, m, true), ctype != "" && !pwsh.Like(ctype, t, true):
			return false
		}
		return true
	}
	type row struct{ t, n, m string }
	var rows []row
	for _, cm := range registry {
		if match(cm.spec.Name, "Cmdlet", cm.module) {
			rows = append(rows, row{"Cmdlet", cm.spec.Name, cm.module})
		}
		for _, a := range cm.aliases {
			if (names != nil || ctype != "") && match(a, "Alias", cm.module) && verb == "" && noun == "" {
				rows = append(rows, row{"Alias", a + " -> " + cm.spec.Name, cm.module})
			}
		}
	}
	for _, v := range x.r.opt.Verbs {
		if verb == "" && noun == "" && match(v.Name, "Simulation", "ucssim") {
			rows = append(rows, row{"Simulation", v.Name, "ucssim"})
		}
	}
	if len(rows) == 0 && names != nil && !pwsh.HasWildcard(strings.Join(names, "")) {
		return &CmdletError{Cmdlet: "Get-Command", Parameter: "Name", Column: c.Params.Col("Name"),
			Message:  fmt.Sprintf("The term '%s' is not recognized as the name of a cmdlet, function, script file, or operable program.", strings.Join(names, ", ")),
			Category: fmt.Sprintf("ObjectNotFound: (%s:String) [Get-Command], CommandNotFoundException", strings.Join(names, ", ")),
			ErrorID:  "CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand"}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].t != rows[j].t {
			return rows[i].t < rows[j].t
		}
		return strings.ToLower(rows[i].n) < strings.ToLower(rows[j].n)
	})
	for _, r := range rows {
		x.emit(&pwsh.Object{TypeName: "System.Management.Automation.CommandInfo", Table: true, Key: "Name", Props: []pwsh.Prop{
			{Name: "CommandType", Value: r.t}, {Name: "Name", Value: r.n}, {Name: "ModuleName", Value: r.m}}})
	}
	return nil
}
