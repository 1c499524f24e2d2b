package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"

	"github.com/emiago/sipgo/sip"

	"github.com/ucssim/ucssim/engine"
)

// AddContact adds uri (sip:alias@domain or alias@domain) to group ("" = the default group),
// creating the group if needed: by SERVICE while the list is in Lync, over EWS once it has
// migrated. An existing contact keeps its other groups.
func (c *Client) AddContact(ctx context.Context, uri, name, group string) error {
	return c.edit(uri, func(uri string) error {
		return c.addOverEWS(ctx, uri, name, group)
	}, func(uri string) error {
		id, err := c.groupID(ctx, group)
		if err != nil {
			return err
		}
		c.mu.Lock()
		ct, ok := c.contacts[uri]
		c.mu.Unlock()
		if !ok {
			ct = engine.Contact{URI: uri, Name: name, Subscribed: true}
		} else if name != "" {
			ct.Name = name
		}
		if !slices.Contains(ct.Groups, id) {
			ct.Groups = append(slices.Clone(ct.Groups), id)
		}
		_, err = c.service(ctx, engine.Op{Kind: engine.OpSetContact, Contact: ct})
		return err
	})
}

// MoveContact puts a contact of the list into group only (SERVICE setContact with new groups).
func (c *Client) MoveContact(ctx context.Context, uri, group string) error {
	return c.edit(uri, func(string) error {
		return errors.New("client: moving a contact over EWS is not simulated")
	}, func(uri string) error {
		c.mu.Lock()
		ct, ok := c.contacts[uri]
		c.mu.Unlock()
		if !ok {
			return fmt.Errorf("client %s: %s is not in the contact list", c.cfg.Endpoint, uri)
		}
		id, err := c.groupID(ctx, group)
		if err != nil {
			return err
		}
		ct.Groups = []int{id}
		_, err = c.service(ctx, engine.Op{Kind: engine.OpSetContact, Contact: ct})
		return err
	})
}

// RemoveContact removes uri from the list: deleteContact while in Lync, RemoveContactFromImList
// over EWS once migrated.
func (c *Client) RemoveContact(ctx context.Context, uri string) error {
	return c.edit(uri, func(uri string) error {
		return c.removeOverEWS(ctx, uri)
	}, func(uri string) error {
		_, err := c.service(ctx, engine.Op{Kind: engine.OpDeleteContact, Contact: engine.Contact{URI: uri}})
		return err
	})
}

// edit runs one edit of the list under the client's operation lock once the list is editable:
// overEWS once the list has migrated, overSIP while it is in Lync; either gets uri without "sip:".
func (c *Client) edit(uri string, overEWS, overSIP func(uri string) error) error {
	c.ops.Lock()
	defer c.ops.Unlock()
	reads, err := c.editable()
	if err != nil {
		return err
	}
	uri = strings.TrimPrefix(uri, "sip:")
	if reads == engine.ReadsExchange {
		return overEWS(uri)
	}
	return overSIP(uri)
}

func (c *Client) editable() (engine.ReadsFrom, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.signedIn {
		return "", ErrNotSignedIn
	}
	if c.prompt {
		return "", ErrPromptShowing
	}
	return c.readsFrom, nil
}

// groupID finds a Lync group by name ("" or "~" or "Other Contacts" = group 1), adding it by
// SERVICE addGroup if missing.
func (c *Client) groupID(ctx context.Context, name string) (int, error) {
	if name == "" || name == "~" || strings.EqualFold(name, otherContacts) {
		return engine.DefaultGroupID, nil
	}
	c.mu.Lock()
	for id, g := range c.groups {
		if strings.EqualFold(g.Name, name) {
			c.mu.Unlock()
			return id, nil
		}
	}
	c.mu.Unlock()
	res, err := c.service(ctx, engine.Op{Kind: engine.OpAddGroup, Name: name})
	if err != nil {
		return 0, err
	}
	id, err := lyncwire.ParseAddGroupResult(res.Body())
	if err != nil {
		return 0, fmt.Errorf("client %s: %w", c.cfg.Endpoint, err)
	}
	c.mu.Lock()
	if _, ok := c.groups[id]; !ok {
		c.groups[id] = engine.Group{ID: id, Name: name}
	}
	c.mu.Unlock()
	return id, nil
}

// service sends one SERVICE write. A 403 with ms-diagnostics 2165 marks the view read-only; an
// accepted write marks it writable again.
func (c *Client) service(ctx context.Context, op engine.Op) (*sip.Response, error) {
	c.mu.Lock()
	op.DeltaNum = c.deltaNum
	c.mu.Unlock()
	req := c.newRequest(lyncwire.MethodService, c.userURI(), sip.GenerateTagN(16), sip.GenerateTagN(10), 1)
	req.AppendHeader(c.gruuContact())
	req.AppendHeader(sip.NewHeader("Content-Type", lyncwire.ContentTypeSOAP))
	req.SetBody(lyncwire.EncodeServiceOp(op))
	res, err := c.do(ctx, req)
	var se *SIPError
	c.mu.Lock()
	switch {
	case errors.As(err, &se) && se.Status == 403 && se.Diag == lyncwire.DiagReadOnly:
		if c.readsFrom == engine.ReadsLync {
			c.readsFrom = engine.ReadsReadOnly
		}
	case err == nil && c.readsFrom == engine.ReadsReadOnly:
		// An accepted write means the Lync store is authoritative again (after a rollback a
		// Lync 2010 endpoint is told nothing unless its list changed).
		c.readsFrom = engine.ReadsLync
	}
	c.mu.Unlock()
	return res, err
}
