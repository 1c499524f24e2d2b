package scenario_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/ucssim/ucssim/scenarios"
	"github.com/ucssim/ucssim/sim/scenario"
)

// compiled is the generated schema, compiled by an independent validator.
func compiled() *jsonschema.Schema {
	data, err := scenario.SchemaJSON()
	Expect(err).NotTo(HaveOccurred())
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	Expect(err).NotTo(HaveOccurred())
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	Expect(c.AddResource(scenario.SchemaID, doc)).To(Succeed())
	s, err := c.Compile(scenario.SchemaID)
	Expect(err).NotTo(HaveOccurred())
	return s
}

// asJSON turns a YAML document into the JSON value an editor's YAML language server checks.
func asJSON(src []byte) any {
	var v any
	Expect(yaml.Unmarshal(src, &v)).To(Succeed())
	data, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	Expect(err).NotTo(HaveOccurred())
	return out
}

var _ = Describe("the JSON Schema (ucssim schema)", func() {
	schema := compiled()

	It("accepts every bundled scenario", func() {
		n := 0
		Expect(fs.WalkDir(scenarios.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(scenarios.FS, p)
			Expect(err).NotTo(HaveOccurred())
			Expect(schema.Validate(asJSON(data))).To(Succeed(), p)
			n++
			return nil
		})).To(Succeed())
		Expect(n).To(BeNumerically(">", 50))
	})

	DescribeTable("rejects what the loader rejects",
		func(src, loaderSays string) {
			Expect(schema.Validate(asJSON([]byte(src)))).NotTo(Succeed(), "the schema accepted it")
			_, err := scenario.Parse("bad.yaml", []byte(src))
			Expect(err).To(MatchError(ContainSubstring(loaderSays)))
		},
		Entry("no name", "steps: []\n", `missing required key "name"`),
		Entry("an unknown top key", "name: X\nnmae: Y\n", `unknown key "nmae"`),
		Entry("a step with two actions", "name: X\nsteps:\n  - wait: 1m\n    until: +2m\n", "step has two actions"),
		Entry("an option of another step", "name: X\nsteps:\n  - wait: 1m\n    client: lync2010\n", `"client" does not apply to a wait step`),
		Entry("an unknown state", "name: X\nworld: {users: [{name: Ken, sip: sip:ken@x.com}]}\nsteps:\n  - expect: {user: Ken, state: Migratd}\n", `bad state "Migratd"`),
		Entry("a duration in words", "name: X\nsteps:\n  - wait: ten minutes\n", "wait:"),
		Entry("a pool that is not an FQDN", "name: X\nworld: {pool: not a fqdn}\n", `pool "not a fqdn" is not a fully qualified domain name`),
		Entry("a user without sip", "name: X\nworld: {users: [{name: Ken}]}\n", `missing required key "sip"`),
		Entry("a negative contact count", "name: X\nworld: {users: [{sip: sip:ken@x.com, contacts: -1}]}\n", "contacts"),
		Entry("within inside expect", "name: X\nworld: {users: [{name: Ken, sip: sip:ken@x.com}]}\nsteps:\n  - expect: {user: Ken, state: Migrated, within: 15m}\n", `unknown key "within" in expect`),
	)

	It("accepts enum values in any case, as the loader does", func() {
		src := "name: X\nworld: {users: [{name: Ken, sip: sip:ken@x.com, mailbox: Exchange2013}]}\nsteps:\n  - signIn: Ken\n    client: LYNC2013\n  - expect: {user: Ken, state: migrating}\n"
		Expect(schema.Validate(asJSON([]byte(src)))).To(Succeed())
		_, err := scenario.Parse("ok.yaml", []byte(src))
		Expect(err).NotTo(HaveOccurred())
	})

	It("describes every key and lists the values of every enum", func() {
		var doc map[string]any
		data, _ := scenario.SchemaJSON()
		Expect(json.Unmarshal(data, &doc)).To(Succeed())
		defs := doc["$defs"].(map[string]any)
		for name, def := range defs {
			props, ok := def.(map[string]any)["properties"].(map[string]any)
			if !ok {
				continue
			}
			for key, p := range props {
				Expect(p.(map[string]any)["description"]).NotTo(BeEmpty(), name+"."+key)
			}
		}
		client := defs["signInStep"].(map[string]any)["properties"].(map[string]any)["client"].(map[string]any)
		Expect(client["anyOf"].([]any)[0].(map[string]any)["enum"]).To(Equal([]any{"lync2013", "lync2010", "mobile"}))
		steps := defs["stepWritten"].(map[string]any)["oneOf"].([]any)
		Expect(steps).To(HaveLen(len(scenario.StepKinds())))
	})

	It("offers exactly the keys the loader accepts", func() {
		var doc map[string]any
		data, _ := scenario.SchemaJSON()
		Expect(json.Unmarshal(data, &doc)).To(Succeed())
		defs := doc["$defs"].(map[string]any)
		keys := func(def string) []string {
			var out []string
			for k := range defs[def].(map[string]any)["properties"].(map[string]any) {
				out = append(out, k)
			}
			slices.Sort(out)
			return out
		}
		Expect(keys("fileDoc")).To(Equal([]string{"description", "invariants", "labels", "name", "note", "seed", "start", "steps", "world"}))
		// Every key the schema offers on a step is accepted by the loader on that step.
		for _, kind := range scenario.StepKinds() {
			def := strings.ToLower(string(kind[:1])) + string(kind[1:]) + "Step"
			for _, k := range keys(def) {
				if k == string(kind) {
					continue
				}
				src := "name: X\nsteps:\n  - " + string(kind) + ": 1m\n    " + k + ": 1m\n"
				_, err := scenario.Parse("x.yaml", []byte(src))
				if err != nil {
					Expect(err.Error()).NotTo(ContainSubstring("unknown key"), src)
					Expect(err.Error()).NotTo(ContainSubstring("does not apply"), src)
				}
			}
		}
	})
})

var _ = Describe("editor support for the bundled suite", func() {
	It("keeps docs/scenario.schema.json equal to what ucssim schema prints", func() {
		want, err := scenario.SchemaJSON()
		Expect(err).NotTo(HaveOccurred())
		got, err := os.ReadFile(filepath.Join("..", "..", "docs", "scenario.schema.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal(string(want)), "regenerate it: go run ./cmd/ucssim schema -o docs/scenario.schema.json")
	})

	It("starts every bundled scenario with the yaml-language-server modeline pointing at that file", func() {
		Expect(fs.WalkDir(scenarios.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(scenarios.FS, p)
			Expect(err).NotTo(HaveOccurred())
			first, _, _ := strings.Cut(string(data), "\n")
			Expect(first).To(Equal("# yaml-language-server: $schema=../../docs/scenario.schema.json"),
				"scenarios/%s: add the modeline as its first line", p)
			// The path resolves from the file's folder to the schema file.
			target := filepath.Join("..", "..", "scenarios", filepath.Dir(p), "../../docs/scenario.schema.json")
			_, err = os.Stat(target)
			Expect(err).NotTo(HaveOccurred())
			return nil
		})).To(Succeed())
	})
})
