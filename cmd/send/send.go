// Package send wires "relayctl send": flags to a send.Config and a
// message (or a batch of them), records to the report package, results
// to the exit code. The SMTP work is checks/send's.
package send

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/checks/smtpwire"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// Options are the flags of "relayctl send" and what it depends on.
type Options struct {
	IO      *cmdutil.IOStreams
	Globals *cmdutil.Globals

	Server       string
	TLS          string
	CA           string
	SkipVerify   bool
	TLSVerify    bool
	EHLO         string
	User         string
	Auth         string
	PasswordFile string
	TokenFile    string
	InsecureAuth bool

	From    string
	To      []string
	Cc      []string
	Bcc     []string
	Subject string
	Body    string
	HTML    string
	Attach  []string
	Headers []string
	Data    string
	bodySet bool
	subjSet bool
	htmlSet bool
	dataSet bool
	outSet  bool

	DKIMKey      string
	DKIMSelector string
	DKIMDomain   string

	DryRun      bool
	Verbose     bool
	QuitAfter   string
	DSNNotify   string
	DSNRet      string
	EnvID       string
	Retries     int
	RetryDelay  time.Duration
	DataTimeout time.Duration

	Batch       string
	Concurrency int
	Rate        string
	SkipDone    string
	NoProgress  bool

	// For tests: the resolver for MX delivery, the MX port, the clock,
	// and the randomness of Message-IDs and boundaries.
	Resolver dnsx.Resolver
	MXPort   int
	Now      func() time.Time
	Random   io.Reader
}

