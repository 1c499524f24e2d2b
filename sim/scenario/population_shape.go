package scenario

import (
	"reflect"

	"github.com/invopop/jsonschema"
)

// The document types of populations (an extension, docs/SCENARIO-FORMAT.md "Populations"): kept
// beside shape.go's types and read the same way (keysOf for the loader, reflection for the schema).

// Named kinds of the population keys, each with its own schema (populationSchemaFor).
type (
	patternText      string         // a name or SIP address pattern holding {n} or {n:W}
	contactsDrawn    []bucketDoc    // a number, {uniform: [min, max]} or a list of weighted buckets
	weightMix        map[string]int // value: weight
	quotaText        string         // a whole number or a percentage of the population, e.g. 80%
	uniformRange     [2]int         // [min, max]
	populationSelect string         // a population's name
)

type populationDoc struct {
	Name      string        `yaml:"name" jsonschema:"required,minLength=1" jsonschema_description:"The population's name: steps and expectations name it (signInWave: Sales, expect: {population: Sales})."`
	Count     int           `yaml:"count" jsonschema:"required,minimum=1" jsonschema_description:"How many users it has."`
	Names     patternText   `yaml:"names" jsonschema_description:"Display name pattern; {n} is the user's number (1..count), {n:4} the number zero-padded to 4 digits. Default: the population's name and {n}."`
	SIP       patternText   `yaml:"sip" jsonschema:"required" jsonschema_description:"SIP address pattern, e.g. sip:sales{n:4}@litwareinc.com."`
	Contacts  contactsDrawn `yaml:"contacts" jsonschema_description:"Contacts generated per user: a number, {uniform: [min, max]}, or a list of weighted buckets [{weight: 70, contacts: 10}, {weight: 30, uniform: [50, 100]}]; drawn from the seed. Default 0."`
	Groups    []string      `yaml:"groups" jsonschema_description:"Extra groups for generated contacts."`
	Clients   weightMix     `yaml:"clients" jsonschema_description:"Client mix of signInWave: {lync2013: 90, lync2010: 5, mobile: 5} (weights). Default all lync2013."`
	Mailboxes weightMix     `yaml:"mailboxes" jsonschema_description:"Mailbox mix: {exchange2013: 95, exchange2010: 3, none: 2} (weights). Default all exchange2013."`
	Policies  weightMix     `yaml:"policies" jsonschema_description:"Per-user policy grants at the start: {AllowUnifiedContactStore: 80, none: 20} (weights; none = no grant). Default none."`
	Sites     weightMix     `yaml:"sites" jsonschema_description:"Site mix (for site:<name> policies): {Redmond: 70, Dublin: 30}. Default world.site."`
	Pools     weightMix     `yaml:"pools" jsonschema_description:"Registrar pool mix: world.pool and world.legacyPools, with weights. Default world.pool."`
}

type bucketDoc struct {
	Weight   int          `yaml:"weight" jsonschema:"required,minimum=1" jsonschema_description:"The bucket's weight among the buckets."`
	Contacts int          `yaml:"contacts" jsonschema:"minimum=0" jsonschema_description:"A fixed number of contacts."`
	Uniform  uniformRange `yaml:"uniform" jsonschema_description:"A number drawn uniformly from [min, max]."`
}

// uniformDoc is `contacts: {uniform: [min, max]}` (reached through the contactsDrawn mapper).
type uniformDoc struct {
	Uniform uniformRange `yaml:"uniform" jsonschema:"required" jsonschema_description:"A number drawn uniformly from [min, max]."`
}

type signInWaveStep struct {
	SignInWave populationSelect `yaml:"signInWave" jsonschema:"required" jsonschema_description:"Extension: the population's users not yet signed in sign in (endpoint desktop, client from its clients mix), each at an instant drawn uniformly from the seed within over:."`
	Over       durationText     `yaml:"over" jsonschema:"required" jsonschema_description:"The window the sign-ins spread over, from now; the clock ends at its end."`
	Share      quotaText        `yaml:"share" jsonschema_description:"How many of the population sign in during this wave: a number or a percentage of its count (users already signed in count against it). Default 100%."`
	failable
}

// populationSchemaFor gives the population kinds their schema; nil lets the reflector decide.
func populationSchemaFor(t reflect.Type) *jsonschema.Schema {
	pattern := func(desc string) *jsonschema.Schema {
		return &jsonschema.Schema{Type: "string", Pattern: `\{n(:[1-9])?\}`, Description: desc}
	}
	switch t {
	case reflect.TypeFor[patternText]():
		return pattern("A pattern holding {n} (1..count) or {n:W} (zero-padded to W digits).")
	case reflect.TypeFor[contactsDrawn]():
		return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
			{Type: "integer", Minimum: "0"},
			{Ref: "#/$defs/uniformDoc"},
			{Type: "array", MinItems: ptr(1), Items: &jsonschema.Schema{Ref: "#/$defs/bucketDoc"}},
		}}
	case reflect.TypeFor[weightMix]():
		return &jsonschema.Schema{Type: "object", MinProperties: ptr(1),
			AdditionalProperties: &jsonschema.Schema{Type: "integer", Minimum: "0"},
			Description:          "Values with their weights; a user's value is drawn from the seed in proportion."}
	case reflect.TypeFor[quotaText]():
		return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
			{Type: "integer", Minimum: "0"},
			{Type: "string", Pattern: `^[0-9]+(\.[0-9]+)?%$`, Description: "A percentage of the population, e.g. 80%."},
		}}
	case reflect.TypeFor[uniformRange]():
		return uniformSchema()
	case reflect.TypeFor[populationSelect]():
		return &jsonschema.Schema{Type: "string", MinLength: ptr(1), Description: "A population of world.populations."}
	}
	return nil
}

func uniformSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "array", MinItems: ptr(2), MaxItems: ptr(2),
		Items: &jsonschema.Schema{Type: "integer", Minimum: "0"}, Description: "[min, max], drawn uniformly."}
}
