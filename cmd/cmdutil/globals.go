package cmdutil

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/policy"
	"github.com/relayctl/relayctl/report"
)

// Globals are the global flags of docs/contract.md, shared by every command.
type Globals struct {
	Output    string
	Resolvers []string
	Zones     []string
	Offline   bool
	Timeout   time.Duration
	FailOn    string
	Ignore    []string
	NoColor   bool
	// Version is relayctl's version (set by the root, not a flag): the
	// SARIF output names it.
	Version string
	// PolicyFile is --policy (policy.go); policy is the file loaded,
	// loaded whether LoadPolicy has run, and flags the set Register added
	// the global flags to (which says which were given).
	PolicyFile string
	policy     *policy.Policy
	loaded     bool
	flags      *pflag.FlagSet
}

// Register adds the global flags to fs (the root's persistent flags).
func (g *Globals) Register(fs *pflag.FlagSet) {
	g.flags = fs
	StringEnumFlag(fs, &g.Output, "output", "o", string(report.FormatTable), names(report.Formats), "output `FORMAT`")
	fs.StringArrayVar(&g.Resolvers, "resolver", nil, "DNS server to ask, as `ADDR[:PORT]`; repeatable (default: the system's, from /etc/resolv.conf)")
	fs.StringArrayVar(&g.Zones, "zone", nil, "answer names inside this RFC 1035 zone `FILE` (or every zone file in a folder) from the file, repeatable")
	fs.BoolVar(&g.Offline, "offline", false, "with --zone: a name outside the zone files is an error instead of a network query")
	fs.DurationVar(&g.Timeout, "timeout", dnsx.DefaultTimeout, "limit for one network operation (one DNS query, one SMTP step, one HTTPS fetch)")
	StringEnumFlag(fs, &g.FailOn, "fail-on", "", string(report.FailOnFail), names(report.FailOns), "exit 1 when a finding reaches this `LEVEL`")
	fs.StringArrayVar(&g.Ignore, "ignore", nil, "drop findings with this `CODE` (a glob such as dmarc.* works), repeatable")
	fs.BoolVar(&g.NoColor, "no-color", false, "no colour (also when NO_COLOR is set or stdout is not a terminal)")
	fs.StringVar(&g.PolicyFile, "policy", "", "read expectations, severity overrides, ignores and flag defaults from this YAML `FILE` (default: "+policy.DefaultFile+" when present; docs/policy.md)")
}

// Settings are the global flags checked and turned into values.
type Settings struct {
	Format report.Format
	FailOn report.FailOn
	Ignore []string
}

// Validate loads the policy file (LoadPolicy: --policy, or relayctl.yaml
// when present), so that every command that validates its globals takes
// the file's flag defaults, then checks the flag values; its errors are
// UsageErrors.
func (g *Globals) Validate(ctx context.Context) (Settings, error) {
	if err := g.LoadPolicy(ctx, g.flags, nil); err != nil {
		return Settings{}, err
	}
	return g.validate()
}

func (g *Globals) validate() (Settings, error) {
	var s Settings
	var err error
	if s.Format, err = report.ParseFormat(g.Output); err != nil {
		return s, Usagef("invalid --output %q: want %s", g.Output, OneOf(names(report.Formats), "or"))
	}
	if s.FailOn, err = report.ParseFailOn(g.FailOn); err != nil {
		return s, Usagef("invalid --fail-on %q: want warn, fail or never", g.FailOn)
	}
	if err := report.ValidateGlobs(g.Ignore); err != nil {
		return s, &UsageError{Err: err}
	}
	s.Ignore = g.Ignore
	if g.Timeout <= 0 {
		return s, Usagef("invalid --timeout %s: want a positive duration such as 5s", g.Timeout)
	}
	if g.Offline && len(g.Zones) == 0 {
		return s, Usagef("--offline needs at least one --zone FILE to answer from")
	}
	for _, srv := range g.Resolvers {
		if err := checkServer(srv); err != nil {
			return s, Usage(fmt.Sprintf("invalid --resolver %q", srv), err)
		}
	}
	return s, nil
}

// ValidateRecords is Validate for a command that prints records, not
// check reports (bounce parse, send, verify, blacklist lists): the CI
// formats (junit, sarif, markdown) describe checks, so asking one of
// them is bad usage, said in words.
func (g *Globals) ValidateRecords(ctx context.Context, command string) (Settings, error) {
	if err := g.LoadPolicy(ctx, g.flags, nil); err != nil {
		return Settings{}, err
	}
	return g.recordSettings(command)
}

// ValidateOutput is ValidateRecords without the policy file, for the
// commands that use no setting it gives (explain, version): a broken
// relayctl.yaml must not stop them.
func (g *Globals) ValidateOutput(command string) (Settings, error) {
	return g.recordSettings(command)
}

func (g *Globals) recordSettings(command string) (Settings, error) {
	s, err := g.validate()
	if err == nil && s.Format.ForReports() {
		return s, Usagef("-o %s is for commands that print check reports; %s prints records: use -o table, json or ndjson", s.Format, command)
	}
	return s, err
}

// checkServer accepts HOST, IP, HOST:PORT and [IPv6]:PORT with a numeric
// port, so that a typo fails here instead of as a network error later.
func checkServer(srv string) error {
	addr, err := dnsx.ServerAddr(srv)
	if err != nil {
		return resolverError(err, "")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil
	}
	if strings.ContainsAny(host, ":") {
		return fmt.Errorf("%q is not an IPv6 address", host)
	}
	// A name whose last label is all digits is an IP address gone wrong
	// (300.1.1.1, 10.0.0): no top-level domain is numeric (RFC 3696 §2).
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if last := labels[len(labels)-1]; last != "" && strings.Trim(last, "0123456789") == "" {
		return fmt.Errorf("%q is not an IP address", host)
	}
	if !hostName(labels) {
		return fmt.Errorf("%q is neither an IP address nor a host name", host)
	}
	return nil
}

// hostName reports whether labels make a host name (RFC 1123 §2.1:
// letters, digits and inner hyphens, 1 to 63 of them a label, 253 in
// all).
func hostName(labels []string) bool {
	if len(strings.Join(labels, ".")) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// Resolver loads the zone files and builds the one resolver of the run.
// An unreadable or malformed zone file is a UsageError; failing to find
// the system's resolvers is an IncompleteError.
func (g *Globals) Resolver() (*dnsx.Client, error) { return g.ResolverWith(nil) }

// ResolverWith is Resolver with a last say over the client's
// configuration: a bulk command turns the cache off and sets its own
// in-flight bound.
func (g *Globals) ResolverWith(adjust func(*dnsx.Config)) (*dnsx.Client, error) {
	var zones []*dnsx.Zone
	for _, path := range g.Zones {
		zs, err := dnsx.LoadZones(path)
		if err != nil {
			return nil, Usage("cannot use --zone "+path, resolverError(err, path))
		}
		zones = append(zones, zs...)
	}
	cfg := dnsx.Config{Servers: g.Resolvers, Timeout: g.Timeout, Zones: zones, Offline: g.Offline}
	if adjust != nil {
		adjust(&cfg)
	}
	c, err := dnsx.New(cfg)
	if err != nil {
		if len(g.Resolvers) == 0 {
			e := resolverError(err, "")
			e.hint = "or answer from zone files: --zone with --offline"
			return nil, Incomplete("no DNS server to ask", e)
		}
		return nil, Usage("invalid --resolver", resolverError(err, ""))
	}
	return c, nil
}

// names spells an enum's values for StringEnumFlag.
func names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
