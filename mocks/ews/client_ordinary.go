package ews

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ucssim/ucssim/engine"
)

// Folder is a folder as FindFolder and GetFolder answer it.
type Folder struct {
	ID               engine.ItemID
	DisplayName      string
	FolderClass      string
	TotalCount       int
	ChildFolderCount int
}

// Item is a Quick Contacts contact or an IM Contact List distribution list.
type Item struct {
	ID          engine.ItemID
	ItemClass   string
	DisplayName string
	Email       string          // contacts
	IMAddress   string          // contacts
	Members     []engine.ItemID // distribution lists (GetItem only)
}

// Page is one FindItem answer.
type Page struct {
	Items        []Item
	Total        int
	IncludesLast bool
	NextOffset   int
}

// folderRef writes a distinguished id (all lower-case letters: "contacts", "quickcontacts",
// "inbox" ...) or else a FolderId.
func folderRef(w *xmlWriter, folder string) {
	if folder != "" && strings.Trim(folder, "abcdefghijklmnopqrstuvwxyz") == "" {
		w.empty("t:DistinguishedFolderId", "Id", folder)
		return
	}
	w.empty("t:FolderId", "Id", folder)
}

// messagesOf returns the response messages of an ordinary operation, errors checked.
func (c *Client) messagesOf(ctx context.Context, mailbox, op string, body func(w *xmlWriter), opAttrs ...string) ([]*node, error) {
	resp, err := c.call(ctx, mailbox, op, body, opAttrs...)
	if err != nil {
		return nil, err
	}
	msgs := resp.path("ResponseMessages").children(op + "ResponseMessage")
	for _, m := range msgs {
		if err := checkMessage(op, m); err != nil {
			return nil, err
		}
	}
	return msgs, nil
}

// FindFolder lists the folders under parent (a distinguished id or a folder id); name, if not
// "", restricts to that display name.
func (c *Client) FindFolder(ctx context.Context, mailbox, parent, name string, deep bool) ([]Folder, error) {
	traversal := "Shallow"
	if deep {
		traversal = "Deep"
	}
	msgs, err := c.messagesOf(ctx, mailbox, "FindFolder", func(w *xmlWriter) {
		w.open("m:FolderShape")
		w.elem("t:BaseShape", "Default")
		w.close("m:FolderShape")
		if name != "" {
			w.open("m:Restriction")
			w.open("t:IsEqualTo")
			w.empty("t:FieldURI", "FieldURI", "folder:DisplayName")
			w.open("t:FieldURIOrConstant")
			w.empty("t:Constant", "Value", name)
			w.close("t:FieldURIOrConstant")
			w.close("t:IsEqualTo")
			w.close("m:Restriction")
		}
		w.open("m:ParentFolderIds")
		folderRef(w, parent)
		w.close("m:ParentFolderIds")
	}, "Traversal", traversal)
	if err != nil {
		return nil, err
	}
	var out []Folder
	for _, m := range msgs {
		for _, f := range m.path("RootFolder", "Folders").Children {
			out = append(out, readFolder(f))
		}
	}
	return out, nil
}

// GetFolder reads one folder.
func (c *Client) GetFolder(ctx context.Context, mailbox, folder string) (Folder, error) {
	msgs, err := c.messagesOf(ctx, mailbox, "GetFolder", func(w *xmlWriter) {
		w.open("m:FolderShape")
		w.elem("t:BaseShape", "Default")
		w.close("m:FolderShape")
		w.open("m:FolderIds")
		folderRef(w, folder)
		w.close("m:FolderIds")
	})
	if err != nil {
		return Folder{}, err
	}
	if len(msgs) != 1 || len(msgs[0].path("Folders").Children) != 1 {
		return Folder{}, &engine.TransportError{Operation: "GetFolder", StatusCode: 200, Err: fmt.Errorf("answer holds no folder")}
	}
	return readFolder(msgs[0].path("Folders").Children[0]), nil
}

func readFolder(f *node) Folder {
	total, _ := strconv.Atoi(f.child("TotalCount").text())
	kids, _ := strconv.Atoi(f.child("ChildFolderCount").text())
	return Folder{ID: readItemID(f.child("FolderId")), DisplayName: f.child("DisplayName").text(),
		FolderClass: f.child("FolderClass").text(), TotalCount: total, ChildFolderCount: kids}
}

// FindItem pages through a folder's items from offset; max <= 0 means all.
func (c *Client) FindItem(ctx context.Context, mailbox, folder string, offset, max int) (Page, error) {
	msgs, err := c.messagesOf(ctx, mailbox, "FindItem", func(w *xmlWriter) {
		w.open("m:ItemShape")
		w.elem("t:BaseShape", "Default")
		w.close("m:ItemShape")
		if max > 0 || offset > 0 {
			attrs := []string{"Offset", strconv.Itoa(offset), "BasePoint", "Beginning"}
			if max > 0 {
				attrs = append([]string{"MaxEntriesReturned", strconv.Itoa(max)}, attrs...)
			}
			w.empty("m:IndexedPageItemView", attrs...)
		}
		w.open("m:ParentFolderIds")
		folderRef(w, folder)
		w.close("m:ParentFolderIds")
	}, "Traversal", "Shallow")
	if err != nil {
		return Page{}, err
	}
	var p Page
	for _, m := range msgs {
		root := m.child("RootFolder")
		p.Total, _ = strconv.Atoi(root.attr("TotalItemsInView"))
		p.NextOffset, _ = strconv.Atoi(root.attr("IndexedPagingOffset"))
		p.IncludesLast = root.attr("IncludesLastItemInRange") == "true"
		for _, it := range root.path("Items").Children {
			p.Items = append(p.Items, readItem(it))
		}
	}
	return p, nil
}

// GetItem reads items by id.
func (c *Client) GetItem(ctx context.Context, mailbox string, ids ...engine.ItemID) ([]Item, error) {
	msgs, err := c.messagesOf(ctx, mailbox, "GetItem", func(w *xmlWriter) {
		w.open("m:ItemShape")
		w.elem("t:BaseShape", "Default")
		w.close("m:ItemShape")
		w.open("m:ItemIds")
		for _, id := range ids {
			writeItemID(w, "t:ItemId", id)
		}
		w.close("m:ItemIds")
	})
	if err != nil {
		return nil, err
	}
	var out []Item
	for _, m := range msgs {
		for _, it := range m.path("Items").Children {
			out = append(out, readItem(it))
		}
	}
	return out, nil
}

func readItem(n *node) Item {
	it := Item{ID: readItemID(n.child("ItemId")), ItemClass: n.child("ItemClass").text(), DisplayName: n.child("DisplayName").text()}
	for _, e := range n.path("EmailAddresses").children("Entry") {
		if e.attr("Key") == "EmailAddress1" {
			it.Email = e.text()
		}
	}
	for _, e := range n.path("ImAddresses").children("Entry") {
		if e.attr("Key") == "ImAddress1" {
			it.IMAddress = e.text()
		}
	}
	for _, m := range n.path("Members").children("Member") {
		it.Members = append(it.Members, readItemID(m.path("Mailbox", "ItemId")))
	}
	return it
}
