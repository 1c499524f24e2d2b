package client

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/mocks/ews"
)

func (c *Client) defaultMailbox(baseURL, user string) Mailbox {
	return ews.NewClient(ews.ClientConfig{BaseURL: baseURL, Basic: user, Password: c.cfg.Password, HTTP: c.cfg.EWSHTTP, Insiders: c.cfg.EWSAccess, Held: 1})
}

// openMailbox finds EWS by POX autodiscover and reads the list (Lync 2013 reading from Exchange).
func (c *Client) openMailbox(ctx context.Context) error {
	c.mu.Lock()
	mb := c.mailbox
	c.mu.Unlock()
	if mb == nil {
		factory := c.cfg.Mailbox
		if factory == nil {
			factory = c.defaultMailbox
		}
		if c.cfg.EWSBaseURL == "" {
			return errors.New("client: the list is in Exchange but no EWS access is configured (EWSBaseURL/Mailbox)")
		}
		mb = factory(c.cfg.EWSBaseURL, c.alias)
		if _, err := mb.Autodiscover(ctx, c.alias); err != nil {
			return fmt.Errorf("client %s: autodiscover: %w", c.cfg.Endpoint, err)
		}
		c.mu.Lock()
		c.mailbox = mb
		c.mu.Unlock()
	}
	return c.readExchange(ctx)
}

// readExchange replaces the Exchange view with GetImItemList.
func (c *Client) readExchange(ctx context.Context) error {
	c.mu.Lock()
	mb := c.mailbox
	c.mu.Unlock()
	if mb == nil {
		return c.openMailbox(ctx)
	}
	list, err := mb.GetImItemList(ctx, c.alias)
	if err != nil {
		return fmt.Errorf("client %s: GetImItemList: %w", c.cfg.Endpoint, err)
	}
	c.mu.Lock()
	c.exchange = list
	c.mu.Unlock()
	return nil
}

// exchangeGroup finds a group of the Exchange list by display name ("" or "~" = Other Contacts).
func exchangeGroup(l engine.ImList, name string) (engine.ImGroup, bool) {
	if name == "" || name == "~" {
		name = otherContacts
	}
	for _, g := range l.Groups {
		if strings.EqualFold(g.DisplayName, name) {
			return g, true
		}
	}
	return engine.ImGroup{}, false
}

func (c *Client) addOverEWS(ctx context.Context, uri, name, group string) error {
	c.mu.Lock()
	mb, list := c.mailbox, c.exchange
	c.mu.Unlock()
	if mb == nil {
		return errors.New("client: no EWS access")
	}
	g, ok := exchangeGroup(list, group)
	if !ok {
		var err error
		if g, err = mb.AddImGroup(ctx, c.alias, group); err != nil {
			return fmt.Errorf("client %s: AddImGroup %q: %w", c.cfg.Endpoint, group, err)
		}
	}
	if _, err := mb.AddNewImContactToGroup(ctx, c.alias, strings.TrimPrefix(uri, "sip:"), name, g.ID); err != nil {
		return fmt.Errorf("client %s: AddNewImContactToGroup %s: %w", c.cfg.Endpoint, uri, err)
	}
	c.rereadAfterEdit(ctx)
	return nil
}

// rereadAfterEdit reads the list back after an edit Exchange accepted; the edit stands if that
// read fails (the client retries it).
func (c *Client) rereadAfterEdit(ctx context.Context) {
	if err := c.readExchange(ctx); err != nil {
		c.cfg.Logger.Warn("client: reading the list back after an edit failed; retrying", "endpoint", c.cfg.Endpoint, "error", err)
		c.retryReread()
	}
}

func (c *Client) removeOverEWS(ctx context.Context, uri string) error {
	c.mu.Lock()
	mb, list := c.mailbox, c.exchange
	c.mu.Unlock()
	if mb == nil {
		return errors.New("client: no EWS access")
	}
	uri = strings.TrimPrefix(uri, "sip:")
	for _, ct := range list.Contacts {
		if strings.EqualFold(ct.IMAddress, uri) {
			if err := mb.RemoveContactFromImList(ctx, c.alias, ct.ID); err != nil {
				return fmt.Errorf("client %s: RemoveContactFromImList %s: %w", c.cfg.Endpoint, uri, err)
			}
			c.rereadAfterEdit(ctx)
			return nil
		}
	}
	return fmt.Errorf("client %s: %s is not in the contact list", c.cfg.Endpoint, uri)
}
