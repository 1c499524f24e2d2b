package client

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/ucssim/ucssim/sim/internal/lyncwire"

	"github.com/emiago/sipgo/sip"
	"github.com/google/uuid"

	"github.com/ucssim/ucssim/engine"
)

// Refresh margins (docs/PROTOCOLS.md 1.2, 1.3; pidgin-sipe).
const (
	registerMargin  = 30 * time.Second
	subscribeMargin = 2 * time.Minute
)

func instanceUUID(alias, endpoint string) string {
	h := sha1.Sum([]byte(alias + "/" + endpoint))
	u, _ := uuid.FromBytes(h[:16])
	return u.String()
}

// SignIn registers the endpoint and subscribes to provisioning, the contact list and self data.
// A Lync 2013 client whose list has migrated then finds EWS by autodiscover and reads the list
// from Exchange.
func (c *Client) SignIn(ctx context.Context) error {
	c.ops.Lock()
	defer c.ops.Unlock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errors.New("client: closed")
	}
	if c.signedIn {
		c.mu.Unlock()
		return fmt.Errorf("client %s: already signed in", c.cfg.Endpoint)
	}
	c.regCallID, c.regTag = sip.GenerateTagN(16), sip.GenerateTagN(10)
	c.mu.Unlock()

	if err := c.register(ctx); err != nil {
		return err
	}
	if _, err := c.subscribe(ctx, lyncwire.EventProvisioning, 0); err != nil {
		return c.abandon(ctx, err)
	}
	if err := c.subscribeContacts(ctx); err != nil {
		return c.abandon(ctx, err)
	}
	if _, err := c.subscribe(ctx, lyncwire.EventRoamingSelf, 0); err != nil {
		return c.abandon(ctx, err)
	}
	c.mu.Lock()
	c.signedIn = true
	reads := c.readsFrom
	c.mu.Unlock()
	if reads == engine.ReadsExchange {
		if err := c.openMailbox(ctx); err != nil {
			// Signed in to Lync Server all the same: the list shows once Exchange answers.
			c.cfg.Logger.Warn("client: reading the list from Exchange failed; retrying", "endpoint", c.cfg.Endpoint, "error", err)
			c.retryReread()
		}
	}
	return nil
}

// abandon unregisters after a failed sign-in step, keeping the step's error.
func (c *Client) abandon(ctx context.Context, err error) error {
	_ = c.unregister(ctx)
	return err
}

func (c *Client) register(ctx context.Context) error {
	res, err := c.registration(ctx, sip.NewHeader("Supported", "gruu-10, adhoclist, msrtc-event-categories, com.microsoft.msrtc.presence"), false)
	if err != nil {
		return err
	}
	if h := res.GetHeader("Contact"); h != nil {
		if m := gruuRE.FindStringSubmatch(h.Value()); m != nil {
			c.mu.Lock()
			c.gruu = m[1]
			c.mu.Unlock()
		}
	}
	c.armRegisterRefresh(res)
	return nil
}

var gruuRE = regexp.MustCompile(`gruu="([^"\s]+)"`)

// gruuContact is the Contact of self-subscriptions and SERVICE: the GRUU the REGISTER answer
// granted (docs/PROTOCOLS.md 1.3), or the registered contact if none was granted.
func (c *Client) gruuContact() sip.Header {
	c.mu.Lock()
	g := c.gruu
	c.mu.Unlock()
	if g == "" {
		return c.contactHeader()
	}
	return sip.NewHeader("Contact", "<"+g+">")
}

func (c *Client) unregister(ctx context.Context) error {
	_, err := c.registration(ctx, sip.NewHeader("Expires", "0"), true)
	return err
}

// registration sends the next REGISTER of the endpoint's contact with one more header (what it
// supports, or Expires: 0); unregistering stops the refresh timers first.
func (c *Client) registration(ctx context.Context, extra sip.Header, unregistering bool) (*sip.Response, error) {
	c.mu.Lock()
	c.regCSeq++
	req := c.newRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: c.domain}, c.regCallID, c.regTag, c.regCSeq)
	if unregistering {
		c.stopTimersLocked()
	}
	c.mu.Unlock()
	req.AppendHeader(c.contactHeader())
	req.AppendHeader(extra)
	req.AppendHeader(sip.NewHeader("Event", "registration"))
	req.SetBody(nil)
	return c.do(ctx, req)
}

