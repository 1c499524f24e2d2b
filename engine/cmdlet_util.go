package engine

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ucssim/ucssim/engine/pwsh"
)

// The PowerShell cmdlets administrators pipe the Lync cmdlets into.
func init() {
	list := func(name string, pos int, help string) pwsh.ParamSpec {
		return pwsh.ParamSpec{Name: name, Kind: pwsh.ListParam, Position: pos, Help: help}
	}
	input := pwsh.ParamSpec{Name: "InputObject", Position: -1, Type: "PSObject", FromPipeline: true, Help: "The objects to process (normally from the pipeline)."}
	intp := func(name, help string) pwsh.ParamSpec {
		return pwsh.ParamSpec{Name: name, Position: -1, Type: "Int32", Help: help}
	}
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Where-Object", Params: []pwsh.ParamSpec{
			{Name: "FilterScript", Kind: pwsh.ScriptParam, Position: 0, Mandatory: true, Help: "The condition, over $_ (the current object): {$_.UcsAllowed -eq $False}."},
			input,
		}},
		aliases: []string{"where", "?"}, whole: true, run: (*Engine).whereObject, module: "Microsoft.PowerShell.Core",
		help: &cmdletHelp{Synopsis: "Selects the objects of the pipeline for which a condition holds.",
			Examples: []helpExample{{"Get-CsUserServicesPolicy | Where-Object {$_.UcsAllowed -eq $False}", "Lists the policies that keep contacts out of the unified contact store."},
				{"Get-CsUser | Where-Object {$_.DisplayName -like \"* Myer\"}", "Lists the users whose display name ends in \" Myer\"."}}},
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Select-Object", Params: []pwsh.ParamSpec{
			list("Property", 0, "The properties to keep (wildcards allowed)."),
			intp("First", "Keeps only the first N objects."), intp("Last", "Keeps only the last N objects."), intp("Skip", "Skips the first N objects."),
			named("ExpandProperty", "String", "Outputs the value of this property instead of the object."),
			sw("Unique", "Drops duplicate objects."), input,
		}},
		aliases: []string{"select"}, whole: true, run: (*Engine).selectObject, module: "Microsoft.PowerShell.Utility",
		help: &cmdletHelp{Synopsis: "Selects properties of objects, or the first or last objects of the pipeline.",
			Examples: []helpExample{{"Get-CsUser | Select-Object DisplayName, SipAddress, RegistrarPool", "Shows three properties of every user."},
				{"Get-CsUser | Select-Object -First 1", "Shows the first user."}}},
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Sort-Object", Params: []pwsh.ParamSpec{
			list("Property", 0, "The properties to sort by."), sw("Descending", "Sorts in descending order."), sw("Unique", "Drops duplicates."), input,
		}},
		aliases: []string{"sort"}, whole: true, run: (*Engine).sortObject, module: "Microsoft.PowerShell.Utility",
		help: &cmdletHelp{Synopsis: "Sorts objects by property values.",
			Examples: []helpExample{{"Get-CsUser | Sort-Object DisplayName -Descending | Select-Object DisplayName", "Lists the users' names from Z to A."}}},
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Measure-Object", Params: []pwsh.ParamSpec{
			{Name: "Property", Position: 0, Type: "String", Help: "The numeric property to measure."},
			sw("Sum", "Adds the values."), sw("Average", "Averages the values."), sw("Maximum", "Finds the largest value."), sw("Minimum", "Finds the smallest value."), input,
		}},
		aliases: []string{"measure"}, whole: true, run: (*Engine).measureObject, module: "Microsoft.PowerShell.Utility",
		help: &cmdletHelp{Synopsis: "Counts the objects of the pipeline (and sums, averages or bounds a numeric property).",
			Examples: []helpExample{{"Get-CsUser -Filter {RegistrarPool -eq \"atl-cs-001.litwareinc.com\"} | Measure-Object", "Counts the users homed on atl-cs-001.litwareinc.com."}}},
	})
	register(&cmdlet{
		spec:    pwsh.Spec{Name: "Format-List", Params: []pwsh.ParamSpec{list("Property", 0, "The properties to show (wildcards allowed; default all)."), input}},
		aliases: []string{"fl"}, whole: true, run: (*Engine).formatList, module: "Microsoft.PowerShell.Utility",
		help: &cmdletHelp{Synopsis: "Shows objects as lists of Name : Value lines.",
			Examples: []helpExample{{"Get-CsUser \"Ken Myer\" | Format-List DisplayName, RegistrarPool, UserServicesPolicy", "Shows three properties of Ken Myer."}}},
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Format-Table", Params: []pwsh.ParamSpec{
			list("Property", 0, "The columns to show (wildcards allowed; default the first object's properties)."),
			sw("AutoSize", "Sizes columns to their contents (always, here)."), sw("HideTableHeaders", "Leaves out the header and its rule."), sw("Wrap", "Accepted."), input,
		}},
		aliases: []string{"ft"}, whole: true, run: (*Engine).formatTable, module: "Microsoft.PowerShell.Utility",
		help: &cmdletHelp{Synopsis: "Shows objects as a table.",
			Examples: []helpExample{{"Get-CsUser | Format-Table -Property DisplayName, SipAddress, EnterpriseVoiceEnabled -AutoSize", "Shows the users as a table of three columns."}}},
	})
	register(&cmdlet{
		spec:    pwsh.Spec{Name: "Get-Member", Params: []pwsh.ParamSpec{list("Name", 0, "Only the members with these names."), input}},
		aliases: []string{"gm"}, whole: true, run: (*Engine).getMember, module: "Microsoft.PowerShell.Utility",
		help: &cmdletHelp{Synopsis: "Lists the properties of the objects of the pipeline.",
			Examples: []helpExample{{"Get-CsUser | Get-Member", "Lists the properties of a user object."}}},
	})
	register(&cmdlet{
		spec: pwsh.Spec{Name: "Get-Credential", Params: []pwsh.ParamSpec{
			{Name: "Credential", Position: 0, Type: "PSCredential", Help: "The user name, e.g. litwareinc\\kenmyer."},
			named("Message", "String", "The prompt message (accepted)."), named("UserName", "String", "The user name."),
		}},
		run: (*Engine).getCredential, module: "Microsoft.PowerShell.Security",
		help: &cmdletHelp{Synopsis: "Creates a credential object for a user name. The simulator asks for no password and checks none.",
			Examples: []helpExample{{"$credential = Get-Credential \"litwareinc\\kenmyer\"", "Keeps Ken Myer's credentials in $credential for Test-CsUnifiedContactStore -UserCredential."}}},
	})
}

