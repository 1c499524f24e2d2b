package pwsh

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Object is what flows through a pipeline: a typed bag of properties in display order, as the
// Management Shell's objects are (a user from Get-CsUser, a policy, a test result). Values are
// string, bool, int64, float64, time.Time, time.Duration, []string, nil, or nested *Object.
type Object struct {
	TypeName string // the .NET type Get-Member shows, e.g. Microsoft.Rtc.Management.ADConnect.Schema.OCSADUser
	Kind     string // what pipeline binding by value matches: "user", "policy", ...; "" for other objects
	Props    []Prop
	// Table: the shell shows it as a table by default (a few properties, as PowerShell does for
	// objects with four or fewer); otherwise as a list.
	Table bool
	// Key names the property that converts the object to text (its identity) when it is bound
	// to a string parameter or compared; "" uses Identity when there is one.
	Key string
}

// Prop is one property.
type Prop struct {
	Name  string
	Value any
}

// Get returns a property's value by name (case-insensitive).
func (o *Object) Get(name string) (any, bool) {
	if o == nil {
		return nil, false
	}
	for _, p := range o.Props {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return nil, false
}

// Has reports whether the object has the property.
func (o *Object) Has(name string) bool {
	_, ok := o.Get(name)
	return ok
}

// Add appends a property.
func (o *Object) Add(name string, v any) *Object {
	o.Props = append(o.Props, Prop{Name: name, Value: v})
	return o
}

// String is the object's text: its key property's value (Identity), else its type name.
func (o *Object) String() string {
	if o == nil {
		return ""
	}
	key := o.Key
	if key == "" {
		key = "Identity"
	}
	if v, ok := o.Get(key); ok {
		return Text(v)
	}
	return o.TypeName
}

// Text converts a value to the text PowerShell shows for it: True/False, numbers, en-US times
// (1/5/2026 9:10:00 AM), TimeSpans (00:10:00), lists as {a, b}, $null as "".
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.UTC().Format("1/2/2006 3:04:05 PM")
	case time.Duration:
		return TimeSpan(x)
	case []string:
		return "{" + strings.Join(x, ", ") + "}"
	case []any:
		parts := make([]string, len(x))
		for i, it := range x {
			parts[i] = Text(it)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case *Object:
		return x.String()
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// TimeSpan prints a duration as .NET does: 00:10:00, 1.02:03:04, 00:00:01.5000000.
func TimeSpan(d time.Duration) string {
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	days := int64(d / (24 * time.Hour))
	h, m, s := int(d/time.Hour)%24, int(d/time.Minute)%60, int(d/time.Second)%60
	out := fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	if days > 0 {
		out = fmt.Sprintf("%d.%s", days, out)
	}
	if frac := d % time.Second; frac > 0 {
		out += fmt.Sprintf(".%07d", int(frac/100))
	}
	return neg + out
}

// FormatList prints objects as Format-List does: `Name : value`, names padded to the longest,
// a blank line between objects. props limits and orders the properties (nil: all).
func FormatList(objs []any, props []string) string {
	var b strings.Builder
	for i, it := range objs {
		if i > 0 {
			b.WriteString("\n")
		}
		o, ok := it.(*Object)
		if !ok {
			b.WriteString(Text(it) + "\n")
			continue
		}
		fields := selectProps(o, props)
		width := 0
		for _, f := range fields {
			width = max(width, utf8.RuneCountInString(f.Name))
		}
		for _, f := range fields {
			fmt.Fprintf(&b, "%-*s : %s\n", width, f.Name, Text(f.Value))
		}
	}
	return b.String()
}

func selectProps(o *Object, props []string) []Prop {
	if props == nil {
		return o.Props
	}
	var out []Prop
	for _, name := range props {
		matched := false
		for _, p := range o.Props {
			if Like(name, p.Name, true) {
				out = append(out, p)
				matched = true
			}
		}
		if !matched && !HasWildcard(name) {
			out = append(out, Prop{Name: name})
		}
	}
	return out
}

// FormatTable prints objects as Format-Table does: a header, a dashed rule and one row per
// object, columns as wide as their widest cell; numbers are right-aligned. props limits and
// orders the columns (nil: the first object's properties).
func FormatTable(objs []any, props []string) string {
	if len(objs) == 0 {
		return ""
	}
	var cols []string
	if props != nil {
		first, _ := objs[0].(*Object)
		for _, p := range props {
			if HasWildcard(p) && first != nil {
				for _, fp := range first.Props {
					if Like(p, fp.Name, true) {
						cols = append(cols, fp.Name)
					}
				}
				continue
			}
			cols = append(cols, p)
		}
	} else if o, ok := objs[0].(*Object); ok {
		for _, p := range o.Props {
			cols = append(cols, p.Name)
		}
	}
	if len(cols) == 0 {
		var b strings.Builder
		for _, it := range objs {
			b.WriteString(Text(it) + "\n")
		}
		return b.String()
	}
	cells := make([][]string, len(objs))
	right := make([]bool, len(cols))
	width := make([]int, len(cols))
	for j, c := range cols {
		width[j] = utf8.RuneCountInString(c)
	}
	for i, it := range objs {
		o, _ := it.(*Object)
		cells[i] = make([]string, len(cols))
		for j, c := range cols {
			var v any
			if o != nil {
				if pv, ok := o.Get(c); ok {
					v = pv
				}
				// Use the object's own spelling of the column name.
				for _, p := range o.Props {
					if strings.EqualFold(p.Name, c) {
						cols[j] = p.Name
					}
				}
			}
			switch v.(type) {
			case int, int64, float64:
				right[j] = true
			}
			cells[i][j] = Text(v)
			width[j] = max(width[j], utf8.RuneCountInString(cells[i][j]))
		}
	}
	var b strings.Builder
	line := func(vals []string) {
		var parts []string
		for j, v := range vals {
			pad := width[j] - utf8.RuneCountInString(v)
			switch {
			case right[j]:
				parts = append(parts, strings.Repeat(" ", pad)+v)
			case j == len(vals)-1:
				parts = append(parts, v)
			default:
				parts = append(parts, v+strings.Repeat(" ", pad))
			}
		}
		b.WriteString(strings.TrimRight(strings.Join(parts, " "), " ") + "\n")
	}
	line(cols)
	rule := make([]string, len(cols))
	for j, c := range cols {
		rule[j] = strings.Repeat("-", utf8.RuneCountInString(c))
	}
	line(rule)
	for _, row := range cells {
		line(row)
	}
	return b.String()
}