// NewCmdSend returns "relayctl send". runF replaces the run function in
// tests of flag parsing.
func NewCmdSend(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g}
	cmd := &cobra.Command{
		Use:   "send --from ADDR --to ADDR [flags]",
		Short: "Send a message (or a batch) through an SMTP relay, with an exact outcome",
		Long: `Send one message, or one per row of a --batch file, through an SMTP relay
(--server) or straight to the MX hosts of each recipient domain (port 25,
opportunistic TLS unless --tls-verify).

TLS: --tls auto (the default) uses implicit TLS on port 465 and STARTTLS
elsewhere when offered; credentials are never sent without TLS unless
--insecure-auth. Certificates are verified (--ca FILE for a private CA,
--tls-skip-verify to accept any).

AUTH: --user NAME with the password from RELAYCTL_PASSWORD or
--password-file, or an OAuth token from RELAYCTL_TOKEN or --token-file
(XOAUTH2). --auth auto picks XOAUTH2 for a token, else the strongest
mechanism offered: CRAM-MD5, PLAIN, LOGIN. Secrets never appear in any
output.

The record of each message (-o json/ndjson) has the accepted and rejected
recipients, the final reply, the queue id parsed from it, TLS details and
timings. Exit codes: 0 every recipient accepted (or, with --quit-after,
"tested"); 1 a permanent (5xx) rejection of the sender, a recipient, the
data or the credentials, or a "partial" delivery (some recipients got
it, others were refused); 3 a
temporary failure that outlasted --retries, a timeout, a connection or
TLS failure, or no reply to the final dot (result "unknown": the message
is never sent twice); 2 bad usage or input, such as a line break inside a
header value.`,
		Example: `  # one message through a submission server
  RELAYCTL_PASSWORD=... relayctl send --server smtp.example.net --user me@example.net \
    --from me@example.net --to you@example.org --subject "Test" --body "Hello"

  # HTML with an attachment, DKIM-signed, as JSON
  relayctl send --server smtp.example.net:465 --from me@example.net --to you@example.org \
    --subject "Report" --body @report.txt --html @report.html --attach report.pdf \
    --dkim-key dkim.pem --dkim-selector s1 -o json

  # see the message without sending it
  relayctl send --from me@example.net --to you@example.org --subject Hi --body Hi --dry-run

  # a batch: one message per CSV row, 4 connections, 10 messages a second
  relayctl send --server smtp.example.net --from news@example.net --batch people.csv \
    --subject "Hello {{.name}}" --body @letter.txt --concurrency 4 --rate 10/s > results.ndjson
  # resume it after Ctrl-C without sending anything twice
  relayctl send ... --batch people.csv --skip-done results.ndjson >> results.ndjson`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			opts.bodySet = f.Changed("body")
			opts.subjSet = f.Changed("subject")
			opts.htmlSet = f.Changed("html")
			opts.dataSet = f.Changed("data")
			if o := cmd.Flag("output"); o != nil {
				opts.outSet = o.Changed
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Server, "server", "", "SMTP server as `HOST[:PORT]` (port 587 by default, 465 means implicit TLS); without it, the MX hosts of the first recipient's domain on port 25")
	cmdutil.StringEnumFlag(f, &opts.TLS, "tls", "", "auto", []string{string(send.TLSAuto), string(send.TLSStartTLS), string(send.TLSImplicit), string(send.TLSNone)}, "TLS `MODE`")
	cmdutil.CAFlag(f, &opts.CA, "the server's certificate")
	f.BoolVar(&opts.SkipVerify, "tls-skip-verify", false, "accept any certificate (the record says it was not verified)")
	f.BoolVar(&opts.TLSVerify, "tls-verify", false, "in MX delivery (no --server), require a verified certificate instead of opportunistic TLS (with --server certificates are always verified)")
	f.StringVar(&opts.EHLO, "ehlo", "", "`NAME` to greet the server with, a host name or an address literal such as [192.0.2.1] (default: this host's name when it is a fully qualified domain name, else "+smtpwire.FallbackEHLO+"; the same in every command)")
	f.StringVar(&opts.User, "user", "", "AUTH user `NAME`; the password comes from RELAYCTL_PASSWORD or --password-file, a token from RELAYCTL_TOKEN or --token-file")
	cmdutil.StringEnumFlag(f, &opts.Auth, "auth", "", "auto", []string{"auto", send.MechPLAIN, send.MechLOGIN, send.MechCRAMMD5, send.MechXOAUTH2}, "AUTH `MECHANISM`")
	f.StringVar(&opts.PasswordFile, "password-file", "", "read the AUTH password from `FILE` (its first line)")
	f.StringVar(&opts.TokenFile, "token-file", "", "read an OAuth 2.0 access token for XOAUTH2 from `FILE`")
	f.BoolVar(&opts.InsecureAuth, "insecure-auth", false, "allow sending credentials over a connection without TLS")

	f.StringVar(&opts.From, "from", "", "sender `ADDR` (\"Name <a@example.net>\" works); envelope and From header")
	f.StringArrayVar(&opts.To, "to", nil, "recipient `ADDR`; repeatable, or comma-separated")
	f.StringArrayVar(&opts.Cc, "cc", nil, "Cc recipient `ADDR`; repeatable")
	f.StringArrayVar(&opts.Bcc, "bcc", nil, "Bcc recipient `ADDR`: on the envelope, not in the message; repeatable")
	f.StringVar(&opts.Subject, "subject", "", "the `SUBJECT` (a template in a batch)")
	f.StringVar(&opts.Body, "body", "", "the text body: `TEXT`, @FILE, or - for stdin (a template in a batch)")
	f.StringVar(&opts.HTML, "html", "", "an HTML part: @`FILE`, - for stdin, or the HTML itself (a template in a batch)")
	f.StringArrayVar(&opts.Attach, "attach", nil, "attach `FILE` (base64, content type from the extension); repeatable")
	f.StringArrayVar(&opts.Headers, "header", nil, "add a header `\"Name: value\"` (replaces Date, Message-ID… of the same name); repeatable")
	f.StringVar(&opts.Data, "data", "", "send a ready RFC 5322 message as is: @`FILE` or - for stdin")

	f.StringVar(&opts.DKIMKey, "dkim-key", "", "sign with the DKIM private key in this PEM `FILE` (RSA or Ed25519)")
	f.StringVar(&opts.DKIMSelector, "dkim-selector", "", "DKIM `SELECTOR` (with --dkim-key)")
	f.StringVar(&opts.DKIMDomain, "dkim-domain", "", "DKIM signing `DOMAIN` (default: the From domain)")

	f.BoolVar(&opts.DryRun, "dry-run", false, "print the envelope and the message (signed, with --dkim-key); connect to nothing")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "print the SMTP dialogue on stderr (secrets redacted)")
	f.StringVar(&opts.QuitAfter, "quit-after", "", "test the server without sending: stop with QUIT after `STAGE` (connect, ehlo, tls, auth, mail, rcpt); the result is \"tested\"")
	f.StringVar(&opts.DSNNotify, "dsn-notify", "", "ask for delivery status notifications (RFC 3461): `WHEN` is never, or any of success,failure,delay")
	f.StringVar(&opts.DSNRet, "dsn-ret", "", "what a failure notification returns (RFC 3461): `full` message or hdrs only")
	f.StringVar(&opts.EnvID, "envid", "", "envelope `ID` echoed in notifications (RFC 3461 ENVID, xtext-encoded)")
	f.IntVar(&opts.Retries, "retries", 0, "retry a temporary failure (4xx, connection) `N` more times, with exponential backoff and jitter")
	f.DurationVar(&opts.RetryDelay, "retry-delay", time.Second, "first backoff before a retry; doubled each time")
	f.DurationVar(&opts.DataTimeout, "data-timeout", time.Minute, "how long to wait for the reply to the final dot")

	f.StringVar(&opts.Batch, "batch", "", "send one message per row of this CSV (header row) or NDJSON `FILE`; row fields fill {{.name}} in --subject, --body, --html, --header; \"to\" is required, \"cc\", \"bcc\" and \"from\" optional")
	f.IntVar(&opts.Concurrency, "concurrency", 1, "with --batch: `N` connections, each reused for many messages")
	cmdutil.RateTextVar(f, &opts.Rate, "rate", "with --batch: at most `RATE` messages overall, spaced evenly (default: no limit)")
	f.StringVar(&opts.SkipDone, "skip-done", "", "with --batch: skip the rows an earlier run's NDJSON `RESULTS` show as sent, rejected or unknown")
	f.BoolVar(&opts.NoProgress, "no-progress", false, "with --batch: no progress bar on a terminal's stderr")
	return cmd
}
