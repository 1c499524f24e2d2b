// Package interop holds ucssim's interop suite: third-party clients nobody on the project wrote,
// driven against a simulated world over real sockets. pidgin-sipe (Debian pidgin-sipe, libpurple)
// runs headless through the whole unified contact store cycle over SIP/TLS and EWS/HTTPS; the npm
// `sip` stack speaks the Lync dialect over TCP. The package has no code of its own: the specs live
// in its tests and their harness in testdata. A missing client fails its spec naming the package
// to install (make test installs them: .ci/test-deps).
package interop