func expiresOf(res *sip.Response) time.Duration {
	if h := res.GetHeader("Expires"); h != nil {
		if n, err := strconv.Atoi(h.Value()); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	}
	return 0
}

// armRegisterRefresh re-registers shortly before expiry, on virtual time.
func (c *Client) armRegisterRefresh(res *sip.Response) {
	d := expiresOf(res)
	if c.cfg.Scheduler == nil || d <= registerMargin {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.regCancel != nil {
		c.regCancel()
	}
	c.regCancel = c.cfg.Scheduler.At(c.cfg.Clock.Now().Add(d-registerMargin), "client.register.refresh", func() {
		c.background("client.register.refresh", func(ctx context.Context) {
			if err := c.register(ctx); err != nil {
				c.cfg.Logger.Warn("client: re-register failed", "endpoint", c.cfg.Endpoint, "error", err)
			}
		})
	})
}

// background runs fn on its own goroutine holding one quiescence unit, taken before it returns.
func (c *Client) background(name string, fn func(ctx context.Context)) {
	end := c.cfg.Counter.Begin(name)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		end()
		return
	}
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		defer end()
		fn(c.ctx)
	}()
}

// subscribe sends an out-of-dialog SUBSCRIBE for a self package and returns the answer.
func (c *Client) subscribe(ctx context.Context, event string, expires int) (*sip.Response, error) {
	req := c.newRequest(sip.SUBSCRIBE, c.userURI(), sip.GenerateTagN(16), sip.GenerateTagN(10), 1)
	c.selfHeaders(req, event)
	if event == lyncwire.EventProvisioning {
		req.AppendHeader(sip.NewHeader("Expires", "0"))
		req.AppendHeader(sip.NewHeader("Content-Type", lyncwire.ContentTypeProvisioning))
		req.SetBody([]byte(`<provisioningGroupList xmlns="http://schemas.microsoft.com/2006/09/sip/provisioninggrouplist">` +
			`<provisioningGroup name="ServerConfiguration"/><provisioningGroup name="meetingPolicy"/>` +
			`<provisioningGroup name="persistentChatConfiguration"/><provisioningGroup name="ucPolicy"/></provisioningGroupList>`))
	} else {
		if expires > 0 {
			req.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(expires)))
		}
		if event == lyncwire.EventRoamingSelf {
			req.AppendHeader(sip.NewHeader("Content-Type", lyncwire.ContentTypeRoamingSelf))
			req.SetBody([]byte(`<roamingList xmlns="http://schemas.microsoft.com/2006/09/sip/roaming-self">` +
				`<roaming type="categories"/><roaming type="containers"/><roaming type="subscribers"/></roamingList>`))
		} else {
			req.SetBody(nil)
		}
	}
	return c.do(ctx, req)
}

func (c *Client) selfHeaders(req *sip.Request, event string) {
	req.AppendHeader(sip.NewHeader("Event", event))
	switch event {
	case lyncwire.EventProvisioning:
		req.AppendHeader(sip.NewHeader("Accept", lyncwire.ContentTypeProvisioning))
	case lyncwire.EventRoamingContacts:
		req.AppendHeader(sip.NewHeader("Accept", lyncwire.ContentTypeRoamingContacts))
	case lyncwire.EventRoamingSelf:
		req.AppendHeader(sip.NewHeader("Accept", lyncwire.ContentTypeRoamingSelf))
	}
	req.AppendHeader(c.gruuContact())
	req.AppendHeader(sip.NewHeader("Supported", "com.microsoft.autoextend"))
	req.AppendHeader(sip.NewHeader("Supported", "ms-piggyback-first-notify"))
	if event == lyncwire.EventRoamingContacts && c.cfg.Kind == engine.Lync2013 {
		req.AppendHeader(sip.NewHeader("Supported", "ms-ucs"))
	}
}

