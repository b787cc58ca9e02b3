package check

import (
	"net/netip"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/dkim"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// flagGroup is a set of flags a check command takes: register binds them
// to the command and its options; apply validates what was given and puts
// it into the options before the run. apply's errors are UsageErrors
// (exit 2).
type flagGroup interface {
	register(cmd *cobra.Command, opts *Options)
	apply(opts *Options) error
}

// selectorFlag is --selector: the DKIM selectors to look up (run
// validates them).
type selectorFlag struct{}

func (selectorFlag) register(cmd *cobra.Command, opts *Options) {
	cmd.Flags().StringArrayVar(&opts.Audit.Selectors, "selector", nil, "DKIM `SELECTOR` to look up, repeatable (default: probe common selectors)")
	cmdutil.CompleteFlag(cmd, "selector", func() []string { return dkim.CommonSelectors })
}

func (selectorFlag) apply(*Options) error { return nil }

// spfClientFlags are --ip, --sender and --helo: the client check_host()
// evaluates (RFC 7208 §4).
type spfClientFlags struct{ ip string }

func (f *spfClientFlags) register(cmd *cobra.Command, opts *Options) {
	fs := cmd.Flags()
	fs.StringVar(&f.ip, "ip", "", "evaluate check_host() for a client at this `IP`")
	fs.StringVar(&opts.Audit.Sender, "sender", "", "the MAIL FROM `ADDR` for --ip (default postmaster@DOMAIN)")
	fs.StringVar(&opts.Audit.HELO, "helo", "", "the HELO/EHLO `NAME` of the client for --ip")
}

func (f *spfClientFlags) apply(opts *Options) error {
	if f.ip == "" {
		if opts.Audit.Sender != "" || opts.Audit.HELO != "" {
			return cmdutil.Usagef("--sender and --helo need --ip: they describe the client check_host() evaluates")
		}
		return nil
	}
	addr, err := netip.ParseAddr(f.ip)
	if err != nil || addr.Zone() != "" {
		return cmdutil.Usagef("invalid --ip %q: want an IPv4 or IPv6 address", f.ip)
	}
	opts.Audit.IP = addr.Unmap()
	return nil
}

// What --ca's help says it is for, by command.
const (
	caForFetch  = "the HTTPS fetch"
	caForDomain = "the MTA-STS policy and BIMI logo fetches and the --smtp probes"
)

// transportFlags are the flags of the parts that fetch over HTTPS (the
// MTA-STS policy, the BIMI logo): --ca and, with bimi, --bimi-selector.
// apply also gives the audit the --timeout for those fetches.
type transportFlags struct {
	caUse        string // what --ca is for, in its help
	bimi         bool
	caFile       string
	bimiSelector string
}

func (f *transportFlags) register(cmd *cobra.Command, _ *Options) {
	fs := cmd.Flags()
	cmdutil.CAFlag(fs, &f.caFile, f.caUse)
	if f.bimi {
		fs.StringVar(&f.bimiSelector, "bimi-selector", "", "BIMI `SELECTOR` to look up (default \"default\")")
	}
}

func (f *transportFlags) apply(opts *Options) error {
	if opts.Globals != nil {
		opts.Audit.Timeout = opts.Globals.Timeout
	}
	if s := f.bimiSelector; s != "" {
		if strings.HasSuffix(s, ".") || strings.HasPrefix(s, "_") {
			return cmdutil.Usagef("invalid --bimi-selector %q", s)
		}
		if _, err := dnsx.Domain(s + "._bimi.example"); err != nil {
			return cmdutil.Usagef("invalid --bimi-selector %q: not a DNS label", s)
		}
		opts.Audit.BIMISelector = strings.ToLower(s)
	}
	if f.caFile != "" {
		pool, err := cmdutil.LoadCA(f.caFile)
		if err != nil {
			return err
		}
		opts.Audit.RootCAs = pool
	}
	return nil
}

// smtpFlag is check domain's --smtp.
type smtpFlag struct{}

func (smtpFlag) register(cmd *cobra.Command, opts *Options) {
	cmd.Flags().BoolVar(&opts.Audit.SMTP, "smtp", false, "also probe every MX address on port 25: STARTTLS, certificate (against the MX name), DANE match")
}

// apply refuses --smtp with --offline: the probes are connections, and
// --offline opens none.
func (smtpFlag) apply(opts *Options) error {
	if opts.Audit.SMTP && opts.Globals != nil && opts.Globals.Offline {
		return cmdutil.Usagef("--smtp probes connect to the MX hosts, and --offline opens no connection: drop one of them")
	}
	return nil
}
