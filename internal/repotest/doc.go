// Package repotest holds specs over the repository itself rather than over one package: that a fresh
// clone's README commands work (make test installs its own test dependencies) and that the example CI
// configurations in docs/ run as written.
package repotest
