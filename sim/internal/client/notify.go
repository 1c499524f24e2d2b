package client

import (
	"context"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"

	"github.com/emiago/sipgo/sip"

	"github.com/ucssim/ucssim/engine"
)

// Prompts a client records in View.Prompts.
const (
	PromptMigrated   = "migrated"    // 2165: the list moved to Exchange; log off and on
	PromptRolledBack = "rolled-back" // 2166: the list moved back to Lync Server; log off and on
)

// onNotify applies a NOTIFY or BENOTIFY of the roaming-contacts subscription. It is counted
// until answered; a trigger takes the re-read's unit before answering.
func (c *Client) onNotify(req *sip.Request, tx sip.ServerTransaction) {
	end := c.cfg.Counter.Begin("client.notify")
	defer end()
	answer := func(code int, reason string) {
		if tx == nil || req.Method == lyncwire.MethodBENOTIFY {
			return
		}
		_ = tx.Respond(sip.NewResponseFromRequest(req, code, reason, nil))
	}
	if req.From() == nil || req.CallID() == nil {
		answer(400, "Bad Request")
		return
	}
	c.mu.Lock()
	dlg := c.roaming
	fromTag, _ := req.From().Params.Get("tag")
	if dlg == nil || req.CallID().Value() != dlg.callID || fromTag != dlg.remoteTag {
		c.mu.Unlock()
		answer(481, "Call/Transaction Does Not Exist")
		return
	}
	doc, err := lyncwire.ParseRoamingContacts(req.Body())
	if err != nil {
		c.mu.Unlock()
		answer(400, "Bad Request")
		return
	}
	reread := c.applyLocked(doc, lyncwire.DiagnosticsCode(req))
	c.mu.Unlock()
	if reread {
		c.startReread()
	}
	answer(200, "OK")
}

// applyLocked updates the view from a notification (docs/PROTOCOLS.md 1.6, 1.7) and reports whether
// the client must re-read its list from Exchange.
func (c *Client) applyLocked(doc *lyncwire.RoamingDoc, diag int) (reread bool) {
	if d := doc.Delta; d != nil {
		if c.readsFrom != engine.ReadsExchange {
			c.applyDeltaLocked(*d)
		}
		return false
	}
	l := *doc.List
	switch {
	case diag == lyncwire.DiagReadOnly && c.readsFrom != engine.ReadsExchange:
		c.showPromptLocked(PromptMigrated)
	case diag == lyncwire.DiagRollback && c.readsFrom == engine.ReadsExchange:
		c.showPromptLocked(PromptRolledBack)
	case l.Migrated:
		return c.readsFrom == engine.ReadsExchange && !c.prompt
	case c.readsFrom != engine.ReadsExchange && !c.prompt:
		// A full list without ms-diagnostics comes from a Lync store that is authoritative again
		// (a rollback): a read-only Lync 2010 endpoint can edit once more.
		c.readsFrom = engine.ReadsLync
		c.setListLocked(l)
	}
	return false
}

func (c *Client) showPromptLocked(p string) {
	c.prompt = true
	c.prompts = append(c.prompts, p)
}

func (c *Client) applyDeltaLocked(d engine.Delta) {
	for _, g := range append(append([]engine.Group(nil), d.AddedGroups...), d.ModifiedGroups...) {
		c.groups[g.ID] = g
	}
	for _, ct := range append(append([]engine.Contact(nil), d.AddedContacts...), d.ModifiedContacts...) {
		c.contacts[ct.URI] = ct
	}
	for _, id := range d.DeletedGroups {
		delete(c.groups, id)
	}
	for _, uri := range d.DeletedContacts {
		delete(c.contacts, uri)
	}
	if d.DeltaNum > c.deltaNum {
		c.deltaNum = d.DeltaNum
	}
}

// startReread re-reads the list from Exchange in the background, one read at a time; a trigger
// during a read makes it read again.
func (c *Client) startReread() {
	c.mu.Lock()
	if c.rereading {
		c.dirty = true
		c.mu.Unlock()
		return
	}
	c.rereading = true
	c.mu.Unlock()
	c.background("client.reread", func(ctx context.Context) {
		for {
			if err := c.readExchange(ctx); err != nil {
				c.cfg.Logger.Warn("client: re-read from Exchange failed", "endpoint", c.cfg.Endpoint, "error", err)
			}
			c.mu.Lock()
			if !c.dirty || c.closed {
				c.rereading = false
				c.mu.Unlock()
				return
			}
			c.dirty = false
			c.mu.Unlock()
		}
	})
}
