package check

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/smtpprobe"
	"github.com/relayctl/relayctl/checks/smtpwire"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// SMTPOptions is what "check smtp" runs with.
type SMTPOptions struct {
	IO      *cmdutil.IOStreams
	Globals *cmdutil.Globals
	// Targets as the user typed them (HOST[:PORT]); runSMTP parses them.
	Targets []string
	// CAFile is --ca: a CA to trust in addition to the system's roots.
	CAFile string
	Probe  smtpprobe.Options
	// Resolver, when set, replaces the one built from the global flags.
	Resolver dnsx.Resolver
}

// NewCmdSMTP returns "check smtp". runF replaces the run function in
// tests of the flag wiring.
func NewCmdSMTP(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *SMTPOptions) error) *cobra.Command {
	opts := &SMTPOptions{IO: ios, Globals: g}
	cmd := &cobra.Command{
		Use:   "smtp HOST[:PORT]...",
		Short: "Probe SMTP servers: banner, EHLO, STARTTLS/TLS, certificate, AUTH exposure",
		Long: `Connect to every address (A and AAAA) of each HOST and talk SMTP up to the
point where a message would start, then QUIT. Without a port, ports 25 and
587 (STARTTLS) and 465 (implicit TLS) are probed at the same time; with a
port, only that one (465 means implicit TLS; --implicit-tls forces it).

For each address and port: reverse DNS, step timings, the greeting, EHLO
extensions before and after TLS, whether STARTTLS is offered and required,
whether AUTH is accepted in clear text (AUTH without credentials, then
cancelled), the TLS version, cipher and key exchange, and the certificate
(names, issuer, expiry, key, chain verified against the system roots or
--ca, name matched against HOST). No message is ever sent.

--relay-test adds the open-relay test: MAIL FROM an outside address, RCPT
TO a .invalid domain, then RSET — never DATA.

--timeout limits each step (connect, each reply, the TLS handshake).`,
		Example: `  relayctl check smtp mx.example.com
  relayctl check smtp smtp.example.com:587 -o json
  relayctl check smtp 192.0.2.10:2525 --implicit-tls --ca private-ca.pem
  relayctl check smtp mx.example.com:25 --relay-test`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Targets = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSMTP(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Probe.EHLO, "ehlo", "", "`NAME` to greet with, a host name or an address literal such as [192.0.2.1] (default: this host's name when it is a fully qualified domain name, else "+smtpwire.FallbackEHLO+"; the same in every command)")
	cmdutil.CAFlag(f, &opts.CAFile, "the servers' certificates")
	f.BoolVar(&opts.Probe.SkipVerify, "tls-skip-verify", false, "report an untrusted certificate or a name mismatch in the data, but not as findings")
	f.BoolVar(&opts.Probe.ImplicitTLS, "implicit-tls", false, "use TLS from the first byte on every port (465 always does)")
	f.BoolVar(&opts.Probe.RelayTest, "relay-test", false, "also test whether the server relays for an unauthenticated client (never sends DATA)")
	return cmd
}

// runSMTP probes every target, prints each report as the output format
// wants, and returns the error that carries the exit code.
func runSMTP(ctx context.Context, opts *SMTPOptions) error {
	set, err := opts.Globals.Validate(ctx)
	if err != nil {
		return err
	}
	targets := make([]smtpprobe.Target, len(opts.Targets))
	literals := true
	for i, s := range opts.Targets {
		t, err := smtpprobe.ParseTarget(s)
		if err != nil {
			return &cmdutil.UsageError{Err: err}
		}
		targets[i] = t
		literals = literals && t.Addr.IsValid()
	}
	if err := validEHLO(opts.Probe.EHLO); err != nil {
		return err
	}
	if opts.CAFile != "" {
		pool, err := cmdutil.LoadCA(opts.CAFile)
		if err != nil {
			return err
		}
		opts.Probe.Roots = pool
	}
	opts.Probe.Timeout = opts.Globals.Timeout

	r := opts.Resolver
	if r == nil {
		c, err := opts.Globals.Resolver()
		switch {
		case err == nil:
			r = c
		case literals && !errors.As(err, new(*cmdutil.UsageError)):
			// Only reverse DNS is lost: probe the addresses anyway.
		default:
			return err
		}
	}

	return printReports(opts.IO, opts.Globals, set, nil, len(targets) == 1, nil, func(emit func(checks.Report)) {
		smtpprobe.RunAll(ctx, r, targets, opts.Probe, emit)
	})
}

// validEHLO checks --ehlo (empty: the default name) as smtpwire does for
// every command.
func validEHLO(name string) error {
	if name == "" {
		return nil
	}
	if err := smtpwire.ValidEHLOName(name); err != nil {
		return cmdutil.Usage(fmt.Sprintf("invalid --ehlo %q", name), err)
	}
	return nil
}
