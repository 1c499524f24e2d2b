package scenario

import (
	"time"

	"go.yaml.in/yaml/v3"
)

// Throttling is `world.exchange.throttling` (an extension): Exchange's EWS throttling budget
// (docs/PROTOCOLS.md "Throttling"). Off unless the key is given; given, each field defaults to the
// documented Exchange 2013 value (Cost to the simulator's own).
type Throttling struct {
	On           bool
	MaxBurst     time.Duration // EWSMaxBurst, default 300,000 ms (5m)
	RechargeRate time.Duration // EWSRechargeRate per hour, default 900,000 ms (15m)
	Cost         time.Duration // budget one request spends, default 100ms
}

// The defaults of a throttling: key, mirrored from mocks/ews (scenario does not import it).
const (
	DefaultMaxBurst     = 5 * time.Minute
	DefaultRechargeRate = 15 * time.Minute
	DefaultRequestCost  = 100 * time.Millisecond
)

type throttlingDoc struct {
	MaxBurst     durationText `yaml:"maxBurst" jsonschema_description:"EWSMaxBurst: the budget a caller may spend on one mailbox before it is throttled, in server time. Default 5m (300,000 ms, Exchange 2013)."`
	RechargeRate durationText `yaml:"rechargeRate" jsonschema_description:"EWSRechargeRate: budget recharged per hour. Default 15m (900,000 ms per hour, Exchange 2013)."`
	Cost         durationText `yaml:"cost" jsonschema_description:"What one request spends (ucssim's assumption; Exchange charges the time it worked). Default 100ms."`
}

var throttlingKeys = keysOf[throttlingDoc]()

func (d *decoder) throttling(n *yaml.Node, t *Throttling) {
	f := d.mapping(n, "world.exchange.throttling", throttlingKeys)
	if f == nil {
		return
	}
	*t = Throttling{On: true, MaxBurst: DefaultMaxBurst, RechargeRate: DefaultRechargeRate, Cost: DefaultRequestCost}
	d.durations(f, true, durationKey{"maxBurst", &t.MaxBurst}, durationKey{"rechargeRate", &t.RechargeRate}, durationKey{"cost", &t.Cost})
	if t.Cost > t.MaxBurst {
		d.errorf(f.node, "throttling: cost %s is more than maxBurst %s, so every request would be refused", FormatDuration(t.Cost), FormatDuration(t.MaxBurst))
	}
}
