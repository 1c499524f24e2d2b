package client

import (
	"slices"
	"sort"
	"strings"

	"github.com/ucssim/ucssim/engine"
)

const otherContacts = "Other Contacts"

// ViewContact is one contact as the client shows it.
type ViewContact struct {
	URI    string   // alias@domain
	Name   string   // alias as stored ("" = from the contact card)
	Groups []string // group names as shown; Lync's default group "~" shows as "Other Contacts"
}

// View is what the client shows: where it reads from, the contacts, and the prompts.
type View struct {
	ReadsFrom engine.ReadsFrom
	Contacts  []ViewContact // sorted by URI
	Prompt    bool          // the log-off prompt is showing
	Prompts   []string      // every prompt shown so far, in order (PromptMigrated, PromptRolledBack)
	DeltaNum  int
	SignedIn  bool
}

// URIs lists the contacts' URIs in order.
func (v View) URIs() []string {
	out := make([]string, len(v.Contacts))
	for i, c := range v.Contacts {
		out[i] = c.URI
	}
	return out
}

// View is a snapshot of what the client shows.
func (c *Client) View() View {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := View{ReadsFrom: c.readsFrom, Prompt: c.prompt, Prompts: slices.Clone(c.prompts), DeltaNum: c.deltaNum, SignedIn: c.signedIn}
	if !c.signedIn {
		v.ReadsFrom = ""
		return v
	}
	if c.readsFrom == engine.ReadsExchange {
		v.Contacts = exchangeView(c.exchange)
	} else {
		for _, ct := range c.contacts {
			vc := ViewContact{URI: ct.URI, Name: ct.Name}
			for _, id := range ct.Groups {
				name := otherContacts
				if g, ok := c.groups[id]; ok && g.Name != "~" {
					name = g.Name
				}
				vc.Groups = append(vc.Groups, name)
			}
			sort.Strings(vc.Groups)
			v.Contacts = append(v.Contacts, vc)
		}
	}
	sort.Slice(v.Contacts, func(i, j int) bool { return v.Contacts[i].URI < v.Contacts[j].URI })
	return v
}

func exchangeView(l engine.ImList) []ViewContact {
	var out []ViewContact
	for _, ct := range l.Contacts {
		vc := ViewContact{URI: strings.TrimPrefix(ct.IMAddress, "sip:"), Name: ct.DisplayName}
		for _, g := range l.Groups {
			if g.Type == engine.GroupTagged {
				continue
			}
			for _, m := range g.Members {
				if m.ID == ct.ID.ID {
					vc.Groups = append(vc.Groups, g.DisplayName)
				}
			}
		}
		sort.Strings(vc.Groups)
		out = append(out, vc)
	}
	return out
}