func (e *Engine) whereObject(x *invocation) error {
	v := x.cmd.Params.Value("FilterScript")
	if v == nil || v.Block == nil {
		return x.cmd.argError("FilterScript", "a script block {...} is required")
	}
	for _, it := range x.items {
		ok, err := v.Block.Eval(pwsh.Env{This: it, Var: func(name string) (any, bool) {
			if strings.EqualFold(name, "_") || strings.EqualFold(name, "PSItem") {
				return it, true
			}
			return x.r.sess.Var(name)
		}})
		if err != nil {
			return x.cmd.argError("FilterScript", "%v", err)
		}
		if ok {
			x.emit(it)
		}
	}
	return nil
}

func intParam(c *Command, name string) (int, bool) {
	s, ok := c.Params.String(name)
	if !ok {
		return 0, false
	}
	n, _ := strconv.Atoi(s) // the binder has checked it is a whole number
	return n, true
}

func (e *Engine) selectObject(x *invocation) error {
	c := x.cmd
	items := x.items
	if n, ok := intParam(c, "Skip"); ok {
		items = items[min(n, len(items)):]
	}
	if c.flag("Unique") {
		var uniq []any
		seen := map[string]bool{}
		for _, it := range items {
			k := pwsh.FormatList([]any{it}, nil)
			if !seen[k] {
				seen[k] = true
				uniq = append(uniq, it)
			}
		}
		items = uniq
	}
	if n, ok := intParam(c, "First"); ok {
		items = items[:min(n, len(items))]
	}
	if n, ok := intParam(c, "Last"); ok {
		items = items[len(items)-min(n, len(items)):]
	}
	if name, ok := c.Params.String("ExpandProperty"); ok {
		for _, it := range items {
			o, isObj := it.(*pwsh.Object)
			if !isObj || !o.Has(name) {
				return c.argError("ExpandProperty", "Property %q cannot be found.", name)
			}
			v, _ := o.Get(name)
			if list, ok := v.([]any); ok {
				for _, li := range list {
					x.emit(li)
				}
				continue
			}
			if list, ok := v.([]string); ok {
				for _, li := range list {
					x.emit(li)
				}
				continue
			}
			x.emit(v)
		}
		return nil
	}
	props := c.Params.List("Property")
	if props == nil {
		for _, it := range items {
			x.emit(it)
		}
		return nil
	}
	for _, it := range items {
		o, _ := it.(*pwsh.Object)
		out := &pwsh.Object{TypeName: "Selected." + typeName(it), Key: firstProp(props)}
		for _, name := range props {
			matched := false
			if o != nil {
				for _, p := range o.Props {
					if pwsh.Like(name, p.Name, true) {
						out.Add(p.Name, p.Value)
						matched = true
					}
				}
			}
			if !matched && !pwsh.HasWildcard(name) {
				out.Add(name, nil)
			}
		}
		out.Table = len(out.Props) <= 4
		x.emit(out)
	}
	return nil
}

