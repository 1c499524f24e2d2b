package scenario

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"github.com/invopop/jsonschema"
)

// SchemaID is the `$id` of the generated JSON Schema; editors find the schema by the modeline
// `# yaml-language-server: $schema=<path or URL of a file holding ucssim schema's output>`.
const SchemaID = "https://github.com/ucssim/ucssim/scenario.schema.json"

// Schema returns the JSON Schema (draft 2020-12) of scenario files, reflected from the document
// types the loader takes its keys and enums from (shape.go). Enum values are listed in their
// canonical spelling for completion, and matched case-insensitively as the loader does.
func Schema() *jsonschema.Schema {
	r := &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true,
		Mapper:                     schemaFor,
	}
	s := r.Reflect(&fileDoc{})
	s.ID = SchemaID
	s.Title = "ucssim scenario file"
	s.Description = "A Lync Server 2013 unified contact store scenario for ucssim: a world and steps along a virtual clock (docs/SCENARIO-FORMAT.md)."
	// The steps: a oneOf over the step types, each reflected into the same definitions.
	// contactDoc is reached only through the contacts mapper.
	// bucketDoc and uniformDoc likewise only through the population contacts mapper.
	var variants []*jsonschema.Schema
	mapped := []reflect.Type{reflect.TypeFor[contactDoc](), reflect.TypeFor[bucketDoc](), reflect.TypeFor[uniformDoc]()}
	for _, t := range append(mapped, stepTypes...) {
		sub := r.ReflectFromType(t)
		for name, def := range sub.Definitions {
			s.Definitions[name] = def
		}
		if !slices.Contains(mapped, t) {
			variants = append(variants, &jsonschema.Schema{Ref: "#/$defs/" + t.Name()})
		}
	}
	s.Definitions["stepWritten"] = &jsonschema.Schema{
		Description: "One step: exactly one action key (" + strings.Join(actionKeys, ", ") + ") and its options.",
		OneOf:       variants,
	}
	return s
}

// SchemaJSON is Schema as indented JSON, what `ucssim schema` prints.
func SchemaJSON() ([]byte, error) {
	data, err := json.MarshalIndent(Schema(), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

const durationPattern = `^[0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h|d)([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h|d))*$`

// schemaFor gives the named kinds of shape.go their schema; nil lets the reflector decide.
func schemaFor(t reflect.Type) *jsonschema.Schema {
	if values, ok := enumValues[t]; ok {
		enum := make([]any, len(values))
		for i, v := range values {
			enum[i] = v
		}
		return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
			{Type: "string", Enum: enum},
			{Type: "string", Pattern: caseInsensitive(values), Description: "any case"},
		}}
	}
	str := func(pattern, desc string) *jsonschema.Schema {
		return &jsonschema.Schema{Type: "string", Pattern: pattern, Description: desc}
	}
	switch t {
	case reflect.TypeFor[durationText]():
		return str(durationPattern, "A duration: Go syntax plus days, e.g. 90s, 10m, 1h30m, 7d, 6d23h59m59s.")
	case reflect.TypeFor[instantText]():
		return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
			str(`^\+`+durationPattern[1:], "An offset from the scenario start, e.g. +7d10m."),
			{Type: "string", Format: "date-time"},
		}}
	case reflect.TypeFor[holdText]():
		return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
			{Type: "string", Enum: []any{"none"}},
			str(`^\+`+durationPattern[1:], "An offset from the scenario start, e.g. +7d10m."),
			{Type: "string", Format: "date-time"},
		}}
	case reflect.TypeFor[timeOfDayText]():
		return str(`^([01][0-9]|2[0-3]):[0-5][0-9]$`, "A UTC time of day, HH:MM.")
	case reflect.TypeFor[fqdnText]():
		return str(fqdnPattern, "A fully qualified domain name, e.g. atl-cs-001.litwareinc.com.")
	case reflect.TypeFor[sipText]():
		return sipSchema()
	case reflect.TypeFor[stringOrList]():
		return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
			{Type: "string", MinLength: ptr(1)},
			{Type: "array", Items: &jsonschema.Schema{Type: "string", MinLength: ptr(1)}},
		}}
	case reflect.TypeFor[sipOrList]():
		return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
			sipSchema(), {Type: "array", Items: sipSchema()},
		}}
	case reflect.TypeFor[outputFields]():
		return &jsonschema.Schema{Type: "object", MinProperties: ptr(1),
			AdditionalProperties: &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
				{Type: "string"}, {Type: "number"}, {Type: "boolean"},
			}}}
	case reflect.TypeFor[contactsOrCount]():
		return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
			{Type: "integer", Minimum: "0"},
			{Type: "array", Items: &jsonschema.Schema{Ref: "#/$defs/contactDoc"}},
		}}
	case reflect.TypeFor[stepWritten]():
		return &jsonschema.Schema{Ref: "#/$defs/stepWritten"}
	}
	return populationSchemaFor(t)
}

func sipSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Pattern: `^([sS][iI][pP]:)?[^@\s<>"]+@[^@\s<>"]+$`,
		Description: "A SIP address, sip:alias@domain (sip: optional)."}
}

func ptr(n uint64) *uint64 { return &n }

// caseInsensitive is a pattern matching any of values in any case (JSON Schema patterns have no
// case-insensitive flag).
func caseInsensitive(values []string) string {
	var alts []string
	for _, v := range values {
		var b strings.Builder
		for _, r := range v {
			lo, up := strings.ToLower(string(r)), strings.ToUpper(string(r))
			switch {
			case lo != up:
				b.WriteString("[" + lo + up + "]")
			case strings.ContainsRune(`.+*?()[]{}|^$\`, r):
				b.WriteString(`\` + string(r))
			default:
				b.WriteRune(r)
			}
		}
		alts = append(alts, b.String())
	}
	return "^(" + strings.Join(alts, "|") + ")$"
}
