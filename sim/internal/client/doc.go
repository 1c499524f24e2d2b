// Package client holds the simulated Lync endpoints of ucssim: Lync 2013 (sends
// Supported: ms-ucs and reads a migrated list from Exchange over EWS), Lync 2010 and mobile. Each
// is a sipgo user agent over TCP that signs in to the front end (REGISTER, then the three
// self-subscriptions), keeps its view of the contact list up to date from the piggybacked list
// and the NOTIFY/BENOTIFY it receives, edits it (SERVICE while the list is in Lync, EWS once
// migrated), records every log-off prompt and answers one by signing out and in again
// (docs/PROTOCOLS.md 1.7).
//
// Every request a client sends counts for quiescence until its answer arrives, and a
// notification that starts an EWS re-read takes the re-read's unit before it is answered, so
// virtual time cannot move in between.
//
// A client speaks the Lync wire of package lyncwire and never imports the front end; only package
// sim builds one (it is internal to the simulator).
package client
