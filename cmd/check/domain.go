package check

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// NewCmdDomain returns "check domain". runF replaces the run function in
// tests of the flag wiring.
func NewCmdDomain(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g, Audit: domain.Options{Command: domain.CommandDomain}}
	cmd := &cobra.Command{
		Use:   "domain DOMAIN...",
		Short: "Full audit of a domain: " + strings.Join(domain.Parts(), ", "),
		Long: `Audit each domain's mail DNS: its MX hosts and their addresses (mx),
forward-confirmed reverse DNS of every MX address (ptr), the SPF record
(spf), DKIM keys (dkim) and the DMARC policy (dmarc). Several domains are
checked at once and reported in the order given.

Without --selector, DKIM probes a list of common selectors; a selector you
name that is missing or broken is a failure.

MTA-STS (mtasts) fetches the policy from https://mta-sts.DOMAIN/ (resolved
through the same DNS as everything else, no redirects, --timeout for the
whole fetch); TLS-RPT (tlsrpt) reads _smtp._tls.DOMAIN; BIMI (bimi) reads
default._bimi.DOMAIN (or --bimi-selector), checks DMARC enforcement and
fetches the logo. --ca FILE adds a private CA for those fetches.

DANE (dane) reads the TLSA records at _25._tcp of every MX host and says
whether they are usable and DNSSEC-validated; DNSSEC (dnssec) reports
whether the resolver validated the domain's and the MX hosts' answers (the
AD bit), and says so when the resolver does not validate at all.

--smtp also probes every address of every MX host on port 25, all at once:
one result per address after the parts, with the certificate checked
against the MX host name (and --ca), and the chain matched against the
host's TLSA records in the dane part. No message is sent.

"-" reads domains from stdin and --file from a file, one a line (# starts
a comment); --concurrency bounds how many are checked at once, --shard I/N
keeps one of N stable parts of the list (for parallel CI jobs), and a
summary ends the run. --policy (or relayctl.yaml) adds the expectations,
severities and ignores of a policy file (docs/policy.md).`,
		Example: `  relayctl check domain example.com
  relayctl check domain example.com example.org -o ndjson
  relayctl check domain example.com --selector s1 --selector s2
  relayctl check domain example.com --zone example.com.zone --offline
  relayctl check domain example.com --bimi-selector brand --ca private-ca.pem
  relayctl check domain example.com --smtp -o json
  relayctl check domain --file domains.txt --shard 1/4 --policy relayctl.yaml -o ndjson`,
		Args: bulkArgs(cobra.MinimumNArgs(1), false),
	}
	wire(cmd, opts, []flagGroup{selectorFlag{}, &transportFlags{caUse: caForDomain, bimi: true}, smtpFlag{}, stateFlag{}}, runF)
	return cmd
}
