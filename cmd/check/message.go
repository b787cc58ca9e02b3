package check

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/message"
	"github.com/relayctl/relayctl/checks/spamd"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// MessageOptions is what "check message" runs with.
type MessageOptions struct {
	IO      *cmdutil.IOStreams
	Globals *cmdutil.Globals
	// Inputs are files, folders and "-" as typed (none: stdin).
	Inputs []string
	Check  message.RunOptions
	// Resolver, when set, replaces the one built from the global flags.
	Resolver dnsx.Resolver
}

// NewCmdMessage returns "check message". runF replaces the run function
// in tests of the flag wiring.
func NewCmdMessage(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *MessageOptions) error) *cobra.Command {
	opts := &MessageOptions{IO: ios, Globals: g}
	var ip, mailFrom, now, spamdAddr string
	cmd := &cobra.Command{
		Use:   "message [FILE|DIR|-]...",
		Short: "Give a received message's DKIM, SPF, DMARC and ARC verdicts, and compare its Authentication-Results",
		Long: `Read each message as it was received (an .eml file, a Maildir folder, an
mbox, or - for standard input; standard input when none is given) and
compute every authentication verdict a receiver computes, each explained:

  dkim     every DKIM-Signature verified (RFC 6376), with the cause of each
           failure, key sizes, SHA-1, l=, From coverage and alignment
  spf      check_host() for the MAIL FROM (or, for <>, the HELO) domain and
           for the HELO name (RFC 7208)
  dmarc    the From domain's policy, SPF and DKIM alignment, and the
           disposition the receiver applies (RFC 7489, RFC 9989)
  arc      the ARC chain (RFC 8617): where it broke and why
  authres  the Authentication-Results fields (RFC 8601), the trusted
           receivers' verdicts beside relayctl's own
  hops     the delivery path from the Received fields: each hop's TLS,
           authentication and delay, the slowest, delays past --slow,
           clock skew, a clear-text hop between TLS hops
  bulk     Gmail's, Yahoo's and Outlook.com's requirements for senders of
           over 5,000 messages a day (SPF and DKIM pass, DMARC aligned,
           forward-confirmed PTR, TLS, RFC 5322 headers, no provider From,
           signed one-click unsubscribe); info unless --bulk
  spam     a SpamAssassin score from the spamd given with --spamd: the
           score, the threshold and every rule that hit
  content  what filters look at: size and MIME structure, link domains on
           the domain blocklists, deceptive links, risky attachments

Keys and records are looked up through --resolver, --zone and --offline, so a
signing setup can be checked against a zone before it is published.

--ip, --helo and --mail-from are the SMTP facts of the receiving hop. Without
them they are taken from the trace the receiver added: the topmost
Return-Path, the newest Received field whose from clause has an address
literal, Received-SPF. The report's spf data says where each came from.

One report per message; its target is the Message-ID, else the file (and
#N for the Nth message of an mbox).`,
		Example: `  relayctl check message received.eml
  relayctl check message ~/Maildir --authserv-id mx.example.net -o ndjson
  relayctl check message signed.eml --zone example.com.zone --offline --ip 192.0.2.10 --mail-from bounce@example.com
  relayctl check message old.eml --now 2026-01-01T00:00:00Z
  relayctl check message newsletter.eml --bulk --spamd 127.0.0.1:783`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			c := &opts.Check
			if ip != "" {
				addr, err := netip.ParseAddr(ip)
				if err != nil || addr.Zone() != "" {
					return cmdutil.Usagef("invalid --ip %q: want an IPv4 or IPv6 address", ip)
				}
				c.IP = addr.Unmap()
			}
			if cmd.Flags().Changed("mail-from") {
				a := strings.Trim(strings.TrimSpace(mailFrom), "<>")
				if mailFrom == "-" {
					a = ""
				}
				if a != "" && (!strings.Contains(a, "@") || strings.ContainsAny(a, " \t\r\n")) {
					return cmdutil.Usagef("invalid --mail-from %q: want an address (local@domain), or <> or - for the null reverse-path", mailFrom)
				}
				c.MailFrom, c.MailFromSet = a, true
			}
			if c.HELO != "" && strings.ContainsAny(c.HELO, " \t\r\n") {
				return cmdutil.Usagef("invalid --helo %q: want a host name or an address literal", c.HELO)
			}
			if now != "" {
				t, err := time.Parse(time.RFC3339, now)
				if err != nil {
					return cmdutil.Usagef("invalid --now %q: want an RFC 3339 time such as 2026-01-01T00:00:00Z", now)
				}
				c.Now = t
			}
			if spamdAddr != "" {
				addr, err := spamd.ParseAddr(spamdAddr)
				if err != nil {
					return cmdutil.Usage("--spamd", err)
				}
				c.Spamd = addr
			}
			if c.Slow < 0 {
				return cmdutil.Usagef("invalid --slow %s: want a positive duration such as 5m", c.Slow)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runMessage(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&ip, "ip", "", "the SMTP client's `IP` at the receiving hop (default: from the Received fields)")
	f.StringVar(&opts.Check.HELO, "helo", "", "the client's HELO/EHLO `NAME` (default: from the Received fields)")
	f.StringVar(&mailFrom, "mail-from", "", "the MAIL FROM `ADDR`, <> or - for the null reverse-path (default: from Return-Path)")
	f.StringArrayVar(&opts.Check.AuthServIDs, "authserv-id", nil, "trust the Authentication-Results of this receiver (`ID`, RFC 8601 §5), repeatable")
	f.StringVar(&now, "now", "", "judge x= and t= against this `TIME` (RFC 3339; default: now)")
	f.DurationVar(&opts.Check.Slow, "slow", message.DefaultSlow, "warn about a hop that took longer than this `DURATION`")
	f.BoolVar(&opts.Check.Bulk, "bulk", false, "enforce the bulk-sender requirements: a missed one warns or fails (default: info)")
	f.StringVar(&spamdAddr, "spamd", "", "score the message with the spamd at `HOST:PORT` (SpamAssassin)")
	return cmd
}

// runMessage checks every message and prints each report.
func runMessage(ctx context.Context, opts *MessageOptions) error {
	set, err := opts.Globals.Validate(ctx)
	if err != nil {
		return err
	}
	inputs := opts.Inputs
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	r := opts.Resolver
	if r == nil {
		c, err := opts.Globals.Resolver()
		if err != nil {
			return err
		}
		r = c
	}
	// One input that holds one message prints as one JSON object (the
	// JSON writer decides on the count), like every single-target run.
	var runErr error
	err = printReports(opts.IO, opts.Globals, set, nil, len(inputs) == 1, nil, func(emit func(checks.Report)) {
		runErr = message.RunAll(ctx, r, inputs, opts.IO.In, opts.Check, emit)
	})
	if runErr != nil {
		return cmdutil.Incomplete("reading the messages", runErr)
	}
	return err
}
