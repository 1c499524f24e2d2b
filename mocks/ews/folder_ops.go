package ews

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ucssim/ucssim/engine"
)

// folderInfo describes a distinguished folder (docs/PROTOCOLS.md 2.7).
type folderInfo struct {
	n         uint64
	distName  string
	display   string
	class     string
	children  []uint64 // listed subfolders
	hiddenSub []uint64
}

var folders = map[uint64]folderInfo{
	folderTop:      {folderTop, "root", "", "", []uint64{folderRoot}, nil},
	folderRoot:     {folderRoot, "msgfolderroot", "Top of Information Store", "IPF.Note", []uint64{folderContacts}, nil},
	folderContacts: {folderContacts, "contacts", "Contacts", "IPF.Contact", []uint64{folderQuick}, []uint64{folderImList}},
	folderQuick:    {folderQuick, "quickcontacts", quickContactsName, "IPF.Contact.MOC.QuickContacts", nil, nil},
	folderImList:   {folderImList, "imcontactlist", imListName, "IPF.Contact.MOC.ImContactList", nil, nil},
}

// parentOf is the folder above f (listed or hidden); 0 for the root.
func parentOf(f uint64) uint64 {
	for p, info := range folders {
		for _, ch := range append(append([]uint64(nil), info.children...), info.hiddenSub...) {
			if ch == f {
				return p
			}
		}
	}
	return 0
}

// resolveFolder reads a t:DistinguishedFolderId or t:FolderId.
func (c *call) resolveFolder(n *node) (uint64, *ewsError) {
	id := n.attr("Id")
	if other := strings.ToLower(n.path("Mailbox", "EmailAddress").text()); other != "" && other != c.mb.smtp {
		return 0, faultErr(engine.CodeAccessDenied, fmt.Sprintf("the folder of mailbox %s is not open to this caller (acting for %s)", other, c.mb.smtp))
	}
	switch n.Local {
	case "DistinguishedFolderId":
		for f, info := range folders {
			if strings.EqualFold(info.distName, id) {
				return f, nil
			}
		}
		return 0, opErr("ErrorFolderNotFound", fmt.Sprintf("the distinguished folder %q does not exist in this mailbox", id))
	case "FolderId":
		p, err := c.mb.ids.parse(id)
		if err != nil {
			return 0, opErr(engine.CodeInvalidIDMalformed, err.Error())
		}
		if _, ok := folders[p.n]; ok && p.ok && p.kind == kindFolder {
			return p.n, nil
		}
		return 0, opErr("ErrorFolderNotFound", fmt.Sprintf("no folder with id %q in mailbox %s", id, c.mb.smtp))
	}
	return 0, faultErr(engine.CodeSchemaValidation, fmt.Sprintf("%s: %s is not a folder id", c.op.Local, n.Local))
}

// folderIDs lists the folder id elements under a required container.
func (c *call) folderIDs(container string) ([]*node, *ewsError) {
	ct := c.op.child(container)
	if ct == nil || len(ct.Children) == 0 {
		return nil, faultErr(engine.CodeSchemaValidation, fmt.Sprintf("%s: the required element %s is missing or empty", c.op.Local, container))
	}
	return ct.Children, nil
}

func (c *call) folderCount(f uint64) int {
	switch f {
	case folderQuick:
		return len(c.mb.contacts)
	case folderImList:
		return len(c.mb.groups)
	}
	return 0
}

func (c *call) writeFolder(w *xmlWriter, f uint64) {
	info := folders[f]
	elem := "t:ContactsFolder"
	if f == folderRoot || f == folderTop {
		elem = "t:Folder"
	}
	id := c.mb.folderID(f)
	w.open(elem)
	w.empty("t:FolderId", "Id", id.ID, "ChangeKey", id.ChangeKey)
	if p := parentOf(f); p != 0 {
		// ordinary clients (exchangelib's walk) build the tree from it
		pid := c.mb.folderID(p)
		w.empty("t:ParentFolderId", "Id", pid.ID, "ChangeKey", pid.ChangeKey)
	}
	if info.class != "" {
		w.elem("t:FolderClass", info.class)
	}
	w.elem("t:DisplayName", info.display)
	w.elem("t:TotalCount", strconv.Itoa(c.folderCount(f)))
	w.elem("t:ChildFolderCount", strconv.Itoa(len(info.children)))
	w.close(elem)
}

