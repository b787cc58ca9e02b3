package exporter

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/netip"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/domain"
	"github.com/relayctl/relayctl/checks/ipcheck"
	"github.com/relayctl/relayctl/checks/smtpprobe"
)

// ErrTarget is the kind of the error for a target the module cannot
// probe (a bad name or address).
var ErrTarget = fmt.Errorf("exporter: invalid target")

// prepared is one probe, checked and ready to run.
type prepared func(ctx context.Context) checks.Report

// prepare checks target against m's prober and returns the run; its
// error (ErrTarget) is the client's fault, answered 400.
func prepare(m Module, r dnsx.Resolver, servers []string, roots *x509.CertPool, keys dnsbl.Keys, target string) (prepared, error) {
	bad := func(want string, err error) error {
		return checks.WrapError("exporter", ErrTarget, fmt.Sprintf("invalid target %q for a %s module: want %s", target, m.Prober, want), err)
	}
	switch m.Prober {
	case ProberDomain:
		d, err := dnsx.Domain(target)
		if err != nil {
			return nil, bad("a domain name", err)
		}
		opt := domain.Options{Command: domain.CommandDomain, Parts: m.Parts, Selectors: m.Selectors, SMTP: m.SMTP, RootCAs: roots,
			SMTPOptions: smtpprobe.Options{EHLO: m.EHLO, SkipVerify: m.TLSSkipVerify, ImplicitTLS: m.ImplicitTLS}}
		return func(ctx context.Context) checks.Report { return domain.Run(ctx, r, d, opt) }, nil
	case ProberIP, ProberBlacklist:
		t, err := blacklistTarget(m, target)
		if err != nil {
			return nil, bad(map[bool]string{true: "an IP address", false: "an IP address or a domain name"}[m.Prober == ProberIP], err)
		}
		sel, err := dnsbl.Select(dnsbl.Builtin(), dnsbl.SelectOptions{Names: m.Lists, Exclude: m.Exclude, Keys: keys, Kinds: kinds(t)})
		if err != nil {
			return nil, checks.WrapError("exporter", ErrConfig, "the module's lists", err)
		}
		opt := dnsbl.Options{Keys: keys, Command: "blacklist " + map[bool]string{true: "domain", false: "ip"}[t.Domain != ""], EagerTXT: true}
		res := dnsbl.ResolverCheck(servers, sel.Skipped)
		opt.Resolver = &res
		if m.Prober == ProberIP {
			opt.Command = ipcheck.Command
			io := ipcheck.Options{HELO: m.HELO, NoReputation: m.NoReputation}
			opt.Extra = func(ctx context.Context, t dnsbl.Target) []checks.Result { return ipcheck.Check(ctx, r, t.Addr, io) }
		}
		return func(ctx context.Context) checks.Report { return dnsbl.New(r, sel.Lists, opt).Check(ctx, t) }, nil
	case ProberSMTP:
		t, err := smtpprobe.ParseTarget(target)
		if err != nil {
			return nil, bad("HOST, HOST:PORT or [IPv6]:PORT", err)
		}
		opt := smtpprobe.Options{EHLO: m.EHLO, SkipVerify: m.TLSSkipVerify, ImplicitTLS: m.ImplicitTLS, Roots: roots}
		return func(ctx context.Context) checks.Report { return smtpprobe.CheckTarget(ctx, r, t, opt) }, nil
	}
	return nil, checks.NewError("exporter", ErrConfig, fmt.Sprintf("unknown prober %q", m.Prober))
}

// blacklistTarget reads an address (ip, blacklist) or a domain name
// (blacklist only, checked against the domain lists).
func blacklistTarget(m Module, s string) (dnsbl.Target, error) {
	a, err := dnsbl.ParseAddr(s)
	if err == nil {
		return dnsbl.Target{Addr: a}, nil
	}
	if m.Prober == ProberIP {
		return dnsbl.Target{}, err
	}
	d, derr := dnsx.Domain(s)
	if derr != nil {
		return dnsbl.Target{}, derr
	}
	if _, perr := netip.ParseAddr(d); perr == nil {
		return dnsbl.Target{}, err
	}
	return dnsbl.Target{Domain: d}, nil
}

func kinds(t dnsbl.Target) []dnsbl.Kind {
	if t.Domain != "" {
		return []dnsbl.Kind{dnsbl.KindDomain}
	}
	return []dnsbl.Kind{t.Kind()}
}
