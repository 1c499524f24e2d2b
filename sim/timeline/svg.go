package timeline

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Picture geometry (px).
const (
	labelW     = 200.0
	chartPad   = 46.0
	axisH      = 50.0
	stepRowH   = 16.0
	storeH     = 24.0
	markStripH = 12.0
	epH        = 18.0
	laneGap    = 12.0
	charW      = 6.3  // estimated width of a character at 11px
	openTail   = 40.0 // spans still open at the end run on this far past the last instant
)

// maxLabelRows bounds how many rows of step labels are packed; further labels show on hover only.
const maxLabelRows = 8

var esc = html.EscapeString

func fx(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// group is the marks drawn as one glyph (same lane, same position).
type group struct {
	x     float64
	marks []Mark
}

func groupMarks(ax *Axis, x0 float64, marks []Mark) []group {
	var out []group
	for _, m := range marks {
		x := x0 + ax.X(m.At)
		if n := len(out); n > 0 && math.Abs(out[n-1].x-x) < 0.5 {
			out[n-1].marks = append(out[n-1].marks, m)
			continue
		}
		out = append(out, group{x: x, marks: []Mark{m}})
	}
	return out
}

// classRank orders mark classes by importance: a group takes the class of its most important mark.
var classRank = map[string]int{
	"failed": 100, "failure": 90, "error": 85, "prompt-2165": 80, "prompt-2166": 80, "rollback": 70, "hold": 65,
	"check": 60, "migration": 55, "prompt-accepted": 50, "policy": 45, "cmdlet": 40, "expect-pass": 35,
	"edit": 30, "edit-lync": 25, "signin": 20, "signout": 20, "step": 15, "fault-step": 15, "clock": 5, "other": 1,
}

func (g group) class() string {
	best := g.marks[0].Class
	for _, m := range g.marks[1:] {
		if classRank[m.Class] > classRank[best] {
			best = m.Class
		}
	}
	return best
}

// classes are the distinct classes of the group's marks, most important first (at most 4 drawn).
func (g group) classes() []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range g.marks {
		if !seen[m.Class] {
			seen[m.Class] = true
			out = append(out, m.Class)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return classRank[out[i]] > classRank[out[j]] })
	return out
}

// cluster draws one glyph per distinct class, side by side from x: the first exactly at x.
func (g group) cluster(y float64) string {
	var b strings.Builder
	for i, c := range g.classes() {
		if i == 4 {
			break
		}
		fmt.Fprintf(&b, `<g class="gl %s">%s</g>`, c, glyph(c, g.x+float64(i)*9, y))
	}
	return b.String()
}

func (g group) attrs(t *Timeline) string {
	var seqs, steps, kinds []string
	var title []string
	seenStep := map[int]bool{}
	for _, m := range g.marks {
		if m.Seq > 0 {
			seqs = append(seqs, strconv.Itoa(m.Seq))
		}
		if m.Step >= 0 && !seenStep[m.Step] {
			seenStep[m.Step] = true
			steps = append(steps, strconv.Itoa(m.Step))
		}
		kinds = append(kinds, m.Kind)
		title = append(title, Offset(m.At, t.Start)+"  "+m.Detail)
	}
	at := g.marks[0].At
	s := fmt.Sprintf(` data-at="%s" data-offset="%s" data-kinds="%s" data-classes="%s"`, at.Format(time.RFC3339), esc(Offset(at, t.Start)),
		esc(strings.Join(kinds, " ")), esc(strings.Join(g.classes(), " ")))
	if len(seqs) > 0 {
		s += ` data-seqs="` + strings.Join(seqs, " ") + `"`
	}
	if len(steps) > 0 {
		s += ` data-steps="` + strings.Join(steps, " ") + `"`
	}
	return s + ` tabindex="0"><title>` + esc(strings.Join(title, "\n")) + `</title>`
}

