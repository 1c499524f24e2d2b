package ews

import (
	"context"
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/engine"
)

// GetImItemList reads the whole IM list (creating the system groups if missing).
func (c *Client) GetImItemList(ctx context.Context, mailbox string) (engine.ImList, error) {
	resp, err := c.ucsCall(ctx, mailbox, "GetImItemList", nil)
	if err != nil {
		return engine.ImList{}, err
	}
	return readImItemList(resp.child("ImItemList")), nil
}

// GetImItems reads the named contacts and groups; unknown ids are left out.
func (c *Client) GetImItems(ctx context.Context, mailbox string, contacts, groups []engine.ItemID) (engine.ImList, error) {
	resp, err := c.ucsCall(ctx, mailbox, "GetImItems", func(w *xmlWriter) {
		if len(contacts) > 0 {
			w.open("m:ContactIds")
			for _, id := range contacts {
				writeItemID(w, "t:ItemId", id)
			}
			w.close("m:ContactIds")
		}
		if len(groups) > 0 {
			w.open("m:GroupIds")
			for _, id := range groups {
				writeItemID(w, "t:ItemId", id)
			}
			w.close("m:GroupIds")
		}
	})
	if err != nil {
		return engine.ImList{}, err
	}
	return readImItemList(resp.child("ImItemList")), nil
}

// AddImGroup adds a user group, or returns the existing group of that name.
func (c *Client) AddImGroup(ctx context.Context, mailbox, displayName string) (engine.ImGroup, error) {
	resp, err := c.ucsCall(ctx, mailbox, "AddImGroup", func(w *xmlWriter) { w.elem("m:DisplayName", displayName) })
	if err != nil {
		return engine.ImGroup{}, err
	}
	return readImGroup(resp.child("ImGroup")), nil
}

// AddNewImContactToGroup finds or creates the contact and adds it to group (zero: Other Contacts).
func (c *Client) AddNewImContactToGroup(ctx context.Context, mailbox, imAddress, displayName string, group engine.ItemID) (engine.ImContact, error) {
	return c.addNew(ctx, mailbox, "AddNewImContactToGroup", group, func(w *xmlWriter) {
		w.elem("m:ImAddress", stripSip(imAddress))
		if displayName != "" {
			w.elem("m:DisplayName", displayName)
		}
	})
}

// AddNewTelUriContactToGroup finds or creates a telephone contact keyed on its tel: URI.
func (c *Client) AddNewTelUriContactToGroup(ctx context.Context, mailbox, telURI, sipURI, number string, group engine.ItemID) (engine.ImContact, error) {
	return c.addNew(ctx, mailbox, "AddNewTelUriContactToGroup", group, func(w *xmlWriter) {
		w.elem("m:TelUriAddress", telURI)
		w.elem("m:ImContactSipUriAddress", sipURI)
		w.elem("m:ImTelephoneNumber", number)
	})
}

// addNew calls an AddNew...ToGroup operation: the contact's elements, then the group unless it
// is zero; the answer is the contact's persona.
func (c *Client) addNew(ctx context.Context, mailbox, op string, group engine.ItemID, contact func(w *xmlWriter)) (engine.ImContact, error) {
	resp, err := c.ucsCall(ctx, mailbox, op, func(w *xmlWriter) {
		contact(w)
		if !group.IsZero() {
			writeItemID(w, "m:GroupId", group)
		}
	})
	if err != nil {
		return engine.ImContact{}, err
	}
	return readPersona(resp.child("Persona")), nil
}

// AddImContactToGroup adds an existing contact to one more group (zero: Other Contacts).
func (c *Client) AddImContactToGroup(ctx context.Context, mailbox string, contact, group engine.ItemID) error {
	_, err := c.ucsCall(ctx, mailbox, "AddImContactToGroup", func(w *xmlWriter) {
		writeItemID(w, "m:ContactId", contact)
		if !group.IsZero() {
			writeItemID(w, "m:GroupId", group)
		}
	})
	return err
}

// RemoveImContactFromGroup drops one membership (a contact left in no group is deleted).
func (c *Client) RemoveImContactFromGroup(ctx context.Context, mailbox string, contact, group engine.ItemID) error {
	_, err := c.ucsCall(ctx, mailbox, "RemoveImContactFromGroup", func(w *xmlWriter) {
		writeItemID(w, "m:ContactId", contact)
		writeItemID(w, "m:GroupId", group)
	})
	return err
}