// subscribeContacts opens the roaming-contacts dialog and takes the piggybacked list.
func (c *Client) subscribeContacts(ctx context.Context) error {
	res, err := c.subscribe(ctx, lyncwire.EventRoamingContacts, 0)
	if err != nil {
		return err
	}
	doc, err := lyncwire.ParseRoamingContacts(res.Body())
	if err != nil || doc.List == nil {
		return fmt.Errorf("client %s: roaming-contacts answer has no contactList: %v", c.cfg.Endpoint, err)
	}
	toTag, _ := res.To().Params.Get("tag")
	fromTag, _ := res.From().Params.Get("tag")
	c.mu.Lock()
	c.roaming = &dialog{callID: res.CallID().Value(), localTag: fromTag, remoteTag: toTag, cseq: 1}
	c.prompt = false
	switch {
	case doc.List.Migrated && c.cfg.Kind == engine.Lync2013:
		c.readsFrom = engine.ReadsExchange
		c.deltaNum = doc.List.DeltaNum
	default:
		c.readsFrom = engine.ReadsLync
		if lyncwire.DiagnosticsCode(res) == lyncwire.DiagReadOnly {
			c.readsFrom = engine.ReadsReadOnly
		}
		c.setListLocked(*doc.List)
	}
	c.armSubscribeRefreshLocked(expiresOf(res))
	c.mu.Unlock()
	return nil
}

func (c *Client) setListLocked(l engine.ContactList) {
	c.deltaNum = l.DeltaNum
	c.groups = map[int]engine.Group{}
	c.contacts = map[string]engine.Contact{}
	for _, g := range l.Groups {
		c.groups[g.ID] = g
	}
	for _, ct := range l.Contacts {
		c.contacts[ct.URI] = ct
	}
}

// armSubscribeRefreshLocked refreshes the roaming-contacts subscription before it expires.
func (c *Client) armSubscribeRefreshLocked(d time.Duration) {
	if c.cfg.Scheduler == nil || c.roaming == nil || d <= subscribeMargin {
		return
	}
	if c.roaming.cancel != nil {
		c.roaming.cancel()
	}
	dlg := c.roaming
	dlg.cancel = c.cfg.Scheduler.At(c.cfg.Clock.Now().Add(d-subscribeMargin), "client.subscribe.refresh", func() {
		c.background("client.subscribe.refresh", func(ctx context.Context) { c.refreshContacts(ctx, dlg) })
	})
}

// refreshContacts re-SUBSCRIBEs in the dialog; the answer's list is not applied (notifications
// keep the view current), only the expiry is re-armed.
func (c *Client) refreshContacts(ctx context.Context, dlg *dialog) {
	c.mu.Lock()
	if c.roaming != dlg || !c.signedIn {
		c.mu.Unlock()
		return
	}
	dlg.cseq++
	req := c.newRequest(sip.SUBSCRIBE, c.userURI(), dlg.callID, dlg.localTag, dlg.cseq)
	req.To().Params.Add("tag", dlg.remoteTag)
	c.mu.Unlock()
	c.selfHeaders(req, lyncwire.EventRoamingContacts)
	req.SetBody(nil)
	res, err := c.do(ctx, req)
	if err != nil {
		c.cfg.Logger.Warn("client: subscription refresh failed", "endpoint", c.cfg.Endpoint, "error", err)
		return
	}
	c.mu.Lock()
	if c.roaming == dlg {
		c.armSubscribeRefreshLocked(expiresOf(res))
	}
	c.mu.Unlock()
}

// SignOut unregisters (REGISTER Expires: 0), which ends the subscriptions on the server.
func (c *Client) SignOut(ctx context.Context) error {
	c.ops.Lock()
	defer c.ops.Unlock()
	return c.signOut(ctx)
}

func (c *Client) signOut(ctx context.Context) error {
	c.mu.Lock()
	if !c.signedIn {
		c.mu.Unlock()
		return ErrNotSignedIn
	}
	c.mu.Unlock()
	err := c.unregister(ctx)
	c.mu.Lock()
	c.signedIn = false
	c.prompt = false
	c.roaming = nil
	c.mu.Unlock()
	return err
}

// AcceptPrompt answers the log-off prompt: sign out, then sign in with the same client.
func (c *Client) AcceptPrompt(ctx context.Context) error {
	c.mu.Lock()
	showing := c.prompt
	c.mu.Unlock()
	if !showing {
		return errors.New("client: no log-off prompt is showing")
	}
	c.ops.Lock()
	err := c.signOut(ctx)
	c.ops.Unlock()
	if err != nil {
		return err
	}
	return c.SignIn(ctx)
}
