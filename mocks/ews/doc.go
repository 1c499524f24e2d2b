// Package ews is ucssim's Exchange 2013 mailbox server and its client, speaking Exchange Web
// Services over HTTP SOAP as docs/PROTOCOLS.md section 2 fixes it.
//
// The Server keeps many mailboxes, each with the visible "Lync Contacts" folder (quickcontacts),
// the hidden "IM Contact List" folder (imcontactlist) and the ImListMigrationCompleted flag. It
// answers the [MS-OXWSCOS] unified contact store operations, the ordinary FindFolder, GetFolder,
// FindItem and GetItem operations and POX autodiscover; it checks Basic and Bearer
// authentication, runs a fault plan on the virtual clock and keeps a request journal.
//
// The Client implements engine.Exchange for the Lync Server engine (Bearer token plus
// impersonation) and serves the simulated Lync 2013 clients (Basic, own mailbox, autodiscover).
//
// Typical use in a world:
//
//	in := ews.NewInsiders() // the in-process connections: only they may hold virtual time
//	srv := ews.NewServer(ews.Config{Clock: sched.Clock(), Sleeper: sched, Counter: sched.Tracker(),
//		Insiders: in, TrustKey: key, Seed: seed, OnChange: eng.ExchangeChanged-like callback})
//	srv.AddMailbox("kenmyer@litwareinc.com", "Ken Myer", engine.MailboxExchange2013)
//	base, _ := srv.Start("127.0.0.1:0")
//	lync := ews.NewClient(ews.ClientConfig{BaseURL: base, Insiders: in, Held: 1,
//		Token: func() string { return ews.SignToken(key, "lync", sched.Now(), time.Hour) }})
//	user := ews.NewClient(ews.ClientConfig{BaseURL: base, Basic: "kenmyer@litwareinc.com"})
//
// Request decoding matches elements by local name and skips unknown content; answers are
// written with the fixed prefixes soap, m, t and e. Malformed requests get a SOAP fault
// (ErrorSchemaValidation, or ErrorInvalidRequest for unknown operations and bodies over
// MaxBodyBytes) and change nothing.
package ews
