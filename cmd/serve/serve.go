// Package serve is "relayctl serve": a Prometheus exporter in the
// multi-target pattern of blackbox_exporter (the logic is in
// checks/exporter).
package serve

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/exporter"
	"github.com/relayctl/relayctl/cmd/cmdutil"
)

// Options are serve's flags.
type Options struct {
	IO             *cmdutil.IOStreams
	Globals        *cmdutil.Globals
	Listen         string
	ConfigFile     string
	CAFile         string
	MaxConcurrent  int
	DefaultTimeout time.Duration
	MaxTimeout     time.Duration
	// Ready, when set, is told the address served on (tests listen on
	// port 0).
	Ready func(addr net.Addr)
}

// DefaultListen is serve's --listen.
const DefaultListen = "127.0.0.1:9725"

// NewCmdServe returns "serve".
func NewCmdServe(ios *cmdutil.IOStreams, g *cmdutil.Globals, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Globals: g}
	cmd := &cobra.Command{
		Use:   "serve [flags]",
		Short: "Run a Prometheus exporter: /probe?module=MODULE&target=TARGET",
		Long: `Answer Prometheus's probes as blackbox_exporter does: a scrape of
/probe?module=MODULE&target=TARGET runs one check of TARGET with the
module's settings and answers with its metrics (probe success and duration,
each check's status, each finding, each blocklist's verdict, certificate
expiry, SPF lookups, DMARC policy). /metrics has the exporter's own.

Modules domain, ip, blacklist and smtp exist by default; --config FILE
(YAML) adds or replaces modules. A probe's limit is Prometheus's scrape
timeout (its X-Prometheus-Scrape-Timeout-Seconds header) less half a
second, or --probe-timeout, never more than --max-timeout. At most
--max-concurrent probes run at once; one more is answered 503. Nothing is
kept between probes, so several replicas can share a load balancer.

Blocklists that need an account key (Spamhaus DQS, Abusix) are asked when
RELAYCTL_DQS_KEY or RELAYCTL_ABUSIX_KEY is set, as for blacklist.

The global --resolver, --zone, --offline and --timeout apply to every
module (a module's resolvers replace --resolver). Stops on SIGINT/SIGTERM,
letting the probes in progress finish. See docs/serve.md.`,
		Example: `  relayctl serve
  relayctl serve --listen :9725 --config relayctl-exporter.yml
  curl 'http://127.0.0.1:9725/probe?module=domain&target=example.com'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Listen, "listen", DefaultListen, "serve on this `ADDR:PORT`")
	f.StringVar(&opts.ConfigFile, "config", "", "the modules, from this YAML `FILE` (see docs/serve.md)")
	f.IntVar(&opts.MaxConcurrent, "max-concurrent", exporter.DefaultMaxConcurrent, "most probes running at once; one more is answered 503")
	f.DurationVar(&opts.DefaultTimeout, "probe-timeout", exporter.DefaultTimeout, "a probe's limit when the request has no scrape timeout header")
	f.DurationVar(&opts.MaxTimeout, "max-timeout", exporter.DefaultMaxTimeout, "the longest any probe may take, whatever the scrape timeout")
	cmdutil.CAFlag(f, &opts.CAFile, "every module without a ca of its own")
	return cmd
}

// Run serves until ctx is done.
func Run(ctx context.Context, opts *Options) error {
	if _, err := opts.Globals.Validate(ctx); err != nil {
		return err
	}
	if opts.MaxConcurrent < 1 || opts.MaxConcurrent > 1024 {
		return cmdutil.Usagef("invalid --max-concurrent %d: want 1 to 1024", opts.MaxConcurrent)
	}
	if opts.MaxTimeout <= 0 || opts.DefaultTimeout <= 0 {
		return cmdutil.Usagef("invalid --probe-timeout or --max-timeout: want positive durations such as 10s")
	}
	cfg := exporter.DefaultConfig()
	if opts.ConfigFile != "" {
		f, err := os.Open(opts.ConfigFile)
		if err != nil {
			return cmdutil.Usage("cannot read --config "+opts.ConfigFile, err)
		}
		cfg, err = exporter.LoadConfig(f, opts.ConfigFile)
		f.Close()
		if err != nil {
			return &cmdutil.UsageError{Err: err}
		}
	}
	own := prometheus.NewRegistry()
	var roots *x509.CertPool
	if opts.CAFile != "" {
		var err error
		if roots, err = cmdutil.LoadCA(opts.CAFile); err != nil {
			return err
		}
	}
	h, err := exporter.New(cfg, exporter.Options{
		Roots: roots,
		NewResolver: func(servers []string) (dnsx.Resolver, error) {
			return opts.Globals.ResolverWith(func(c *dnsx.Config) {
				if len(servers) > 0 {
					c.Servers = servers
				}
				// No state between probes: every probe asks afresh.
				c.NoCache = true
			})
		},
		MaxConcurrent:  opts.MaxConcurrent,
		DefaultTimeout: opts.DefaultTimeout,
		MaxTimeout:     opts.MaxTimeout,
		Registerer:     own,
		Keys:           keys(opts.IO),
		Logger:         slog.New(slog.NewTextHandler(opts.IO.ErrOut, nil)),
	})
	if errors.Is(err, exporter.ErrConfig) {
		return &cmdutil.UsageError{Err: err}
	}
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", opts.Listen)
	if err != nil {
		return cmdutil.Usage("cannot listen on --listen "+opts.Listen, err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "relayctl: serving on http://%s (/probe, /metrics)\n", ln.Addr())
	if opts.Ready != nil {
		opts.Ready(ln.Addr())
	}
	// /metrics: the default registry's Go and process metrics, and the
	// exporter's counters from a registry of this server's own.
	mux := exporter.Mux(h, prometheus.Gatherers{prometheus.DefaultGatherer, own})
	if err := exporter.Serve(ctx, ln, mux, opts.MaxTimeout); err != nil {
		return cmdutil.Incomplete("serving", err)
	}
	return nil
}

// keys are the blocklist keys from the environment, as blacklist reads
// them.
func keys(ios *cmdutil.IOStreams) dnsbl.Keys {
	getenv := ios.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return dnsbl.Keys{DQS: getenv("RELAYCTL_DQS_KEY"), Abusix: getenv("RELAYCTL_ABUSIX_KEY")}
}
