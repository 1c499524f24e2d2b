package scenario

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// DefaultStart is the virtual start time when a file gives no `start:`.
var DefaultStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// DefaultSeed is the seed when a file gives no `seed:`.
const DefaultSeed uint64 = 1

var topKeys = keysOf[fileDoc]()

// yamlLine finds the line number in the YAML library's syntax errors ("yaml: line 3: ...").
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse decodes and validates one scenario file. On any problem it returns a nil File and an
// ErrorList holding every error found, sorted by position.
func Parse(path string, data []byte) (*File, error) {
	d := &decoder{path: path}
	if len(data) > MaxFileBytes {
		d.errorf(nil, "the file is larger than %d bytes (the limit of a scenario file)", MaxFileBytes)
		return nil, d.errs
	}
	d.src = data
	f := d.file(data)
	d.errs.Sort()
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	return f, nil
}

func (d *decoder) file(data []byte) *File {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorf(nil, "empty scenario file")
		} else {
			d.syntaxError(err)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errorf(&extra, "a scenario file holds one YAML document; found a second one")
		return nil
	} else if !errors.Is(err, io.EOF) {
		d.syntaxError(err)
		return nil
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	top := d.mapping(root, "a scenario file", topKeys)
	if top == nil {
		return nil
	}
	f := &File{Path: d.path, Seed: DefaultSeed, Start: DefaultStart}
	d.require(top, "the scenario", "name")
	if n := top.val["name"]; n != nil {
		f.Name, _ = d.nonEmpty(n, "name")
		f.NamePos = pos(deref(n))
	}
	if n := top.val["description"]; n != nil {
		f.Description, _ = d.str(n, "description")
	}
	if n := top.val["note"]; n != nil {
		f.Note, _ = d.str(n, "note")
	}
	if n := top.val["labels"]; n != nil {
		f.Labels, _ = d.strList(n, "labels", true)
	}
	if n := top.val["seed"]; n != nil {
		f.Seed = d.seed(n)
	}
	if n := top.val["start"]; n != nil {
		if s, ok := d.str(n, "start"); ok {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				d.errorf(n, "start %q is not an RFC 3339 time (e.g. 2026-01-05T09:00:00Z)", s)
			} else if d.checkYear(n, t.UTC()) {
				f.Start = t.UTC()
			}
		}
	}
	f.World = defaultWorld()
	if n := top.val["world"]; n != nil {
		d.world(n, &f.World)
	}
	if n := top.val["steps"]; n != nil && d.countLimit(deref(n), "steps", MaxSteps) {
		f.Steps = d.steps(n, &f.World, f.Start)
	}
	if n := top.val["invariants"]; n != nil {
		f.InvariantsPos = pos(deref(n))
		f.Invariants = d.invariants(n)
	}
	return f
}

func (d *decoder) seed(n *yaml.Node) uint64 {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		if v, err := strconv.ParseUint(n.Value, 0, 64); err == nil {
			return v
		}
	}
	d.errorf(n, "seed: expected a whole number >= 0, got %s", describe(n))
	return DefaultSeed
}

func (d *decoder) syntaxError(err error) {
	if line, col, hint, ok := locate(d.src); ok {
		d.errs = append(d.errs, &Error{Path: d.path, Line: line, Col: col, Msg: "YAML syntax: " + hint})
		return
	}
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		d.errs = append(d.errs, &Error{Path: d.path, Line: line, Col: 1, Msg: "YAML syntax: " + m[2]})
		return
	}
	d.errorf(nil, "YAML syntax: %s", msg)
}

// invariants reads `invariants:`: `all`, or one name or a list of names from InvariantNames.
func (d *decoder) invariants(n *yaml.Node) []string {
	names, ok := d.strList(n, "invariants", true)
	if !ok {
		return nil
	}
	if len(names) == 1 && strings.EqualFold(strings.TrimSpace(names[0]), "all") {
		return append([]string(nil), InvariantNames...)
	}
	var out []string
	items := deref(n).Content
	for i, name := range names {
		at := deref(n)
		if i < len(items) {
			at = deref(items[i])
		}
		canon := ""
		for _, v := range InvariantNames {
			if strings.EqualFold(strings.TrimSpace(name), v) {
				canon = v
			}
		}
		switch {
		case canon == "":
			d.errorf(at, "unknown invariant %q (all, or one of %s)%s", name, strings.Join(InvariantNames, ", "), didYouMean(name, InvariantNames))
		case contains(out, canon):
			d.errorf(at, "invariant %q is listed twice", canon)
		default:
			out = append(out, canon)
		}
	}
	return out
}