// glyph draws a marker shape centred at (x, y).
func glyph(cls string, x, y float64) string {
	switch cls {
	case "failed":
		return fmt.Sprintf(`<circle cx="%s" cy="%s" r="7"/><path class="x" d="M%s %sl6 6m0-6l-6 6"/>`, fx(x), fx(y), fx(x-3), fx(y-3))
	case "expect-pass":
		return fmt.Sprintf(`<circle cx="%s" cy="%s" r="5"/>`, fx(x), fx(y))
	case "cmdlet", "policy", "error", "fault-step":
		return fmt.Sprintf(`<rect x="%s" y="%s" width="8" height="8" rx="1.5"/>`, fx(x-4), fx(y-4))
	case "prompt-2165", "prompt-2166", "rollback", "failure":
		return fmt.Sprintf(`<path d="M%s %sl5 5-5 5-5-5z"/>`, fx(x), fx(y-5))
	case "prompt-accepted", "hold", "check":
		return fmt.Sprintf(`<path d="M%s %sl5 9h-10z"/>`, fx(x), fx(y-5))
	case "clock":
		return fmt.Sprintf(`<rect x="%s" y="%s" width="2" height="8"/>`, fx(x-1), fx(y-4))
	default:
		return fmt.Sprintf(`<circle cx="%s" cy="%s" r="3.5"/>`, fx(x), fx(y))
	}
}

func fits(text string, w float64) string {
	if w < 24 {
		return ""
	}
	max := int((w - 8) / charW)
	if len([]rune(text)) <= max {
		return text
	}
	if max < 4 {
		return ""
	}
	r := []rune(text)
	return string(r[:max-1]) + "…"
}

