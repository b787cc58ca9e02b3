// Package cmdutil holds what every relayctl command shares: the injected
// IO streams, the global flags of docs/contract.md and the errors that decide the
// exit code.
package cmdutil