func firstProp(props []string) string {
	if len(props) > 0 {
		return props[0]
	}
	return ""
}

func typeName(v any) string {
	switch x := v.(type) {
	case *pwsh.Object:
		return x.TypeName
	case string:
		return "System.String"
	case bool:
		return "System.Boolean"
	case int64, int:
		return "System.Int32"
	}
	return "System.Object"
}

func (e *Engine) sortObject(x *invocation) error {
	c := x.cmd
	props := c.Params.List("Property")
	key := func(it any, i int) any {
		if len(props) == 0 {
			if o, ok := it.(*pwsh.Object); ok {
				return o.String()
			}
			return it
		}
		return pwsh.Member(it, props[i])
	}
	n := max(len(props), 1)
	items := append([]any(nil), x.items...)
	desc := c.flag("Descending")
	sort.SliceStable(items, func(a, b int) bool {
		for i := 0; i < n; i++ {
			ka, kb := key(items[a], i), key(items[b], i)
			if eq, _ := pwsh.Compare("eq", ka, kb); eq {
				continue
			}
			lt, _ := pwsh.Compare("lt", ka, kb)
			return lt != desc
		}
		return false
	})
	var last string
	for i, it := range items {
		if c.flag("Unique") {
			k := pwsh.FormatList([]any{it}, nil)
			if i > 0 && strings.EqualFold(k, last) {
				continue
			}
			last = k
		}
		x.emit(it)
	}
	return nil
}