// messages writes the ordinary wrapper m:<Op>Response/m:ResponseMessages and calls each for
// every message; it returns the first error code or NoError.
func messages(c *call, w *xmlWriter, n int, each func(i int) (*ewsError, func())) (string, *ewsError) {
	op := c.op.Local
	code := "NoError"
	type msg struct {
		e    *ewsError
		body func()
	}
	msgs := make([]msg, n)
	for i := range n {
		e, body := each(i)
		if e != nil && e.Fault {
			return "", e
		}
		msgs[i] = msg{e, body}
		if e != nil && code == "NoError" {
			code = e.Code
		}
	}
	w.open("m:" + op + "Response")
	w.open("m:ResponseMessages")
	for _, m := range msgs {
		elem := "m:" + op + "ResponseMessage"
		responseHead(w, elem, m.e)
		if m.e == nil && m.body != nil {
			m.body()
		}
		w.close(elem)
	}
	w.close("m:ResponseMessages")
	w.close("m:" + op + "Response")
	return code, nil
}

func opFindFolder(c *call, w *xmlWriter) (string, bool, *ewsError) {
	parents, fe := c.folderIDs("ParentFolderIds")
	if fe != nil {
		return "", false, fe
	}
	deep := strings.EqualFold(c.op.attr("Traversal"), "Deep")
	match, fe := folderRestriction(c)
	if fe != nil {
		return "", false, fe
	}
	return c.perFolder(w, parents, func(f uint64) func() {
		var found []uint64
		var walk func(uint64)
		walk = func(p uint64) {
			for _, ch := range folders[p].children {
				if match(folders[ch].display) {
					found = append(found, ch)
				}
				if deep {
					walk(ch)
				}
			}
		}
		walk(f)
		return func() {
			w.open("m:RootFolder", "TotalItemsInView", strconv.Itoa(len(found)), "IncludesLastItemInRange", "true")
			w.open("t:Folders")
			for _, ch := range found {
				c.writeFolder(w, ch)
			}
			w.close("t:Folders")
			w.close("m:RootFolder")
		}
	})
}

// perFolder answers one message per folder id: an unknown id is that message's error, a known
// folder's message body is what body returns for it.
func (c *call) perFolder(w *xmlWriter, ids []*node, body func(f uint64) func()) (string, bool, *ewsError) {
	code, fe := messages(c, w, len(ids), func(i int) (*ewsError, func()) {
		f, e := c.resolveFolder(ids[i])
		if e != nil {
			return e, nil
		}
		return nil, body(f)
	})
	return code, false, fe
}

// folderRestriction supports IsEqualTo and Contains on folder:DisplayName, the ways a client
// finds "Lync Contacts" by name; other restrictions are refused rather than ignored.
func folderRestriction(c *call) (func(string) bool, *ewsError) {
	r := c.op.child("Restriction")
	if r == nil {
		return func(string) bool { return true }, nil
	}
	if len(r.Children) != 1 {
		return nil, faultErr(engine.CodeSchemaValidation, "FindFolder: Restriction must hold one expression")
	}
	x := r.Children[0]
	field := x.child("FieldURI").attr("FieldURI")
	if field != "folder:DisplayName" {
		return nil, opErr(engine.CodeInvalidRequest, fmt.Sprintf("FindFolder: restriction on %q is not supported; use folder:DisplayName", field))
	}
	value := x.path("FieldURIOrConstant", "Constant").attr("Value")
	if value == "" {
		value = x.child("Constant").attr("Value")
	}
	switch x.Local {
	case "IsEqualTo":
		return func(s string) bool { return strings.EqualFold(s, value) }, nil
	case "Contains":
		return func(s string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(value)) }, nil
	}
	return nil, opErr(engine.CodeInvalidRequest, fmt.Sprintf("FindFolder: restriction %s is not supported; use IsEqualTo or Contains", x.Local))
}

func opGetFolder(c *call, w *xmlWriter) (string, bool, *ewsError) {
	ids, fe := c.folderIDs("FolderIds")
	if fe != nil {
		return "", false, fe
	}
	return c.perFolder(w, ids, func(f uint64) func() {
		return func() {
			w.open("m:Folders")
			c.writeFolder(w, f)
			w.close("m:Folders")
		}
	})
}

