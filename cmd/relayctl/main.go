// Command relayctl is the relayctl CLI: email deliverability diagnostics
// (the domain audit, SMTP probes, DNS blocklists, bounce parsing, sending)
// for people and CI.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/cmd/root"
	versioncmd "github.com/relayctl/relayctl/cmd/version"
)

// Set by the release build: -ldflags "-X main.version=... -X main.commit=...
// -X main.date=..." (.goreleaser.yaml). Left empty, "relayctl version" falls
// back to the Go build information (versioncmd.Info.Fill).
var (
	version string
	commit  string
	date    string
)

func main() {
	os.Exit(mainRun())
}

// mainRun is main without os.Exit, for the testscript tests.
func mainRun() int {
	// Ctrl-C and SIGTERM cancel every query in flight and every wait on
	// stdin or a FIFO (cmdutil.IOStreams.Stdin, cmdutil.OpenFile); the
	// checks then finish as errors and the run exits 3. Once ctx is
	// cancelled the signals get their default action again, so that a
	// second Ctrl-C ends a run that is slow to wind down.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	info := versioncmd.Info{Version: version, Commit: commit, Date: date}
	return int(root.Main(ctx, os.Args[1:], cmdutil.System(), info))
}