// RemoveContactFromImList removes the contact from every group and deletes it.
func (c *Client) RemoveContactFromImList(ctx context.Context, mailbox string, contact engine.ItemID) error {
	_, err := c.ucsCall(ctx, mailbox, "RemoveContactFromImList", func(w *xmlWriter) { writeItemID(w, "m:ContactId", contact) })
	return err
}

// SetImGroup renames a user group.
func (c *Client) SetImGroup(ctx context.Context, mailbox string, group engine.ItemID, newName string) error {
	_, err := c.ucsCall(ctx, mailbox, "SetImGroup", func(w *xmlWriter) {
		writeItemID(w, "m:GroupId", group)
		w.elem("m:NewDisplayName", newName)
	})
	return err
}

// RemoveImGroup deletes a user group and the members in no other group.
func (c *Client) RemoveImGroup(ctx context.Context, mailbox string, group engine.ItemID) error {
	_, err := c.ucsCall(ctx, mailbox, "RemoveImGroup", func(w *xmlWriter) { writeItemID(w, "m:GroupId", group) })
	return err
}

// AddDistributionGroupToImList adds (or reuses) a distribution group.
func (c *Client) AddDistributionGroupToImList(ctx context.Context, mailbox, smtp, displayName string) (engine.ImGroup, error) {
	resp, err := c.ucsCall(ctx, mailbox, "AddDistributionGroupToImList", func(w *xmlWriter) {
		w.elem("m:SmtpAddress", smtp)
		w.elem("m:DisplayName", displayName)
	})
	if err != nil {
		return engine.ImGroup{}, err
	}
	return readImGroup(resp.child("ImGroup")), nil
}

// RemoveDistributionGroupFromImList removes a distribution group.
func (c *Client) RemoveDistributionGroupFromImList(ctx context.Context, mailbox string, group engine.ItemID) error {
	_, err := c.ucsCall(ctx, mailbox, "RemoveDistributionGroupFromImList", func(w *xmlWriter) { writeItemID(w, "m:GroupId", group) })
	return err
}

// SetImListMigrationCompleted sets the mailbox's "IM list migrated" flag (Lync Server only).
func (c *Client) SetImListMigrationCompleted(ctx context.Context, mailbox string, completed bool) error {
	_, err := c.ucsCall(ctx, mailbox, "SetImListMigrationCompleted", func(w *xmlWriter) {
		w.elem("m:ImListMigrationCompleted", fmt.Sprint(completed))
	})
	return err
}

func readImItemList(n *node) engine.ImList {
	var l engine.ImList
	for _, g := range n.path("Groups").children("ImGroup") {
		l.Groups = append(l.Groups, readImGroup(g))
	}
	for _, p := range n.path("Personas").children("Persona") {
		l.Contacts = append(l.Contacts, readPersona(p))
	}
	return l
}

func readImGroup(n *node) engine.ImGroup {
	g := engine.ImGroup{
		ID:          readItemID(n.child("ExchangeStoreId")),
		DisplayName: n.child("DisplayName").text(),
		Type:        engine.GroupType(n.child("GroupType").text()),
		SmtpAddress: n.child("SmtpAddress").text(),
	}
	for _, m := range n.path("MemberCorrelationKey").children("ItemId") {
		g.Members = append(g.Members, readItemID(m))
	}
	return g
}

// readPersona takes the contact id from the Quick Contact attribution (docs/PROTOCOLS.md 2.4).
func readPersona(n *node) engine.ImContact {
	c := engine.ImContact{
		PersonaID:   n.child("PersonaId").attr("Id"),
		IMAddress:   stripSip(n.child("ImAddress").text()),
		DisplayName: n.child("DisplayName").text(),
	}
	for _, a := range n.path("Attributions").children("Attribution") {
		if strings.EqualFold(a.child("IsQuickContact").text(), "true") && !strings.EqualFold(a.child("IsHidden").text(), "true") {
			c.ID = readItemID(a.child("SourceId"))
			break
		}
	}
	return c
}
