// Package frontend is the SIP front end of the simulated Lync Server 2013 pool: a sipgo server on
// loopback (TCP and UDP) that accepts REGISTER, SUBSCRIBE to the provisioning, roaming-contacts
// and roaming-self packages, and SERVICE contact-list writes, and pushes the engine's
// notifications (deltas, log-off prompts, triggers) as in-dialog NOTIFY/BENOTIFY on the client's
// own TCP connection (docs/PROTOCOLS.md section 1).
//
// The engine is reached through the Engine interface; registration and subscription expiry run on
// the world's virtual clock through the Scheduler interface, and every transaction the server
// handles and every notification it sends is counted on Config.Counter so virtual time does not
// move while one is in flight.
//
// The wire codecs it shares with the simulated clients (contact-list documents, SERVICE bodies,
// event packages, ms-diagnostics) are package lyncwire; the fake engine its specs drive it with is
// engine/enginetest.FakeEngine. Only package sim builds one (it is internal to the simulator).
package frontend
