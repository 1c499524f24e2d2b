package main

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ucssim/ucssim/sim/scenario"
)

// ciTemplates are the example CI configurations; docs/ci/ holds the same files (a spec keeps
// them equal) and `ucssim init --ci` writes one where its CI system reads it.
//
//go:embed initdata/*.yml
var ciTemplates embed.FS

// examplePerTopic picks the bundled scenario `ucssim init` copies for each topic; a topic not
// listed (or whose file is gone) gets its first file.
var examplePerTopic = map[string]string{
	"checks":      "test-success-after-migration.yaml",
	"clients":     "lync2010-read-only-after-migration.yaml",
	"faults":      "exchange-down-daily-retry.yaml",
	"limits":      "configured-contact-limit.yaml",
	"migration":   "exact-ten-minute-timing.yaml",
	"policy":      "per-user-over-site.yaml",
	"population":  "wave-share-then-the-rest.yaml",
	"prompts":     "multiple-endpoints.yaml",
	"remigration": "seven-day-boundary.yaml",
	"rollback":    "without-policy-change-remigrates.yaml",
	"seed":        "per-user-policy-story.yaml",
}

const modelinePrefix = "# yaml-language-server: $schema="

// ciTargets are where each CI system reads its configuration, by --ci value.
var ciTargets = map[string]struct{ template, target string }{
	"github": {"github-actions.yml", ".github/workflows/ucssim.yml"},
	"gitlab": {"gitlab-ci.yml", ".gitlab-ci.yml"},
}

func (a *App) initCmd() *cobra.Command {
	var ci string
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Start a scenarios folder in a project: one example per topic, the JSON Schema, a CI configuration",
		Long: `Set up ucssim scenarios in the project at DIR (default: the current folder): DIR/scenarios/ gets one
example scenario per topic of the bundled suite (<topic>/<name>.yaml) and the JSON Schema their first
line points editors at (scenario.schema.json); --ci adds a CI configuration that validates the folder
and runs it in four shards: github writes .github/workflows/ucssim.yml (the default), gitlab writes
.gitlab-ci.yml, none writes no CI file. Nothing is overwritten: init stops if DIR/scenarios is not
empty or the CI file exists. Then: ucssim run scenarios/.`,
		Example: `  ucssim init
  ucssim init --ci gitlab my-project && cd my-project && ucssim run scenarios/`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if _, ok := ciTargets[ci]; !ok && ci != "none" {
				return usageError{fmt.Errorf("bad --ci %q: want github, gitlab or none", ci)}
			}
			written, n, err := a.scaffold(dir, ci)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.Stdout, "created %d example scenarios in %s\n", n, filepath.Join(dir, "scenarios"))
			for _, w := range written {
				fmt.Fprintf(a.Stdout, "created %s\n", w)
			}
			fmt.Fprintf(a.Stdout, "next: ucssim run %s\n", filepath.Join(dir, "scenarios")+string(filepath.Separator))
			return nil
		},
	}
	cmd.Flags().StringVar(&ci, "ci", "github", "CI configuration to add: github, gitlab or none")
	return cmd
}

// scaffold writes the scenarios folder and the CI file; it returns the other files written and
// how many scenarios the folder holds.
func (a *App) scaffold(dir, ci string) ([]string, int, error) {
	if a.Bundled == nil {
		return nil, 0, errors.New("this build has no bundled suite to take examples from")
	}
	folder := filepath.Join(dir, "scenarios")
	if entries, err := os.ReadDir(folder); err == nil && len(entries) > 0 {
		return nil, 0, usageError{fmt.Errorf("init: %s exists and is not empty; nothing written", folder)}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, 0, fmt.Errorf("init: %w", err)
	}
	files := map[string][]byte{}
	topics, err := fs.ReadDir(a.Bundled, ".")
	if err != nil {
		return nil, 0, err
	}
	n := 0
	for _, t := range topics {
		if !t.IsDir() {
			continue
		}
		names, err := fs.Glob(a.Bundled, path.Join(t.Name(), "*.yaml"))
		if err != nil || len(names) == 0 {
			continue
		}
		pick := names[0]
		if want := path.Join(t.Name(), examplePerTopic[t.Name()]); slices.Contains(names, want) {
			pick = want
		}
		data, err := fs.ReadFile(a.Bundled, pick)
		if err != nil {
			return nil, 0, err
		}
		files["scenarios/"+pick] = withModeline(data, "../scenario.schema.json")
		n++
	}
	schema, err := scenario.SchemaJSON()
	if err != nil {
		return nil, 0, err
	}
	files["scenarios/scenario.schema.json"] = schema
	var written []string
	if t, ok := ciTargets[ci]; ok {
		target := filepath.Join(dir, filepath.FromSlash(t.target))
		if _, err := os.Stat(target); err == nil {
			return nil, 0, usageError{fmt.Errorf("init: %s exists; nothing written (use --ci none to keep it)", target)}
		}
		data, err := ciTemplates.ReadFile("initdata/" + t.template)
		if err != nil {
			return nil, 0, err
		}
		files[t.target] = data
		written = append(written, target)
	}
	written = append(written, filepath.Join(folder, "scenario.schema.json"))
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, 0, fmt.Errorf("init: %w", err)
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return nil, 0, fmt.Errorf("init: %w", err)
		}
	}
	return written, n, nil
}

// withModeline replaces (or adds) the yaml-language-server modeline on the first line.
func withModeline(data []byte, schema string) []byte {
	s := string(data)
	if strings.HasPrefix(s, modelinePrefix) {
		_, s, _ = strings.Cut(s, "\n")
	}
	return []byte(modelinePrefix + schema + "\n" + s)
}
