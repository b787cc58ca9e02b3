// Package verify wires "relayctl verify": arguments, --file and stdin to a
// stream of addresses, flags to checks/verify options, records to the
// output. It holds no verification logic.
package verify

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/verify"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// Options is what "relayctl verify" runs with.
type Options struct {
	IO      *cmdutil.IOStreams
	Globals *cmdutil.Globals
	// Args are addresses, or "-" for stdin.
	Args []string
	// Files are lists (one address a line) or, with Column, CSV files.
	Files  []string
	Column string

	SMTP        bool
	From        string
	EHLO        string
	Port        int // --smtp-port: for tests only
	Retries     int
	RetryWait   time.Duration
	PerDomain   int
	Rate        cmdutil.Rate
	Concurrency int
	MaxRcpt     int
	NoTLS       bool

	DisposableList string
	SkipDone       string
	NoProgress     bool

	// Resolver and Dial, when set, replace the ones built from the flags
	// (tests).
	Resolver dnsx.Resolver
	Dial     verify.Dialer
}

// NewCmdVerify returns "relayctl verify". runF replaces the run function
// in tests of the flag wiring.
func NewCmdVerify(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g}
	cmd := &cobra.Command{
		Use:   "verify ADDRESS...|-|--file FILE",
		Short: "Check email addresses before they go on a list: syntax, domain, disposable, mailbox",
		Long: `Judge each address: deliverable, undeliverable, risky or unknown, with the
reasons. Without --smtp, the syntax (RFC 5321/5322, RFC 6531), the domain's
mail hosts (MX, the implicit MX, null MX, NXDOMAIN) and the disposable,
role and free-provider lists are checked; the mailbox itself is not, so the
best verdict is unknown. With --smtp (and --from), the domain's mail host
is asked about each address with RCPT TO on port 25, and a made-up address
is asked too, to find catch-all domains; nothing is ever sent (no DATA).

An address is undeliverable only on hard evidence: bad syntax, a domain
that does not exist or receives no mail, or a mail host that says the
mailbox does not exist (5.1.1). Greylisting, rate limits, timeouts and a
mail host that refuses this client leave it unknown, never undeliverable.
docs/verify.md has the rules and every reason code.

Addresses are grouped by domain, so each mail host gets one connection
carrying many RCPTs; records still come out in input order. "-" reads
stdin, --file a file: one address a line (# comments), or CSV with
--column. After an interrupted run, --skip-done OUT.ndjson leaves out the
addresses already in that output.

Exit codes: 0 every address deliverable (at the --fail-on gate); 1 one is
undeliverable (or risky, with --fail-on warn); 2 bad usage or input; 3
some are unknown and none reached the gate.`,
		Example: `  relayctl verify ann@example.com bob@example.org
  relayctl verify --file signups.txt -o ndjson > verdicts.ndjson
  relayctl verify --file users.csv --column email --smtp --from postmaster@yourdomain.example
  relayctl verify --file big.txt --smtp --from you@yourdomain.example --per-domain 2 --rate 5/s \
      --skip-done verdicts.ndjson -o ndjson >> verdicts.ndjson`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&opts.Files, "file", nil, "read addresses from `FILE`, one a line (# starts a comment), or CSV with --column; repeatable")
	fs.StringVar(&opts.Column, "column", "", "with --file or -: the input is CSV with a header row; take addresses from this column (`NAME` or 1-based number)")
	fs.BoolVar(&opts.SMTP, "smtp", false, "ask each domain's mail host about the mailbox (RCPT TO on port 25; never DATA); needs --from")
	fs.StringVar(&opts.From, "from", "", "MAIL FROM `ADDRESS` for --smtp: a real address of yours (not the null sender)")
	fs.StringVar(&opts.EHLO, "ehlo", "", "EHLO `NAME` (default: this host's name when it is fully qualified)")
	fs.IntVar(&opts.Retries, "retries", verify.DefaultRetries, "ask again `N` times after a temporary (4xx) answer")
	fs.DurationVar(&opts.RetryWait, "retry-wait", verify.DefaultRetryWait, "wait this long before asking again after a temporary answer (greylisting)")
	fs.IntVar(&opts.PerDomain, "per-domain", verify.DefaultPerDomain, "at most `N` connections to one domain's mail host at once")
	cmdutil.RateVar(fs, &opts.Rate, "rate", "at most `RATE` RCPTs to each domain, spaced evenly (default: no limit)")
	fs.IntVar(&opts.Concurrency, "concurrency", verify.DefaultConcurrency, "at most `N` domains (and SMTP connections) worked on at once (1 to 512)")
	fs.IntVar(&opts.MaxRcpt, "max-rcpt", verify.DefaultMaxRcpt, "at most `N` RCPTs in one transaction, then RSET (a 452 too many recipients does it sooner)")
	fs.BoolVar(&opts.NoTLS, "no-starttls", false, "do not use STARTTLS even when the mail host offers it")
	fs.StringVar(&opts.DisposableList, "disposable-list", "", "read the disposable domains from `FILE` (one a line, # comments; e.g. disposable_email_blocklist.conf) instead of the built-in seed list")
	fs.StringVar(&opts.SkipDone, "skip-done", "", "leave out the addresses already in this NDJSON `FILE` (the output of an interrupted run)")
	fs.BoolVar(&opts.NoProgress, "no-progress", false, "no progress line on stderr")
	fs.IntVar(&opts.Port, "smtp-port", verify.DefaultPort, "SMTP `PORT` of the mail hosts: for tests only (mail hosts listen on 25)")
	fs.MarkHidden("smtp-port")
	return cmd
}