func opFindItem(c *call, w *xmlWriter) (string, bool, *ewsError) {
	parents, fe := c.folderIDs("ParentFolderIds")
	if fe != nil {
		return "", false, fe
	}
	offset, limit, fromEnd, fe := pageView(c)
	if fe != nil {
		return "", false, fe
	}
	return c.perFolder(w, parents, func(f uint64) func() {
		total := c.folderCount(f)
		start := min(offset, total)
		if fromEnd {
			start = max(0, total-offset-limit)
		}
		end := min(total, start+limit)
		return func() {
			w.open("m:RootFolder", "IndexedPagingOffset", strconv.Itoa(end), "TotalItemsInView", strconv.Itoa(total),
				"IncludesLastItemInRange", strconv.FormatBool(end >= total))
			w.open("t:Items")
			for j := start; j < end; j++ {
				if f == folderQuick {
					c.writeContactItem(w, c.mb.contacts[j])
				} else {
					c.writeDistList(w, c.mb.groups[j], false)
				}
			}
			w.close("t:Items")
			w.close("m:RootFolder")
		}
	})
}

// pageView reads IndexedPageItemView; without one every item is returned.
func pageView(c *call) (offset, limit int, fromEnd bool, e *ewsError) {
	v := c.op.child("IndexedPageItemView")
	limit = int(^uint(0) >> 1)
	if v == nil {
		return 0, limit, false, nil
	}
	if s := v.attr("MaxEntriesReturned"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return 0, 0, false, faultErr(engine.CodeSchemaValidation, fmt.Sprintf("FindItem: MaxEntriesReturned %q is not a positive integer", s))
		}
		limit = n
	}
	if s := v.attr("Offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, 0, false, faultErr(engine.CodeSchemaValidation, fmt.Sprintf("FindItem: Offset %q is not a non-negative integer", s))
		}
		offset = n
	}
	return offset, limit, strings.EqualFold(v.attr("BasePoint"), "End"), nil
}

func (c *call) writeContactItem(w *xmlWriter, ct *contact) {
	id := c.mb.contactID(ct)
	w.open("t:Contact")
	w.empty("t:ItemId", "Id", id.ID, "ChangeKey", id.ChangeKey)
	w.elem("t:ItemClass", "IPM.Contact")
	w.elem("t:DisplayName", ct.display)
	w.open("t:EmailAddresses")
	w.elem2("t:Entry", ct.im, "Key", "EmailAddress1")
	w.close("t:EmailAddresses")
	w.open("t:ImAddresses")
	w.elem2("t:Entry", ct.im, "Key", "ImAddress1")
	w.close("t:ImAddresses")
	w.close("t:Contact")
}

func (c *call) writeDistList(w *xmlWriter, g *group, members bool) {
	id := c.mb.groupID(g)
	w.open("t:DistributionList")
	w.empty("t:ItemId", "Id", id.ID, "ChangeKey", id.ChangeKey)
	w.elem("t:ItemClass", string(g.typ))
	w.elem("t:DisplayName", g.name)
	if members {
		w.open("t:Members")
		for _, ct := range g.members {
			cid := c.mb.contactID(ct)
			w.open("t:Member")
			w.open("t:Mailbox")
			w.elem("t:Name", ct.display)
			w.elem("t:EmailAddress", ct.im)
			w.elem("t:RoutingType", "SMTP")
			w.elem("t:MailboxType", "Contact")
			w.empty("t:ItemId", "Id", cid.ID, "ChangeKey", cid.ChangeKey)
			w.close("t:Mailbox")
			w.elem("t:Status", "Normal")
			w.close("t:Member")
		}
		w.close("t:Members")
	}
	w.close("t:DistributionList")
}

func opGetItem(c *call, w *xmlWriter) (string, bool, *ewsError) {
	ids, fe := c.folderIDs("ItemIds")
	if fe != nil {
		return "", false, fe
	}
	code, fe := messages(c, w, len(ids), func(i int) (*ewsError, func()) {
		id := ids[i].attr("Id")
		p, err := c.mb.ids.parse(id)
		if err != nil {
			return opErr(engine.CodeInvalidIDMalformed, err.Error()), nil
		}
		if p.ok {
			switch p.kind {
			case kindContact:
				for _, ct := range c.mb.contacts {
					if ct.n == p.n {
						return nil, func() { w.open("m:Items"); c.writeContactItem(w, ct); w.close("m:Items") }
					}
				}
			case kindGroup:
				for _, g := range c.mb.groups {
					if g.n == p.n {
						return nil, func() { w.open("m:Items"); c.writeDistList(w, g, true); w.close("m:Items") }
					}
				}
			}
		}
		return opErr("ErrorItemNotFound", fmt.Sprintf("no item with id %q in mailbox %s", id, c.mb.smtp)), nil
	})
	return code, false, fe
}