// SVG draws the timeline picture.
func (t *Timeline) SVG() string {
	ax := NewAxis(t)
	x0 := labelW + chartPad
	width := math.Max(x0+ax.Width+90, 900)
	var b, lab strings.Builder // b: chart, lab: the lane labels (a group kept in view while scrolling)

	y := axisH
	// step labels packed in rows; each step is its own marker
	rowEnd := make([]float64, 0, maxLabelRows)
	type placed struct {
		g     group
		row   int
		label string
	}
	var steps []placed
	for _, m := range t.Steps {
		g := group{x: x0 + ax.X(m.At), marks: []Mark{m}}
		label := ""
		if m.Class != "clock" {
			label = m.Label
			if len([]rune(label)) > 48 {
				label = string([]rune(label)[:47]) + "…"
			}
		}
		row := -1
		w := float64(len([]rune(label)))*charW + 16
		if label == "" {
			w = 6
		}
		for r := range rowEnd {
			if rowEnd[r] <= g.x {
				row = r
				break
			}
		}
		if row < 0 && len(rowEnd) < maxLabelRows {
			rowEnd = append(rowEnd, 0)
			row = len(rowEnd) - 1
		}
		if row < 0 { // no room: the marker alone (details on hover), in the row that frees first
			row, label = 0, ""
			for r := range rowEnd {
				if rowEnd[r] < rowEnd[row] {
					row = r
				}
			}
		} else {
			rowEnd[row] = g.x + w
		}
		steps = append(steps, placed{g: g, row: row, label: label})
	}
	stepsTop := y
	stepsH := float64(max(len(rowEnd), 1))*stepRowH + 12
	y += stepsH

	serverTop := y
	serverH := 0.0
	if len(t.Server.Marks) > 0 {
		serverH = markStripH + 14
		y += serverH + laneGap/2
	}
	type laneY struct{ top, store float64 }
	lanes := make([]laneY, len(t.Users))
	for i, u := range t.Users {
		lanes[i].top = y
		lanes[i].store = y + markStripH
		y += markStripH + storeH + float64(len(u.Endpoints))*epH + laneGap
	}
	height := y + 8

	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s">`,
		fx(width), fx(height), fx(width), fx(height), esc("Timeline of "+t.Story.Name))
	b.WriteString(`<defs><pattern id="holdstripes" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#e9e0f5"/><rect width="3.5" height="8" fill="#b49ad6"/></pattern>` +
		`<pattern id="faultstripes" width="10" height="10" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="10" height="10" fill="#fdeaea"/><rect width="2" height="10" fill="#f5c2c2"/></pattern></defs>`)

	// zebra backgrounds for user lanes
	for i := range t.Users {
		if i%2 == 1 {
			h := markStripH + storeH + float64(len(t.Users[i].Endpoints))*epH + laneGap
			fmt.Fprintf(&b, `<rect class="zebra" x="0" y="%s" width="%s" height="%s"/>`, fx(lanes[i].top-laneGap/2), fx(width), fx(h))
		}
	}
	// compressed stretches
	for _, br := range ax.Breaks {
		fmt.Fprintf(&b, `<rect class="break" x="%s" y="%s" width="%s" height="%s"><title>%s</title></rect>`,
			fx(x0+br.X1+6), fx(axisH-14), fx(br.X2-br.X1-12), fx(height-axisH+14), esc(FormatDuration(br.Compressed)+" compressed: nothing happens in between"))
	}
	// fault windows
	for _, f := range t.Faults {
		x1, x2 := x0+ax.X(f.From), x0+ax.X(f.To)
		fmt.Fprintf(&b, `<g class="fault" data-from="%s" data-to="%s" data-seqs="%d" tabindex="0"><title>%s</title><rect x="%s" y="%s" width="%s" height="%s"/><text x="%s" y="%s">%s</text></g>`,
			f.From.Format(time.RFC3339), f.To.Format(time.RFC3339), f.Seq, esc(Offset(f.From, t.Start)+"  "+f.Detail),
			fx(x1), fx(stepsTop), fx(math.Max(x2-x1, 2)), fx(height-stepsTop-4), fx(x1+4), fx(height-8), esc(f.Label))
	}

	// axis
	instants, xs := ax.Instants()
	fmt.Fprintf(&b, `<g class="axis"><line x1="%s" y1="%s" x2="%s" y2="%s"/>`, fx(x0), fx(axisH-6), fx(x0+ax.Width), fx(axisH-6))
	lastLabel := math.Inf(-1)
	for i, in := range instants {
		x := x0 + xs[i]
		fmt.Fprintf(&b, `<line class="tick" x1="%s" y1="%s" x2="%s" y2="%s"/>`, fx(x), fx(axisH-10), fx(x), fx(height-4))
		if x-lastLabel >= 78 || i == 0 {
			fmt.Fprintf(&b, `<text class="off" x="%s" y="14">%s</text><text class="abs" x="%s" y="28">%s</text>`,
				fx(x), esc(Offset(in, t.Start)), fx(x), esc(in.Format("Mon 15:04:05")))
			lastLabel = x
		}
	}
	for _, br := range ax.Breaks {
		mid := x0 + (br.X1+br.X2)/2
		fmt.Fprintf(&b, `<path class="zig" d="M%s %sl4 -5 4 10 4 -5"/><text class="gap" x="%s" y="40">≈ %s</text>`,
			fx(mid-6), fx(axisH-6), fx(mid), esc(FormatDuration(br.Compressed)))
	}
	if !t.Now.IsZero() {
		x := x0 + ax.X(t.Now)
		fmt.Fprintf(&b, `<line class="now" x1="%s" y1="%s" x2="%s" y2="%s"/><text class="nowlabel" x="%s" y="%s">now</text>`, fx(x), fx(axisH-8), fx(x), fx(height-4), fx(x+3), fx(axisH-10))
	}
	b.WriteString(`</g>`)

	// steps lane
	fmt.Fprintf(&lab, `<text class="lane" x="10" y="%s">Steps</text>`, fx(stepsTop+14))
	fmt.Fprintf(&lab, `<text class="sub" x="10" y="%s">cmdlets, sign-ins, expectations</text>`, fx(stepsTop+27))
	fmt.Fprintf(&b, `<g class="steps">`)
	for _, p := range steps {
		cls := p.g.class()
		fmt.Fprintf(&b, `<g class="mark step %s"%s`, cls, p.g.attrs(t))
		yy := stepsTop + 8 + float64(p.row)*stepRowH
		fmt.Fprintf(&b, `<g class="gl %s">%s</g>`, cls, glyph(cls, p.g.x, yy))
		if p.row >= 0 && p.label != "" {
			fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`, fx(p.g.x+9), fx(yy+4), esc(p.label))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</g>`)
	if fs := t.Story.FailedStep; fs >= 0 && fs < len(t.Story.Steps) && t.Story.Steps[fs].Ran {
		x := x0 + ax.X(t.Story.Steps[fs].End)
		fmt.Fprintf(&b, `<line class="failline" data-step="%d" x1="%s" y1="%s" x2="%s" y2="%s"/>`, fs, fx(x), fx(stepsTop), fx(x), fx(height-4))
	}

	// server lane
	if serverH > 0 {
		fmt.Fprintf(&lab, `<text class="lane" x="10" y="%s">Server</text><text class="sub" x="60" y="%s">policies, cmdlet errors</text>`, fx(serverTop+16), fx(serverTop+16))
		for _, g := range groupMarks(ax, x0, t.Server.Marks) {
			fmt.Fprintf(&b, `<g class="mark server"%s%s</g>`, g.attrs(t), g.cluster(serverTop+12))
		}
	}

	// users
	for i, u := range t.Users {
		ly := lanes[i]
		fmt.Fprintf(&b, `<g class="user" data-user="%s">`, esc(u.SIP))
		fmt.Fprintf(&lab, `<text class="lane" x="10" y="%s">%s</text>`, fx(ly.store+11), esc(fits(u.Name, labelW)))
		if u.Name != u.SIP {
			fmt.Fprintf(&lab, `<text class="sub" x="10" y="%s">%s</text>`, fx(ly.store+22), esc(fits(strings.TrimPrefix(u.SIP, "sip:"), labelW)))
		}
		for _, sp := range u.Spans {
			x1, x2 := x0+ax.X(sp.From), x0+ax.X(sp.To)
			w := x2 - x1
			if sp.Open && !sp.To.Before(t.End) {
				w += openTail // still so at the end: drawn on past the last instant
			}
			if w < 5 {
				x1, w = x1-2.5, 5 // a state that lasted no virtual time: drawn thin but visible
			}
			title := sp.Label
			if sp.Policy != "" {
				title += "; policy " + sp.Policy
			}
			title = Offset(sp.From, t.Start) + " to " + Offset(sp.To, t.Start) + "  " + title
			if sp.Open {
				title += " (still so at the end)"
			}
			if sp.Detail != "" {
				title += "\n" + sp.Detail
			}
			extra := ""
			if !sp.Until.IsZero() {
				extra = fmt.Sprintf(` data-until="%s"`, sp.Until.Format(time.RFC3339))
			}
			fmt.Fprintf(&b, `<g class="span %s" data-from="%s" data-to="%s" data-seqs="%d"%s tabindex="0"><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" rx="3"/>`,
				sp.Kind, sp.From.Format(time.RFC3339), sp.To.Format(time.RFC3339), sp.Seq, extra, esc(title), fx(x1), fx(ly.store), fx(w), fx(storeH))
			label := sp.Label
			if sp.Policy != "" {
				label += " · " + sp.Policy
			}
			if txt := fits(label, w); txt != "" {
				fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`, fx(x1+5), fx(ly.store+16), esc(txt))
			} else if txt := fits(sp.Label, w); txt != "" {
				fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`, fx(x1+5), fx(ly.store+16), esc(txt))
			}
			b.WriteString(`</g>`)
		}
		for _, g := range groupMarks(ax, x0, u.Marks) {
			fmt.Fprintf(&b, `<g class="mark ev"%s%s</g>`, g.attrs(t), g.cluster(ly.top+5))
		}
		for j, ep := range u.Endpoints {
			ey := ly.store + storeH + float64(j)*epH + 3
			fmt.Fprintf(&lab, `<text class="ep" x="22" y="%s">↳ %s</text>`, fx(ey+11), esc(fits(ep.Name, labelW-22)))
			fmt.Fprintf(&b, `<g class="endpoint" data-endpoint="%s">`, esc(ep.Name))
			for _, sp := range ep.Spans {
				x1, x2 := x0+ax.X(sp.From), x0+ax.X(sp.To)
				if sp.Open && !sp.To.Before(t.End) {
					x2 += openTail
				}
				title := Offset(sp.From, t.Start) + " to " + Offset(sp.To, t.Start) + "  " + sp.Label + " signed in"
				if sp.Open {
					title += " (still signed in)"
				}
				fmt.Fprintf(&b, `<g class="span signedin %s" data-from="%s" data-to="%s" data-seqs="%d" tabindex="0"><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" rx="7"/>`,
					esc(sp.Client), sp.From.Format(time.RFC3339), sp.To.Format(time.RFC3339), sp.Seq, esc(title), fx(x1), fx(ey), fx(math.Max(x2-x1, 3)), fx(epH-5))
				if txt := fits(sp.Label, x2-x1); txt != "" {
					fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`, fx(x1+6), fx(ey+10), esc(txt))
				}
				b.WriteString(`</g>`)
			}
			marks := make([]Mark, 0, len(ep.Marks))
			for _, m := range ep.Marks {
				if m.Class == "signin" || m.Class == "signout" {
					continue // the bar's ends say it
				}
				marks = append(marks, m)
			}
			for _, g := range groupMarks(ax, x0, marks) {
				fmt.Fprintf(&b, `<g class="mark ev"%s%s</g>`, g.attrs(t), g.cluster(ey+6.5))
			}
			b.WriteString(`</g>`)
		}
		b.WriteString(`</g>`)
	}
	// labels last so that they stay on top while the chart scrolls under them
	fmt.Fprintf(&b, `<g class="labels"><rect class="labelbg" x="0" y="0" width="%s" height="%s"/>%s</g>`, fx(labelW), fx(height), lab.String())
	b.WriteString(`</svg>`)
	return b.String()
}
