package shell

import (
	"github.com/ucssim/ucssim/sim/scenario"
)

// defaultWorldYAML is the seed document's world: global still allows the store, Ken Myer has 12
// contacts and Pilar Ackerman 5, nobody is signed in; a Lync Server 2010 pool is there to move
// users to.
const defaultWorldYAML = `name: Seed document world
description: |
  Ken Myer and Pilar Ackerman on atl-cs-001.litwareinc.com, with 12 and 5 contacts in Lync Server.
  Try the seed document's commands, sign Ken in, wait 10m, roll him back, wait 7d.
  lync2010.litwareinc.com is a Lync Server 2010 pool: Move-CsUser there rolls a migrated user back.
world:
  legacyPools: [lync2010.litwareinc.com]
  users:
    - {name: Ken Myer, sip: "sip:kenmyer@litwareinc.com", contacts: 12}
    - {name: Pilar Ackerman, sip: "sip:pilar@litwareinc.com", contacts: 5}
`

// DefaultWorld returns the shell's default world file (no steps).
func DefaultWorld() (*scenario.File, error) {
	return scenario.Parse("default-world.yaml", []byte(defaultWorldYAML))
}