func (e *Engine) measureObject(x *invocation) error {
	c := x.cmd
	prop, hasProp := c.Params.String("Property")
	count := int64(0)
	var sum, lo, hi float64
	for _, it := range x.items {
		if !hasProp {
			count++
			continue
		}
		v := pwsh.Member(it, prop)
		if v == nil {
			continue
		}
		var f float64
		switch n := v.(type) {
		case int64:
			f = float64(n)
		case float64:
			f = n
		default:
			parsed, err := strconv.ParseFloat(pwsh.Text(v), 64)
			if err != nil {
				if c.flag("Sum") || c.flag("Average") || c.flag("Maximum") || c.flag("Minimum") {
					return c.argError("Property", "Input object %q is not numeric.", pwsh.Text(v))
				}
			}
			f = parsed
		}
		if count == 0 || f < lo {
			lo = f
		}
		if count == 0 || f > hi {
			hi = f
		}
		sum += f
		count++
	}
	num := func(on bool, v float64) any {
		if !on || count == 0 {
			return nil
		}
		return v
	}
	var avg float64
	if count > 0 {
		avg = sum / float64(count)
	}
	var shownProp any
	if hasProp {
		shownProp = prop
	}
	x.emit(&pwsh.Object{TypeName: "Microsoft.PowerShell.Commands.GenericMeasureInfo", Key: "Count", Props: []pwsh.Prop{
		{Name: "Count", Value: count}, {Name: "Average", Value: num(c.flag("Average"), avg)}, {Name: "Sum", Value: num(c.flag("Sum"), sum)},
		{Name: "Maximum", Value: num(c.flag("Maximum"), hi)}, {Name: "Minimum", Value: num(c.flag("Minimum"), lo)}, {Name: "Property", Value: shownProp},
	}})
	return nil
}

func (e *Engine) formatList(x *invocation) error {
	x.emit(formatted{pwsh.FormatList(x.items, x.cmd.Params.List("Property"))})
	return nil
}

func (e *Engine) formatTable(x *invocation) error {
	text := pwsh.FormatTable(x.items, x.cmd.Params.List("Property"))
	if x.cmd.flag("HideTableHeaders") {
		if lines := strings.SplitN(text, "\n", 3); len(lines) == 3 {
			text = lines[2]
		}
	}
	x.emit(formatted{text})
	return nil
}

func (e *Engine) getMember(x *invocation) error {
	names := x.cmd.Params.List("Name")
	seen := map[string]bool{}
	var b strings.Builder
	for _, it := range x.items {
		tn := typeName(it)
		if seen[tn] {
			continue
		}
		seen[tn] = true
		var rows []any
		if o, ok := it.(*pwsh.Object); ok {
			for _, p := range o.Props {
				if names != nil && !matchesAny(names, p.Name) {
					continue
				}
				rows = append(rows, &pwsh.Object{Props: []pwsh.Prop{{Name: "Name", Value: p.Name}, {Name: "MemberType", Value: "Property"},
					{Name: "Definition", Value: fmt.Sprintf("%s %s {get;set;}", valueType(p.Value), p.Name)}}})
			}
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "   TypeName: %s\n\n", tn)
		b.WriteString(pwsh.FormatTable(rows, nil))
	}
	if b.Len() == 0 {
		return &CmdletError{Cmdlet: x.c.spec.Name, Message: "You must specify an object for the Get-Member cmdlet."}
	}
	x.emit(formatted{b.String()})
	return nil
}

func matchesAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if pwsh.Like(p, s, true) {
			return true
		}
	}
	return false
}

func valueType(v any) string {
	switch v.(type) {
	case bool:
		return "bool"
	case int64, int:
		return "int"
	case []string, []any:
		return "System.Collections.Generic.List[string]"
	}
	return "string"
}

func (e *Engine) getCredential(x *invocation) error {
	name, ok := x.cmd.Params.String("Credential")
	if !ok {
		name, ok = x.cmd.Params.String("UserName")
	}
	if !ok || strings.TrimSpace(name) == "" {
		return &CmdletError{Cmdlet: x.c.spec.Name, Message: "Give the user name: Get-Credential \"litwareinc\\kenmyer\" (the simulator asks for no password)."}
	}
	x.emit(&pwsh.Object{TypeName: "System.Management.Automation.PSCredential", Kind: "credential", Key: "UserName", Table: true, Props: []pwsh.Prop{
		{Name: "UserName", Value: name}, {Name: "Password", Value: "System.Security.SecureString"},
	}})
	return nil
}
