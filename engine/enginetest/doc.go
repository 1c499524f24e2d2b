// Package enginetest is the one home of the test doubles around the engine. Each stands in for one
// side of the engine so a spec can drive the other side without sockets or a full world:
//
//   - Exchange (New) is an in-memory Exchange 2013 mailbox server implementing engine.Exchange,
//     with fault injection (busy with back-off, unauthorized, down, slow) and the mailbox limits.
//     The real engine runs against it in the engine's own specs and wherever a test needs an engine
//     without HTTP.
//   - FakeEngine (NewFakeEngine) stands in for the engine above the SIP front end: users with a Lync
//     list, SERVICE writes with deltas, and hand-driven migration, rollback and Exchange changes.
//     The front-end and simulated-client specs drive the real wire against it.
//
// The real Exchange mock over HTTP is package mocks/ews; a whole simulated world (engine, EWS mock,
// front end, clients, virtual clock) is package sim. Only tests import this package
// (engine/imports_test.go enforces it).
package enginetest
