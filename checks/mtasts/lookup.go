package mtasts

import (
	"context"
	"fmt"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/fetch"
)

// PolicyURL is where the policy of domain is served (RFC 8461 §3.2).
func PolicyURL(domain string) string {
	return "https://" + PolicyHost(domain) + "/.well-known/mta-sts.txt"
}

// PolicyHost is the host serving the policy of domain.
func PolicyHost(domain string) string { return "mta-sts." + domain }

// discovery is everything learned on the way to a policy.
type discovery struct {
	records  []string // every TXT at _mta-sts.<domain>
	sts      []string // those senders accept (v=STSv1;)
	near     []string // near misses senders discard
	txtErr   error    // the TXT query failed
	resp     *fetch.Response
	fetchErr error
}

// discoverRecord asks _mta-sts.<domain> TXT and sorts the answers.
func discoverRecord(ctx context.Context, r dnsx.Resolver, domain string) *discovery {
	d := &discovery{}
	txts, _, err := dnsx.TXT(ctx, r, "_mta-sts."+domain)
	if err != nil {
		d.txtErr = err
		return d
	}
	d.records = txts
	for _, t := range txts {
		switch {
		case IsRecord(t):
			d.sts = append(d.sts, t)
		case looksLikeRecord(t):
			d.near = append(d.near, t)
		}
	}
	return d
}

func (d *discovery) fetchPolicy(ctx context.Context, r dnsx.Resolver, domain string, opt Options) {
	d.resp, d.fetchErr = fetch.Get(ctx, r, PolicyURL(domain), fetch.Options{
		RootCAs:  opt.RootCAs,
		Timeout:  opt.Timeout,
		MaxBytes: MaxPolicySize,
		Port:     opt.HTTPSPort,
		Accept:   "text/plain",
	})
}

// Lookup returns the MTA-STS policy senders would apply to domain
// (already normalised by dnsx.Domain): exactly one valid _mta-sts record,
// the policy fetched as RFC 8461 §3.3 requires (valid certificate, 200,
// text/plain, no redirect, at most 64 KiB) and parsed without error.
// Otherwise the error wraps ErrNoRecord, ErrMultipleRecords,
// ErrRecordSyntax, ErrPolicyFetch or ErrPolicySyntax — in each case
// senders act as if the domain had no MTA-STS — or is the DNS error that
// kept the record from being read.
//
// Lookup does no caching: each call fetches the policy again.
func Lookup(ctx context.Context, r dnsx.Resolver, domain string, opt Options) (*Policy, error) {
	d := discoverRecord(ctx, r, domain)
	if d.txtErr != nil {
		return nil, d.txtErr
	}
	switch len(d.sts) {
	case 0:
		return nil, ErrNoRecord
	case 1:
	default:
		return nil, ErrMultipleRecords
	}
	if _, err := ParseRecord(d.sts[0]); err != nil {
		return nil, checks.WrapError("mtasts", ErrRecordSyntax, "invalid MTA-STS record", err)
	}
	d.fetchPolicy(ctx, r, domain, opt)
	if d.fetchErr != nil {
		return nil, checks.WrapError("mtasts", ErrPolicyFetch, "policy not fetched", d.fetchErr)
	}
	if msg := d.servingProblem(); msg != "" {
		return nil, checks.NewError("mtasts", ErrPolicyFetch, "policy not fetched: "+msg)
	}
	p, err := ParsePolicy(d.resp.Body)
	if err != nil {
		return p, checks.WrapError("mtasts", ErrPolicySyntax, "invalid policy", err)
	}
	return p, nil
}

// servingProblem says why a fetched response cannot be a policy, or "".
func (d *discovery) servingProblem() string {
	resp := d.resp
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return fmt.Sprintf("HTTP %d redirect to %s", resp.StatusCode, quote(resp.Location))
	case resp.StatusCode != 200:
		return fmt.Sprintf("HTTP %d", resp.StatusCode)
	case resp.TooLarge:
		return "the policy is larger than 64 KiB"
	case !textPlain(resp.ContentType):
		return "Content-Type " + quote(resp.ContentType) + " is not text/plain"
	}
	return ""
}
