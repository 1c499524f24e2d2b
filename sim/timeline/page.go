package timeline

import (
	"fmt"
	"strings"
	"time"
)

// PageOptions tune a scenario page.
type PageOptions struct {
	// IndexHref links back to the run's index page ("" for none); IndexText is the link's text
	// ("← all scenarios").
	IndexHref, IndexText string
	// Live adds the script that follows the world through server-sent events (/events) and redraws
	// from the page's own address.
	Live bool
	// Extra is a self-contained HTML section shown above the timeline (the migration-wave report
	// of `ucssim run --report --html`); it is written as given.
	Extra string
}

// Page renders the timeline as one self-contained HTML page: inline CSS, SVG and a little
// JavaScript, nothing fetched from the network.
func (t *Timeline) Page(opt PageOptions) []byte {
	st := t.Story
	var b strings.Builder
	title := st.Name
	if title == "" {
		title = "ucssim timeline"
	}
	b.WriteString("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1">`)
	fmt.Fprintf(&b, "<title>%s</title><style>%s</style></head>\n<body", esc(title), pageCSS)
	if opt.Live {
		b.WriteString(` class="live"`)
	}
	b.WriteString(">\n<header>")
	if opt.IndexHref != "" {
		text := opt.IndexText
		if text == "" {
			text = "← all scenarios"
		}
		fmt.Fprintf(&b, `<nav><a href="%s">%s</a></nav>`, esc(opt.IndexHref), esc(text))
	}
	fmt.Fprintf(&b, "<h1>%s", esc(title))
	switch {
	case opt.Live:
		b.WriteString(` <span class="verdict live" id="livestate">live</span>`)
	case st.Ran && st.Passed:
		b.WriteString(` <span class="verdict pass">passed</span>`)
	case st.Ran:
		b.WriteString(` <span class="verdict fail">failed</span>`)
	}
	b.WriteString("</h1><p class=\"meta\">")
	var meta []string
	for _, l := range st.Labels {
		meta = append(meta, `<span class="label">`+esc(l)+`</span>`)
	}
	if st.Path != "" {
		meta = append(meta, "<code>"+esc(st.Path)+"</code>")
	}
	meta = append(meta, fmt.Sprintf("seed %d", st.Seed))
	meta = append(meta, "starts "+esc(t.Start.Format("Mon 2006-01-02 15:04:05 UTC")))
	meta = append(meta, "virtual "+esc(FormatDuration(t.End.Sub(t.Start))))
	if st.Ran {
		meta = append(meta, "wall "+esc(wall(st.Wall)))
	}
	meta = append(meta, fmt.Sprintf("%d events", len(t.Events)))
	b.WriteString(strings.Join(meta, " · "))
	b.WriteString("</p>")
	if d := strings.TrimSpace(st.Description); d != "" {
		fmt.Fprintf(&b, `<p class="description">%s</p>`, esc(d))
	}
	b.WriteString("</header>\n")
	if st.Err != "" {
		fmt.Fprintf(&b, `<div class="failure"><strong>The run did not finish:</strong> %s</div>`, esc(st.Err))
	}
	if fs := st.FailedStep; fs >= 0 && fs < len(st.Steps) {
		s := st.Steps[fs]
		fmt.Fprintf(&b, `<div class="failure" id="failure"><strong>Failed at <a href="#step-%d" data-step="%d">step %d</a></strong> (%s:%d:%d, at %s): <code>%s</code><dl><dt>expected</dt><dd>%s</dd><dt>seen</dt><dd>%s</dd></dl></div>`,
			fs, fs, fs+1, esc(st.Path), s.Line, s.Col, esc(Offset(s.End, t.Start)), esc(s.Text), esc(s.Expected), esc(s.Seen))
	} else if st.Failure != nil {
		f := st.Failure
		fmt.Fprintf(&b, `<div class="failure" id="failure"><strong>Failed</strong> (%s:%d:%d): <code>%s</code><dl><dt>expected</dt><dd>%s</dd><dt>seen</dt><dd>%s</dd></dl></div>`,
			esc(f.Path), f.Line, f.Col, esc(f.Step), esc(f.Expected), esc(f.Seen))
	}
	b.WriteString(opt.Extra)
	b.WriteString(legend)
	b.WriteString("<main>\n")
	b.WriteString(`<section class="steplist"><h2>Steps</h2>`)
	b.WriteString(t.stepList())
	b.WriteString("</section>\n<section class=\"pic\"><div id=\"picture\" class=\"scroll\">")
	b.WriteString(t.SVG())
	b.WriteString(`</div><div id="details" aria-live="polite"><p class="hint">Hover a marker or a span for its details; click it to pin them here and to find its step.</p></div>`)
	b.WriteString("</section>\n</main>\n")
	b.WriteString(`<section class="events"><h2>What happened</h2>`)
	if opt.Live {
		b.WriteString(`<p class="hint">This page follows the shell: it redraws as events happen.</p>`)
	}
	b.WriteString(t.eventTable())
	b.WriteString("</section>\n<footer>ucssim · virtual time · generated from the trace</footer>\n")
	fmt.Fprintf(&b, "<script>%s</script>", pageJS)
	if opt.Live {
		fmt.Fprintf(&b, "<script>%s</script>", liveJS)
	}
	b.WriteString("\n</body></html>\n")
	return []byte(b.String())
}

func wall(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(time.Millisecond).String()
	}
	return d.String()
}

func (t *Timeline) stepList() string {
	st := t.Story
	if len(st.Steps) == 0 {
		return `<p class="hint">No steps: this timeline comes from the trace alone.</p>`
	}
	var b strings.Builder
	b.WriteString(`<ol id="steps">`)
	for _, s := range st.Steps {
		cls := []string{"k-" + s.Kind}
		switch {
		case s.Failed:
			cls = append(cls, "failed")
		case !s.Ran:
			cls = append(cls, "notrun")
		case s.Kind == "expect":
			cls = append(cls, "passed")
		}
		fmt.Fprintf(&b, `<li id="step-%d" data-step="%d" class="%s" tabindex="0">`, s.Index, s.Index, strings.Join(cls, " "))
		if s.Ran {
			fmt.Fprintf(&b, `<span class="off">%s</span>`, esc(Offset(s.At, t.Start)))
		} else {
			b.WriteString(`<span class="off">not run</span>`)
		}
		fmt.Fprintf(&b, `<code>%s</code>`, esc(s.Text))
		if s.Failed {
			fmt.Fprintf(&b, `<dl class="why"><dt>expected</dt><dd>%s</dd><dt>seen</dt><dd>%s</dd></dl>`, esc(s.Expected), esc(s.Seen))
		}
		if s.Note != "" {
			fmt.Fprintf(&b, `<div class="note">%s</div>`, esc(s.Note))
		}
		fmt.Fprintf(&b, `<span class="line">line %d</span></li>`, s.Line)
	}
	b.WriteString(`</ol>`)
	return b.String()
}

func (t *Timeline) eventTable() string {
	var b strings.Builder
	b.WriteString(`<table id="events"><thead><tr><th>offset</th><th>virtual time</th><th>#</th><th>what happened</th></tr></thead><tbody>`)
	for _, l := range t.Lines("", true) {
		step := -1
		for _, s := range t.Story.Steps {
			if s.Ran && l.Seq > s.FirstSeq && l.Seq <= s.LastSeq {
				step = s.Index
				break
			}
		}
		attr := ""
		if step >= 0 {
			attr = fmt.Sprintf(` data-steps="%d"`, step)
		}
		fmt.Fprintf(&b, `<tr id="ev-%d" data-seqs="%d"%s class="t-%s"><td class="off">%s</td><td>%s</td><td>%d</td><td>%s</td></tr>`,
			l.Seq, l.Seq, attr, strings.ReplaceAll(l.Type.String(), ".", "-"), esc(l.Offset), esc(l.At.Format("Mon Jan 02 15:04:05")), l.Seq, esc(l.Text))
	}
	b.WriteString(`</tbody></table>`)
	return b.String()
}

// IndexEntry is one scenario of a run, for the index page.
type IndexEntry struct {
	Name, Path, Href string // Href "" when no page was written (an invalid file)
	Labels           []string
	Passed, Invalid  bool
	Wall, Virtual    time.Duration
	Problem          string // why it failed or is invalid
	// Links are further pages of the entry, shown after its name (a sweep interval's last run).
	Links []IndexLink
}

// IndexLink is one further page of an index entry.
type IndexLink struct{ Text, Href string }

// IndexOptions say what an index page lists; zero fields read as a run's index.
type IndexOptions struct {
	Title string
	Intro string // a paragraph under the title
	// Noun is what the entries are ("scenarios"); Column heads their names' column ("scenario").
	Noun, Column string
	Labels       string // heads the labels' column ("labels")
	Footer       string
	Wall         time.Duration // the whole run's wall time
}

// Index renders the run's index page: one row per scenario with its verdict, labels, wall and
// virtual duration and a link to its page.
func Index(title string, entries []IndexEntry, wallTotal time.Duration) []byte {
	return IndexPage(IndexOptions{Title: title, Wall: wallTotal}, entries)
}

// IndexPage is Index for other lists of runs (a sweep's intervals): the same page, its words
// taken from opt.
func IndexPage(opt IndexOptions, entries []IndexEntry) []byte {
	if opt.Noun == "" {
		opt.Noun = "scenarios"
	}
	if opt.Column == "" {
		opt.Column = "scenario"
	}
	if opt.Labels == "" {
		opt.Labels = "labels"
	}
	if opt.Footer == "" {
		opt.Footer = "ucssim run · each page is self-contained"
	}
	var b strings.Builder
	passed, failed, invalid := 0, 0, 0
	for _, e := range entries {
		switch {
		case e.Invalid:
			invalid++
		case e.Passed:
			passed++
		default:
			failed++
		}
	}
	fmt.Fprintf(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title><style>%s</style></head>\n<body class=\"index\">\n", esc(opt.Title), pageCSS)
	fmt.Fprintf(&b, `<header><h1>%s</h1><p class="meta"><span class="verdict pass">%d passed</span> <span class="verdict fail">%d failed</span>`, esc(opt.Title), passed, failed)
	if invalid > 0 {
		fmt.Fprintf(&b, ` <span class="verdict invalid">%d invalid</span>`, invalid)
	}
	fmt.Fprintf(&b, ` · %d %s · wall %s</p>`, len(entries), esc(opt.Noun), esc(wall(opt.Wall)))
	if opt.Intro != "" {
		fmt.Fprintf(&b, `<p class="description">%s</p>`, esc(opt.Intro))
	}
	fmt.Fprintf(&b, `</header><table id="index"><thead><tr><th>result</th><th>%s</th><th>%s</th><th>virtual</th><th>wall</th><th>file</th></tr></thead><tbody>`, esc(opt.Column), esc(opt.Labels))
	for _, e := range entries {
		res, cls := "passed", "pass"
		switch {
		case e.Invalid:
			res, cls = "invalid", "invalid"
		case !e.Passed:
			res, cls = "failed", "fail"
		}
		name := esc(e.Name)
		if e.Href != "" {
			name = fmt.Sprintf(`<a href="%s">%s</a>`, esc(e.Href), name)
		}
		for _, l := range e.Links {
			name += fmt.Sprintf(` · <a href="%s">%s</a>`, esc(l.Href), esc(l.Text))
		}
		if e.Problem != "" {
			name += `<div class="problem">` + esc(e.Problem) + `</div>`
		}
		labels := make([]string, len(e.Labels))
		for i, l := range e.Labels {
			labels[i] = `<span class="label">` + esc(l) + `</span>`
		}
		virt := ""
		if !e.Invalid {
			virt = FormatDuration(e.Virtual)
		}
		fmt.Fprintf(&b, `<tr class="%s"><td><span class="verdict %s">%s</span></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td><code>%s</code></td></tr>`,
			cls, cls, res, name, strings.Join(labels, " "), esc(virt), esc(wall(e.Wall)), esc(e.Path))
	}
	fmt.Fprintf(&b, "</tbody></table>\n<footer>%s</footer>\n</body></html>\n", esc(opt.Footer))
	return []byte(b.String())
}
