// Package scenarios is ucssim's bundled scenario suite: small YAML scenario files, grouped by topic
// (policy, migration, prompts, rollback, remigration, clients, faults, limits, checks, seed,
// population), that together demonstrate every rule of docs/BEHAVIOR.md and every sentence of the
// TechNet seed document. FS embeds them so the CLI and other Go programs can run the suite without a
// checkout; the larger population stories of scale/ are left out (`make bench-scale` runs them).
package scenarios

import "embed"

// FS holds every bundled scenario file, as <topic>/<name>.yaml: every topic directory but scale/
// (a spec keeps the list equal to the directories).
//
//go:embed checks/*.yaml clients/*.yaml faults/*.yaml limits/*.yaml migration/*.yaml policy/*.yaml population/*.yaml prompts/*.yaml remigration/*.yaml rollback/*.yaml seed/*.yaml
var FS embed.FS
