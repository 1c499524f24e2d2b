package scenario

import (
	"strings"

	"github.com/ucssim/ucssim/engine"
	"go.yaml.in/yaml/v3"
)

var (
	expectKeys = keysOf[expectDoc]()
	// stateChecks are the keys of a user's state check.
	stateChecks = []string{"state", "contactsIn", "contacts", "has", "lacks", "prompt", "clientReads",
		"attempts", "holdUntil", "effectivePolicy"}

	promptValues = []string{"logoff", "none"}
)

func (d *decoder) expect(n *yaml.Node, w *World) *Expect {
	f := d.mapping(n, "expect", expectKeys)
	if f == nil {
		return nil
	}
	x := &Expect{Pos: pos(f.node)}
	for _, k := range f.order {
		x.Keys = append(x.Keys, KeyPos{Key: k, Pos: pos(f.key[k])})
	}
	if !f.has("user") && !f.has("event") && !f.has("population") {
		d.errorf(f.node, "expect needs user: (a state check), population: (a check on each of its users) or event: (a trace check)")
	}
	if f.has("count") && !f.has("event") {
		d.errorf(f.key["count"], "count needs event: (it counts trace events of that type)")
	}
	if f.has("event") {
		for _, k := range f.order {
			if k != "event" && k != "user" && k != "count" && k != "population" {
				d.errorf(f.key[k], "%q cannot be combined with event: (an event check takes only user: or population:, and count:)", k)
			}
		}
	} else if f.has("user") && len(f.node.Content) == 2 {
		d.errorf(f.node, "expect checks nothing: add one of %s", strings.Join(stateChecks, ", "))
	}
	if v := f.val["user"]; v != nil {
		if name, ok := d.nonEmpty(v, "user"); ok {
			x.User = d.resolveUser(v, name, w)
		}
	}
	d.populationExpect(f, w, x)
	if v := f.val["state"]; v != nil {
		x.State = enumOf(d, v, "state", engine.States())
	}
	if v := f.val["contactsIn"]; v != nil {
		x.ContactsIn = enumOf(d, v, "contactsIn", engine.Stores())
	}
	optional(f, "contacts", &x.Contacts, d.integer)
	if v := f.val["has"]; v != nil {
		x.Has = d.uris(v, "has")
	}
	if v := f.val["lacks"]; v != nil {
		x.Lacks = d.uris(v, "lacks")
	}
	if v := f.val["prompt"]; v != nil {
		x.Prompt, _ = d.enum(v, "prompt", promptValues)
	}
	if v := f.val["clientReads"]; v != nil {
		x.ClientReads = enumOf(d, v, "clientReads", engine.ReadsFroms())
	}
	if v := f.val["endpoint"]; v != nil {
		x.Endpoint, _ = d.nonEmpty(v, "endpoint")
		if !f.has("event") && !f.has("prompt") && !f.has("clientReads") {
			d.errorf(f.key["endpoint"], "endpoint applies to prompt and clientReads: add one of them, or drop endpoint")
		}
	}
	optional(f, "attempts", &x.Attempts, d.integer)
	if v := f.val["holdUntil"]; v != nil {
		d.holdUntil(v, x)
	}
	if v := f.val["effectivePolicy"]; v != nil {
		x.EffectivePolicy, _ = d.nonEmpty(v, "effectivePolicy")
	}
	if v := f.val["event"]; v != nil {
		x.Event = enumOf(d, v, "event", engine.EventTypes())
	}
	optional(f, "count", &x.Count, d.integer)
	return x
}

func (d *decoder) uris(n *yaml.Node, key string) []string {
	list, _ := d.strList(n, key, true)
	for i, item := range deref(n).Content {
		if i < len(list) {
			if err := checkSIP(list[i]); err != nil {
				d.errorf(item, "%s: %v", key, err)
			}
		}
	}
	if deref(n).Kind == yaml.ScalarNode && len(list) == 1 {
		if err := checkSIP(list[0]); err != nil {
			d.errorf(n, "%s: %v", key, err)
		}
	}
	return list
}

func (d *decoder) holdUntil(n *yaml.Node, x *Expect) {
	s, ok := d.str(n, "holdUntil")
	if !ok {
		return
	}
	if strings.EqualFold(s, "none") {
		x.HoldNone = true
		return
	}
	in, err := ParseInstant(s)
	if err != nil {
		d.errorf(n, "holdUntil: expected none, +offset or an RFC 3339 time: %v", err)
		return
	}
	x.HoldUntil = &in
}
