package shell

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/sim/scenario"
)

// save writes the session so far as a scenario file that `ucssim run` replays to the same trace.
func (s *Shell) save(args []string) error {
	if len(args) != 1 {
		return errors.New("want one file name, e.g. save my-session.yaml")
	}
	if s.rec.full {
		return errTooLong()
	}
	path := args[0]
	text, err := s.sessionYAML(s.rec.entries)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, text); err != nil {
		return err
	}
	s.printf("saved %d steps to %s (replay: ucssim run %s)\n", len(s.rec.entries), path, path)
	return nil
}

// writeFileAtomic writes data to a temporary file beside path and renames it over path, so that a
// crash never leaves half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// sessionYAML is the scenario file of the session: the world file's document without its steps,
// with the session's seed, followed by the recorded steps.
func (s *Shell) sessionYAML(entries []entry) ([]byte, error) {
	head, err := s.headerYAML()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(head)
	for _, e := range entries {
		item, err := s.itemYAML(e)
		if err != nil {
			return nil, err
		}
		b.Write(item)
	}
	return b.Bytes(), nil
}

// headerYAML is the top of a saved session or journal, ending with `steps:`.
func (s *Shell) headerYAML() ([]byte, error) {
	root, err := s.sourceRoot()
	if err != nil {
		return nil, err
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	seedSet := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "steps":
			continue
		case "seed":
			v = scalar(fmt.Sprint(s.world.Seed), "!!int")
			seedSet = true
		}
		doc.Content = append(doc.Content, k, v)
	}
	if !seedSet {
		doc.Content = append(doc.Content, scalar("seed", "!!str"), scalar(fmt.Sprint(s.world.Seed), "!!int"))
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# A ucssim shell session over %q (seed %d), replayable with `ucssim run`.\n", s.file.Path, s.world.Seed)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	b.WriteString("steps:\n")
	return b.Bytes(), nil
}

// sourceRoot is the top mapping of the world file's document.
func (s *Shell) sourceRoot() (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(s.source, &root); err != nil {
		return nil, fmt.Errorf("read the world file %s again: %w", s.file.Path, err)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the world file %s is not a mapping any more", s.file.Path)
	}
	return root.Content[0], nil
}

// fileSteps are the YAML nodes of the world file's steps, in order (nil when it has none).
func (s *Shell) fileSteps() []*yaml.Node {
	root, err := s.sourceRoot()
	if err != nil {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "steps" && root.Content[i+1].Kind == yaml.SequenceNode {
			return root.Content[i+1].Content
		}
	}
	return nil
}

// itemYAML renders one recorded step as a list item of `steps:`, with a comment saying when it ran
// and what was typed.
func (s *Shell) itemYAML(e entry) ([]byte, error) {
	n := e.node
	if n == nil {
		n = stepNode(e.step)
	}
	item := *n
	item.HeadComment = fmt.Sprintf("%s (start +%s): %s", e.at.UTC().Format("Mon 2006-01-02 15:04:05"), scenario.FormatDuration(e.at.Sub(s.world.Start)), oneLine(e.line))
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{&item}}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	var out strings.Builder
	for _, l := range strings.SplitAfter(b.String(), "\n") {
		if l != "" {
			out.WriteString("  " + l)
		}
	}
	return []byte(out.String()), nil
}

// oneLine keeps a comment on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func scalar(v, tag string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v}
}

func str(v string) *yaml.Node { return scalar(v, "!!str") }

// mapping builds a mapping of string keys to nodes, in order.
func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		v, ok := kv[i+1].(*yaml.Node)
		if !ok {
			v = str(fmt.Sprint(kv[i+1]))
		}
		n.Content = append(n.Content, str(kv[i].(string)), v)
	}
	return n
}

// stepNode writes a typed step as the scenario format spells it.
func stepNode(st scenario.Step) *yaml.Node {
	var kv []any
	switch st.Kind {
	case scenario.StepRun:
		kv = []any{"run", st.Command}
		if len(st.Answers) > 0 && !allYes(st.Answers) {
			seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			for _, a := range st.Answers {
				seq.Content = append(seq.Content, str(scenario.AnswerName(a)))
			}
			kv = append(kv, "answers", seq)
		}
	case scenario.StepSignIn:
		kv = []any{"signIn", st.User}
		if st.Client != "" && st.Client != "lync2013" {
			kv = append(kv, "client", st.Client)
		}
		if st.Endpoint != "" && st.Endpoint != "desktop" {
			kv = append(kv, "endpoint", st.Endpoint)
		}
	case scenario.StepSignOut, scenario.StepAcceptPrompt:
		kv = []any{string(st.Kind), st.User}
		if st.Endpoint != "" && st.Endpoint != "desktop" {
			kv = append(kv, "endpoint", st.Endpoint)
		}
	case scenario.StepOutlookAddContact:
		c := mapping("user", st.User, "uri", st.Contact.URI)
		if st.Contact.Name != "" {
			c.Content = append(c.Content, str("name"), str(st.Contact.Name))
		}
		c.Style = yaml.FlowStyle
		kv = []any{"outlookAddContact", c}
	case scenario.StepFault:
		f := mapping("exchange", st.Fault.Kind, "for", scenario.FormatDuration(st.Fault.For))
		if st.Fault.BackOff > 0 {
			f.Content = append(f.Content, str("backoff"), str(scenario.FormatDuration(st.Fault.BackOff)))
		}
		if st.Fault.Latency > 0 {
			f.Content = append(f.Content, str("latency"), str(scenario.FormatDuration(st.Fault.Latency)))
		}
		if st.Fault.User != "" {
			f.Content = append(f.Content, str("user"), str(st.Fault.User))
		}
		f.Style = yaml.FlowStyle
		kv = []any{"fault", f}
	case scenario.StepWait:
		kv = []any{"wait", scenario.FormatDuration(st.Wait)}
	case scenario.StepUntil:
		if !st.Until.Absolute.IsZero() {
			kv = []any{"until", st.Until.Absolute.UTC().Format(time.RFC3339)}
		} else {
			kv = []any{"until", "+" + scenario.FormatDuration(st.Until.Offset)}
		}
	default:
		kv = []any{"note", fmt.Sprintf("a %s step the shell cannot write", st.Kind)}
	}
	if st.Error != nil {
		kv = append(kv, "error", *st.Error)
	}
	return mapping(kv...)
}

// allYes: answered Yes each time (or Yes to All), as a scenario file answers without answers:.
func allYes(answers []engine.Choice) bool {
	for _, a := range answers {
		if a != engine.Yes && a != engine.YesToAll {
			return false
		}
	}
	return true
}
